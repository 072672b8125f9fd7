// Builds the operator console (console/src) into console/dist with esbuild: one ES module bundle
// (preact, htm, uPlot inside), the page, its style sheets. Run by `npm install` (prepare),
// `npm start`, `npm test` and the browser tests; well under a second. docs/console.md.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const consoleSrc = join(__dirname, 'src');
export const consoleDist = join(__dirname, 'dist');

export async function buildConsole(outDir = consoleDist): Promise<{ files: Record<string, number> }> {
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(consoleSrc, 'app.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  copyFileSync(join(consoleSrc, 'index.html'), join(outDir, 'index.html'));
  copyFileSync(join(consoleSrc, 'style.css'), join(outDir, 'style.css'));
  copyFileSync(require.resolve('uplot/dist/uPlot.min.css'), join(outDir, 'uPlot.min.css'));
  const files: Record<string, number> = {};
  for (const f of ['index.html', 'app.js', 'style.css', 'uPlot.min.css']) files[f] = statSync(join(outDir, f)).size;
  return { files };
}

if (require.main === module) {
  const started = Date.now();
  buildConsole().then(
    ({ files }) => {
      const total = Object.values(files).reduce((a, b) => a + b, 0);
      console.log(`console built in ${Date.now() - started} ms: ${Object.entries(files).map(([f, n]) => `${f} ${(n / 1024).toFixed(1)} KiB`).join(', ')} (${(total / 1024).toFixed(1)} KiB)`);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
