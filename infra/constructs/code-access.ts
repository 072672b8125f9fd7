import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync, type Metafile } from 'esbuild';
import { TABLES, type TableId } from '../../shared/store/tables';
import type { TableAccess } from './tables';

/**
 * What a Lambda's code can reach, read from the code itself so that IAM follows the code as other
 * engineers add actions, stores and workflows — no hand-kept list to forget.
 *
 * How: one esbuild pass over all entries (bundle, tree-shaken, nothing written) yields the project
 * files each bundle really contains (bytesInOutput > 0). Those files are scanned for the project's
 * conventions:
 *  - a table is named as `tableName('<id>')` (or `TABLES.<id>`): that table is reachable;
 *  - it is writable when the file naming it — or a project file that file imports — issues a
 *    DynamoDB write command (Put/Update/Delete/BatchWrite/TransactWrite/PartiQL), else read-only;
 *  - `PostToConnectionCommand`/`DeleteConnectionCommand`/`GetConnectionCommand` → ManageConnections;
 *  - `SendTask{Success,Failure,Heartbeat}Command` → may resume any of our workflows;
 *  - `StartExecutionCommand`, `Describe/StopExecutionCommand` → on the state machines whose
 *    `<NAME>_STATE_MACHINE_ARN` variable the code names (all of ours if it names none).
 * A `tableName(<expression>)` the scan cannot read grants read-write on every table and is reported
 * as a synth warning, so the blind spot is visible rather than an AccessDenied in production.
 * Narrowing that the code cannot express (the authorizer writes only when auto-registering) is
 * applied by the stack on top (see csms-stack.ts).
 */
export interface CodeAccess {
  tables: Map<TableId, TableAccess>;
  manageConnections: boolean;
  /** SendTaskSuccess/Failure/Heartbeat on all our state machines. */
  resumesWorkflows: boolean;
  /** Env var names (`X_STATE_MACHINE_ARN`) of machines it starts, or 'all'. Empty: starts none. */
  startsWorkflows: Set<string> | 'all';
  describesExecutions: Set<string> | 'all';
  /** Human-readable notes on blind spots (dynamic table names). */
  warnings: string[];
  /** Project files in the bundle, for tests and debugging. */
  files: string[];
}

const TABLE_IDS = new Set(Object.keys(TABLES));
const WRITE_COMMANDS = /\b(?:Put|Update|Delete|BatchWrite|TransactWrite)Command\b|\b(?:PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems|ExecuteStatement|BatchExecuteStatement|ExecuteTransaction)Command\b/;
const CONNECTION_COMMANDS = /\b(?:PostToConnection|DeleteConnection|GetConnection)Command\b/;
const TASK_RESPONSE_COMMANDS = /\bSendTask(?:Success|Failure|Heartbeat)Command\b/;
const START_COMMANDS = /\bStart(?:Sync)?ExecutionCommand\b/;
const DESCRIBE_COMMANDS = /\b(?:DescribeExecution|StopExecution|GetExecutionHistory)Command\b/;
const MACHINE_ENV = /\b([A-Z][A-Z0-9_]*_STATE_MACHINE_ARN)\b/g;

interface FileFacts {
  tables: Set<TableId>;
  dynamicTable: boolean;
  writes: boolean;
  connections: boolean;
  taskResponse: boolean;
  starts: boolean;
  describes: boolean;
  machineEnvs: Set<string>;
}

const factsCache = new Map<string, FileFacts>();

