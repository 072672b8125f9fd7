/**
 * Part 4: every Lambda's bundle, built the way the stack builds it (infra/constructs/
 * csms-function.ts: esbuild, platform node, target node22, minify, CommonJS, ESM-first main
 * fields, AWS SDK bundled), its size, what fills it, and its module init time: each bundle is
 * `require`d in a fresh Node process (no loader, no NODE_OPTIONS) and the require is timed.
 * A second entry times the first schema validation, which compiles the OCPP schema sets lazily
 * on the first message a cold Lambda handles.
 */
import { LAMBDA_ALIASES } from '../../infra/lambda/aliases';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { progress } from './io';
import { REPO_DIR } from './proc';
import { median } from './stats';

export interface BundleRow {
  entry: string;
  bytes: number;
  gzipBytes: number;
  /** Median of `runs` fresh-process requires. */
  initMs: number;
  initRuns: number[];
  /** Biggest contributors to the output (npm package or "project"), bytes in output. */
  top: Array<{ name: string; bytes: number }>;
  error?: string;
}

export interface BundlesResult {
  settings: Record<string, unknown>;
  rows: BundleRow[];
  coldValidation?: { requireMs: number; firstValidation16Ms: number; secondValidation16Ms: number; firstValidation201Ms: number; error?: string };
  node: string;
}

export function lambdaEntries(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.test.ts')) out.push(relative(REPO_DIR, p));
    }
  };
  walk(join(REPO_DIR, 'functions'));
  return out;
}

export const BUILD_SETTINGS = {
  bundle: true,
  platform: 'node' as const,
  target: 'node22',
  minify: true,
  format: 'cjs' as const,
  mainFields: ['module', 'main'],
  sourcemap: false,
  external: [] as string[],
  alias: LAMBDA_ALIASES,
  // The stack's default (tracing off): the Tracer is not bundled (shared/lambda/tracing.ts).
  define: { 'process.env.CSMS_TRACING': JSON.stringify('false') } as Record<string, string>,
};

const packageOf = (input: string) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1] : 'project';
};

export async function measureBundles(opts: { entries?: string[]; initRuns: number }): Promise<BundlesResult> {
  const esbuild = await import('esbuild');
  const entries = opts.entries ?? lambdaEntries();
  const dir = mkdtempSync(join(tmpdir(), 'csms-bench-bundles-'));
  const rows: BundleRow[] = [];
  const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', LOG_LEVEL: 'silent' };
  try {
    progress(`bundles: ${entries.length} entries`);
    // One esbuild pass for all entries (no code splitting: each output is a complete bundle).
    const build = await esbuild.build({
      ...BUILD_SETTINGS, absWorkingDir: REPO_DIR, entryPoints: entries, outdir: dir, outbase: REPO_DIR,
      metafile: true, logLevel: 'silent',
    }).catch((e: Error) => e);
    for (const entry of entries) {
      const outfile = join(dir, entry.replace(/\.ts$/, '.js'));
      try {
        if (build instanceof Error) throw build;
        const out = build.metafile.outputs[relative(REPO_DIR, outfile)];
        if (!out) throw new Error(`no output for ${entry}`);
        const code = readFileSync(outfile);
        const byPkg = new Map<string, number>();
        for (const [input, v] of Object.entries(out.inputs)) byPkg.set(packageOf(input), (byPkg.get(packageOf(input)) ?? 0) + v.bytesInOutput);
        const top = [...byPkg].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([name, bytes]) => ({ name, bytes }));
        const initRuns: number[] = [];
        for (let i = 0; i < opts.initRuns; i++) initRuns.push(timeRequire(outfile, env));
        rows.push({ entry, bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength, initMs: median(initRuns), initRuns, top });
      } catch (e) {
        rows.push({ entry, bytes: NaN, gzipBytes: NaN, initMs: NaN, initRuns: [], top: [], error: String((e as Error).message).split('\n')[0] });
      }
    }
    const coldValidation = await measureColdValidation(esbuild, dir, env);
    return { settings: { ...BUILD_SETTINGS, note: 'as infra/constructs/csms-function.ts bundles (bundleAwsSDK, no externals)' }, rows, coldValidation, node: nodeVersion() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const REQUIRE_SCRIPT = `
const t0 = process.hrtime.bigint();
require(process.argv[1]);
const t1 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ ms: Number(t1 - t0) / 1e6 }));
`;

function timeRequire(file: string, env: Record<string, string>): number {
  const r = spawnSync(process.execPath, ['-e', REQUIRE_SCRIPT, file], { env, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`require of ${basename(file)} failed: ${(r.stderr || '').split('\n').slice(0, 3).join(' ')}`);
  return JSON.parse(r.stdout).ms;
}

function nodeVersion(): string {
  return spawnSync(process.execPath, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

const COLD_SCRIPT = `
const t0 = process.hrtime.bigint();
const m = require(process.argv[1]);
const t1 = process.hrtime.bigint();
m.validate16();
const t2 = process.hrtime.bigint();
m.validate16();
const t3 = process.hrtime.bigint();
m.validate201();
const t4 = process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
process.stdout.write(JSON.stringify({ requireMs: ms(t0, t1), firstValidation16Ms: ms(t1, t2), secondValidation16Ms: ms(t2, t3), firstValidation201Ms: ms(t3, t4) }));
`;

async function measureColdValidation(esbuild: typeof import('esbuild'), dir: string, env: Record<string, string>): Promise<BundlesResult['coldValidation']> {
  const outfile = join(dir, 'cold-validation.js');
  try {
    await esbuild.build({
      ...BUILD_SETTINGS, absWorkingDir: REPO_DIR, outfile, logLevel: 'silent',
      stdin: {
        resolveDir: REPO_DIR, loader: 'ts', sourcefile: 'cold-validation.ts',
        contents: `import { checkPayload } from './shared/ocpp/validation';
export const validate16 = () => checkPayload('1.6', 'StatusNotification', 'req', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
export const validate201 = () => checkPayload('2.0.1', 'StatusNotification', 'req', { timestamp: '2026-01-01T00:00:00Z', connectorStatus: 'Available', evseId: 1, connectorId: 1 });`,
      },
    });
    const runs = [0, 1, 2].map(() => {
      const r = spawnSync(process.execPath, ['-e', COLD_SCRIPT, outfile], { env, encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error((r.stderr || '').split('\n')[0]);
      return JSON.parse(r.stdout) as NonNullable<BundlesResult['coldValidation']>;
    });
    const med = (k: keyof NonNullable<BundlesResult['coldValidation']>) => median(runs.map((r) => r[k] as number));
    return { requireMs: med('requireMs'), firstValidation16Ms: med('firstValidation16Ms'), secondValidation16Ms: med('secondValidation16Ms'), firstValidation201Ms: med('firstValidation201Ms') };
  } catch (e) {
    return { requireMs: NaN, firstValidation16Ms: NaN, secondValidation16Ms: NaN, firstValidation201Ms: NaN, error: String((e as Error).message) };
  }
}
