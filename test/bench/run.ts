// `npm run bench [-- --quick | --smoke] [--out FILE] [--max-seconds N] [--parts sites,…] [--site-sizes 10,100]`: measures against the local
// runtime, writes bench/results/latest.json and prints a Markdown summary. Budget misses are
// reported, never turned into a failing exit code. See docs/performance.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './bench';
import { progress, writeOut } from './io';
import { REPO_DIR } from './proc';
import { markdown } from './report';

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      'max-seconds': { type: 'string' },
      parts: { type: 'string' },
      'site-sizes': { type: 'string' },
    },
  });
  const maxSeconds = values['max-seconds'] ? Number(values['max-seconds']) : undefined;
  const out = values.out ?? join(REPO_DIR, 'bench', 'results', 'latest.json');
  // A hard stop well after the budget: the bench must end by itself whatever happens.
  const hardStop = setTimeout(() => {
    progress('hard time limit reached, exiting');
    process.exit(2);
  }, ((maxSeconds ?? (values.quick || values.smoke ? 60 : 300)) + 120) * 1000);
  hardStop.unref();

  const result = await runBench({ quick: values.quick, smoke: values.smoke, maxSeconds, parts: values.parts?.split(',').map((x) => x.trim()).filter(Boolean), siteSizes: values['site-sizes']?.split(',').map(Number).filter((x) => x > 0) });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  writeOut(markdown(result, relative(process.cwd(), out)) + '\n');
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