/** Facts of one source file; comments are stripped so a mention in prose grants nothing. */
function factsOf(absPath: string): FileFacts {
  const cached = factsCache.get(absPath);
  if (cached) return cached;
  const code = readFileSync(absPath, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const tables = new Set<TableId>();
  let dynamicTable = false;
  for (const m of code.matchAll(/\btableName\(\s*([^)]*)\)/g)) {
    const literal = /^['"`](\w+)['"`]$/.exec(m[1].trim());
    if (literal && TABLE_IDS.has(literal[1])) tables.add(literal[1] as TableId);
    else if (!/^\w+\s*:\s*TableId$/.test(m[1].trim())) dynamicTable = true; // the definition `tableName(id: TableId)` itself
  }
  for (const m of code.matchAll(/\bTABLES(?:\.(\w+)|\[\s*['"`](\w+)['"`]\s*\])/g)) {
    const id = m[1] ?? m[2];
    if (TABLE_IDS.has(id)) tables.add(id as TableId);
  }
  const facts: FileFacts = {
    tables,
    dynamicTable,
    writes: WRITE_COMMANDS.test(code),
    connections: CONNECTION_COMMANDS.test(code),
    taskResponse: TASK_RESPONSE_COMMANDS.test(code),
    starts: START_COMMANDS.test(code),
    describes: DESCRIBE_COMMANDS.test(code),
    machineEnvs: new Set([...code.matchAll(MACHINE_ENV)].map((m) => m[1])),
  };
  factsCache.set(absPath, facts);
  return facts;
}

const isProjectFile = (path: string) => !path.includes('node_modules/') && /\.(?:ts|js|mjs|cjs)$/.test(path);

/**
 * Analyses entries (paths relative to `root`) in one esbuild pass. Settings mirror the real
 * bundling (platform node, node22, ESM-first main fields) so tree-shaking matches the deployed code.
 */
export function analyzeCodeAccess(root: string, entries: string[]): Map<string, CodeAccess> {
  const out = new Map<string, CodeAccess>();
  if (entries.length === 0) return out;
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outdir: join(root, 'cdk.out', '.code-access'),
    logLevel: 'silent',
  });
  const meta: Metafile = result.metafile;
  for (const output of Object.values(meta.outputs)) {
    if (!output.entryPoint) continue;
    const files = Object.entries(output.inputs)
      .filter(([path, input]) => isProjectFile(path) && input.bytesInOutput > 0)
      .map(([path]) => path);
    out.set(output.entryPoint, summarize(root, files, meta));
  }
  for (const entry of entries) if (!out.has(entry)) throw new Error(`code-access: esbuild produced no output for ${entry}`);
  return out;
}

function summarize(root: string, files: string[], meta: Metafile): CodeAccess {
  const inBundle = new Set(files);
  const facts = new Map(files.map((f) => [f, factsOf(resolve(root, f))]));
  const access: CodeAccess = {
    tables: new Map(),
    manageConnections: false,
    resumesWorkflows: false,
    startsWorkflows: new Set(),
    describesExecutions: new Set(),
    warnings: [],
    files,
  };
  const machineEnvs = new Set<string>();
  let starts = false;
  let describes = false;
  for (const [file, f] of facts) {
    // A file writes when it, or a project module it imports directly (a shared write helper), does.
    const imports = (meta.inputs[file]?.imports ?? []).map((i) => i.path).filter((p) => inBundle.has(p));
    const writes = f.writes || imports.some((p) => facts.get(p)?.writes);
    for (const id of f.tables) {
      if (writes) access.tables.set(id, 'readWrite');
      else if (!access.tables.has(id)) access.tables.set(id, 'read');
    }
    if (f.dynamicTable) {
      access.warnings.push(`${file} calls tableName() with a value the analysis cannot read: read-write granted on every table`);
      for (const id of TABLE_IDS) access.tables.set(id as TableId, 'readWrite');
    }
    access.manageConnections ||= f.connections;
    access.resumesWorkflows ||= f.taskResponse;
    starts ||= f.starts;
    describes ||= f.describes;
    f.machineEnvs.forEach((e) => machineEnvs.add(e));
  }
  if (starts) access.startsWorkflows = machineEnvs.size ? machineEnvs : 'all';
  if (describes) access.describesExecutions = machineEnvs.size ? new Set(machineEnvs) : 'all';
  return access;
}
