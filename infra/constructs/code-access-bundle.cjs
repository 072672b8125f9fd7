// Child process of infra/constructs/code-access.ts (the stack is built synchronously, while esbuild
// plugins need the asynchronous API). Reads a JSON request on stdin, bundles the entries exactly as
// code-access.ts describes, and writes per entry the project files that remain in the bundle, their
// imports, and their code after tree-shaking (the output split at esbuild's `// <path>` markers).
//
// `pure` names registration functions (e.g. registerEffect) whose calls are marked
// `/* @__PURE__ */` in project files, so esbuild drops a registration — and whatever only it
// reaches — from bundles that never run the registered code. Nothing here is deployed.
'use strict';
const { readFileSync } = require('node:fs');
const { extname } = require('node:path');

const request = JSON.parse(readFileSync(0, 'utf8'));
const { build } = require(request.esbuild);

const isProjectFile = (path) => !path.includes('node_modules') && /\.(?:ts|js|mjs|cjs)$/.test(path);
const LOADERS = { '.ts': 'ts', '.js': 'js', '.mjs': 'js', '.cjs': 'js' };

const plugins = [];
if (request.pure.length) {
  // A call, not the definition (`function registerEffect(`) nor a property (`x.registerEffect(`).
  const call = new RegExp(`(?<![\\w.$]|function\\s+)\\b(${request.pure.join('|')})(\\s*\\()`, 'g');
  plugins.push({
    name: 'pure-registrations',
    setup(b) {
      b.onLoad({ filter: /\.(?:ts|js|mjs|cjs)$/ }, (args) => {
        if (args.path.includes('node_modules')) return undefined;
        const source = readFileSync(args.path, 'utf8');
        call.lastIndex = 0;
        if (!call.test(source)) return undefined;
        // A registration that is a statement of its own becomes `if (false) register(...)`, which
        // esbuild drops with everything only it reaches even inside a loop
        // (`for (const a of [...]) registerGuard(a, ...)`, where a pure mark would not help); any
        // other call is marked pure.
        const contents = source
          .replace(new RegExp(`^(\\s*)(?=(?:${request.pure.join('|')})\\s*\\()`, 'gm'), '$1if (false) ')
          .replace(call, (m, name, paren, offset, whole) => (/if \(false\) $/.test(whole.slice(Math.max(0, offset - 11), offset)) ? m : `/* @__PURE__ */ ${name}${paren}`));
        return { contents, loader: LOADERS[extname(args.path)] ?? 'ts' };
      });
    },
  });
}

build({ ...request.options, entryPoints: request.entries, plugins }).then((result) => {
  const outputs = [];
  for (const file of result.outputFiles) {
    const meta = Object.entries(result.metafile.outputs).find(([path]) => file.path === path || file.path.endsWith(`/${path}`))?.[1];
    if (!meta?.entryPoint) continue;
    const inputs = {};
    for (const [path, input] of Object.entries(meta.inputs)) {
      if (!isProjectFile(path) || input.bytesInOutput === 0) continue;
      inputs[path] = (result.metafile.inputs[path]?.imports ?? []).map((i) => i.path);
    }
    const chunks = {};
    let current;
    for (const line of file.text.split('\n')) {
      const marker = /^\/\/ (\S+)$/.exec(line);
      if (marker && /\.(?:ts|js|mjs|cjs|json)$/.test(marker[1])) current = marker[1];
      else if (current && isProjectFile(current)) chunks[current] = (chunks[current] ?? '') + line + '\n';
    }
    outputs.push({ entry: meta.entryPoint, inputs, chunks });
  }
  process.stdout.write(JSON.stringify(outputs));
}, (error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exitCode = 1;
});
