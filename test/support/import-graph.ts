import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The static import graph of a source folder, read with the TypeScript compiler API: every
 * `import … from`, `export … from`, side-effect `import '…'` and `require('…')` / `import('…')`
 * with a literal path, resolved to a project file. `import type` (and imports whose every
 * specifier is `type`) is left out: it is erased at compile time and cannot form a runtime cycle.
 * Paths are relative to the repository root, e.g. `shared/calls/outbound.ts`.
 */
export type ImportGraph = Map<string, Set<string>>;

const ROOT = resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile() && candidate.endsWith('.ts')) return candidate;
  }
  return undefined;
}

/** Runtime module specifiers of one file (type-only imports and exports excluded). */
export function runtimeImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specs: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly
        || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings)
          && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = node.isTypeOnly
        || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specs.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])
      && ((ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword)) {
      specs.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specs;
}

/** The graph of the project files under `folder` (relative to the repository root), edges inside it only. */
export function importGraph(folder: string): ImportGraph {
  const graph: ImportGraph = new Map();
  const dir = resolve(ROOT, folder);
  for (const file of sourceFiles(dir)) {
    const edges = new Set<string>();
    for (const spec of runtimeImports(file)) {
      const target = resolveLocal(file, spec);
      if (target && target.startsWith(dir)) edges.add(relative(ROOT, target));
    }
    graph.set(relative(ROOT, file), edges);
  }
  return graph;
}

/**
 * The import cycles of a graph as its strongly connected components with more than one file (or a
 * file importing itself), each sorted, the list sorted by its first file (Tarjan's algorithm).
 */
export function cyclesOf(graph: ImportGraph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indexOf.has(v)) strong(v);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** One shortest cycle through `file` inside the graph, as a path `[file, …, file]`, or undefined. */
export function cycleThrough(graph: ImportGraph, file: string): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [...(graph.get(file) ?? [])];
  for (const q of queue) previous.set(q, file);
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    if (v === file) {
      const path = [file];
      for (let p = previous.get(file)!; p !== file; p = previous.get(p)!) path.unshift(p);
      return [file, ...path];
    }
    for (const w of graph.get(v) ?? []) {
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return undefined;
}

/** Names a file imports (value imports only) from project modules: `{ name, from }` with `from` as written. */
export function importedNames(file: string, text = readFileSync(file, 'utf8')): Array<{ name: string; from: string }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Array<{ name: string; from: string }> = [];
  for (const node of sf.statements) {
    if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier) || node.importClause?.isTypeOnly) continue;
    const bindings = node.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const e of bindings.elements) if (!e.isTypeOnly) out.push({ name: (e.propertyName ?? e.name).text, from: node.moduleSpecifier.text });
    }
  }
  return out;
}

/** Every file reachable from `start` (itself included). */
export function reachableFrom(graph: ImportGraph, start: string): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) for (const w of graph.get(queue[i]) ?? []) if (!seen.has(w)) { seen.add(w); queue.push(w); }
  return seen;
}
