import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { TABLES, type TableId } from '../../shared/store/tables';
import { LAMBDA_ALIASES } from '../lambda/aliases';
import { ALL_ITEM_ACTIONS, type DynamoAction, type TableAccess } from './tables';
import { stateMachineEnvVar } from './workflow-files';

/**
 * What a Lambda's code can reach, read from the code itself so that IAM follows the code as other
 * engineers add actions, stores and workflows — no hand-kept list to forget.
 *
 * How: esbuild bundles every entry (tree-shaken, nothing written), as the deployment does. Two
 * views of each bundle are scanned:
 *
 *  - the project files it contains (bytesInOutput > 0), as source, for connections:
 *    `PostToConnectionCommand`/`DeleteConnectionCommand`/`GetConnectionCommand` → ManageConnections;
 *  - the code that survived tree-shaking (file by file), for DynamoDB, Step Functions and S3:
 *    - a table is named as `tableName('<id>')` (or `TABLES.<id>`) in a file's surviving code: that
 *      table is reachable, with exactly the DynamoDB actions of the commands that file's surviving
 *      code — or that of a project file it imports (a shared helper) — issues: `new GetCommand` →
 *      GetItem, Query → Query, Put → PutItem, BatchWrite → BatchWriteItem, TransactWrite → the
 *      item actions its `Put`/`Update`/`Delete`/`ConditionCheck` entries name, and so on
 *      (`DYNAMO_COMMANDS` below). A file that names two tables grants the union on both;
 *    - `new SendTask{Success,Failure,Heartbeat}Command` → those actions on our workflows;
 *    - `startWorkflow('<name>', …)` (shared/workflows/start.ts) → StartExecution on that machine;
 *      `describeWorkflow(…)`/`stopWorkflow(…)` → Describe/StopExecution on the machines the same
 *      file starts or names with `stateMachineArn('<name>')`;
 *    - raw `Start/Describe/StopExecutionCommand` outside that module → on the machines whose
 *      `<NAME>_STATE_MACHINE_ARN` the file names;
 *    - either falls back to all of our machines, with a warning, when the name cannot be read;
 *    - `new {Put,Get,Head,...}ObjectCommand` → the S3 object commands the code issues (S3 grants are
 *      explicit in the stack; this only lets it check that nobody is missing one).
 *
 * Registries: callbacks registered at import time run only where the registry is applied.
 * `registerEffect` callbacks run only in a bundle that calls `effectFor` (shared/calls/completion.ts,
 * i.e. the router that receives answers), `registerGuard` callbacks only where `runGuards` runs
 * (sendCall). A bundle that does not apply a registry is analysed with its registrations marked
 * pure, so esbuild drops them and everything only they reach (the ReserveNow effect starting
 * reservation-expiry stays with the router instead of every Lambda that sends calls).
 *
 * A `tableName(<expression>)` the scan cannot read grants read-write on every table and is reported
 * as a synth warning, so the blind spot is visible rather than an AccessDenied in production.
 * Narrowing that the code cannot express (the authorizer writes only when auto-registering) is
 * applied by the stack on top (see csms-stack.ts).
 */
export interface CodeAccess {
  tables: Map<TableId, TableAccess>;
  manageConnections: boolean;
  /** Some task-token response below is issued. */
  resumesWorkflows: boolean;
  /** The task-token responses the code issues, as IAM actions (`states:SendTaskSuccess`, ...), on all our machines. */
  taskResponses: Set<string>;
  /** Env var names (`X_STATE_MACHINE_ARN`) of machines it starts, or 'all'. Empty: starts none. */
  startsWorkflows: Set<string> | 'all';
  /** Machines whose executions it describes or stops (same form). */
  describesExecutions: Set<string> | 'all';
  /** S3 object commands in the code (`PutObject`, `GetObject`, `HeadObject`, ...). */
  s3Commands: Set<string>;
  /** Registries whose registered code runs in this bundle (`registerEffect`, `registerGuard`). */
  appliedRegistries: string[];
  /** Human-readable notes on blind spots (dynamic table names, dynamic workflow names). */
  warnings: string[];
  /** Project files in the bundle, for tests and debugging. */
  files: string[];
}

/** Import-time registries: calls to `register` only matter where `apply` is called. */
export const REGISTRIES = [
  { register: 'registerEffect', apply: 'effectFor' },
  { register: 'registerGuard', apply: 'runGuards' },
] as const;

const TABLE_IDS = new Set(Object.keys(TABLES));
const CONNECTION_COMMANDS = /\b(?:PostToConnection|DeleteConnection|GetConnection)Command\b/;
const MACHINE_ENV = /\b([A-Z][A-Z0-9_]*_STATE_MACHINE_ARN)\b/g;

// Patterns on bundled (tree-shaken) code: esbuild prints strings with double quotes and may suffix
// a renamed identifier with digits (`startWorkflow2`). A call is not a definition or a method.
const CALL = (name: string) => `(?<![\\w.$]|function\\s+)\\b${name}\\d*\\s*\\(`;
const TASK_RESPONSE = /\bnew\s+(SendTask(?:Success|Failure|Heartbeat))Command\d*\s*\(/g;
const START_RAW = /\bnew\s+Start(?:Sync)?ExecutionCommand\d*\s*\(/;
const DESCRIBE_RAW = /\bnew\s+(?:DescribeExecution|StopExecution|GetExecutionHistory)Command\d*\s*\(/;
const S3_COMMAND = /\bnew\s+((?:Put|Get|Head|Delete|Copy)Object|ListObjects(?:V2)?|CreateMultipartUpload|UploadPart|CompleteMultipartUpload)Command\d*\s*\(/g;
const TABLE_CALL = new RegExp(`${CALL('tableName')}([^)]*)\\)`, 'g');
const START_CALL = new RegExp(`${CALL('startWorkflow')}\\s*(?:(["'\`])([\\w-]+)\\1)?`, 'g');
const DESCRIBE_CALL = new RegExp(CALL('(?:describeWorkflow|stopWorkflow)'));
const NAMED_MACHINE = new RegExp(`${CALL('stateMachineArn')}\\s*(["'\`])([\\w-]+)\\1`, 'g');
/** The module that wraps the SDK commands: its own commands are attributed to its callers. */
const DEFINES_WRAPPER = /\bfunction\s+startWorkflow\d*\s*\(/;

interface SourceFacts {
  connections: boolean;
}

/** SDK command class (lib-dynamodb or client-dynamodb, without `Command`) → the IAM actions it needs. */
const DYNAMO_COMMANDS: Record<string, DynamoAction[]> = {
  Get: ['GetItem'], GetItem: ['GetItem'],
  BatchGet: ['BatchGetItem'], BatchGetItem: ['BatchGetItem'],
  Query: ['Query'], Scan: ['Scan'],
  Put: ['PutItem'], PutItem: ['PutItem'],
  Update: ['UpdateItem'], UpdateItem: ['UpdateItem'],
  Delete: ['DeleteItem'], DeleteItem: ['DeleteItem'],
  BatchWrite: ['BatchWriteItem'], BatchWriteItem: ['BatchWriteItem'],
  TransactGet: ['GetItem'], TransactGetItems: ['GetItem'],
  DescribeTable: ['DescribeTable'],
  ExecuteStatement: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
  BatchExecuteStatement: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
  ExecuteTransaction: ['PartiQLSelect', 'PartiQLInsert', 'PartiQLUpdate', 'PartiQLDelete'],
};
const DYNAMO_COMMAND = new RegExp(`\\bnew\\s+(${[...Object.keys(DYNAMO_COMMANDS), 'TransactWrite', 'TransactWriteItems'].join('|')})Command\\d*\\s*\\(`, 'g');
/** The entries of a TransactWriteItems request, as they appear in code (`{ Put: {...} }`). */
const TRANSACT_ITEMS: Record<string, DynamoAction> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' };
const PAGINATORS: Record<string, DynamoAction> = { paginateQuery: 'Query', paginateScan: 'Scan' };

interface ChunkFacts {
  tables: Set<TableId>;
  dynamicTable: boolean;
  actions: Set<DynamoAction>;
}

/** Tables named and DynamoDB actions issued by one file's code after tree-shaking. */
function chunkFactsOf(code: string): ChunkFacts {
  const tables = new Set<TableId>();
  let dynamicTable = false;
  for (const m of code.matchAll(TABLE_CALL)) {
    const literal = /^['"`](\w+)['"`]$/.exec(m[1].trim());
    if (literal && TABLE_IDS.has(literal[1])) tables.add(literal[1] as TableId);
    else dynamicTable = true;
  }
  for (const m of code.matchAll(/\bTABLES(?:\.(\w+)|\[\s*['"`](\w+)['"`]\s*\])/g)) {
    const id = m[1] ?? m[2];
    if (TABLE_IDS.has(id)) tables.add(id as TableId);
  }
  const actions = new Set<DynamoAction>();
  for (const m of code.matchAll(DYNAMO_COMMAND)) {
    if (m[1].startsWith('TransactWrite')) {
      for (const [key, action] of Object.entries(TRANSACT_ITEMS)) if (new RegExp(`\\b${key}\\s*:`).test(code)) actions.add(action);
    } else DYNAMO_COMMANDS[m[1]].forEach((a) => actions.add(a));
  }
  for (const [name, action] of Object.entries(PAGINATORS)) if (new RegExp(CALL(name)).test(code)) actions.add(action);
  return { tables, dynamicTable, actions };
}

const factsCache = new Map<string, SourceFacts>();

/** Facts of one source file; comments are stripped so a mention in prose grants nothing. */
function sourceFactsOf(absPath: string): SourceFacts {
  const cached = factsCache.get(absPath);
  if (cached) return cached;
  const code = readFileSync(absPath, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const facts: SourceFacts = { connections: CONNECTION_COMMANDS.test(code) };
  factsCache.set(absPath, facts);
  return facts;
}

/** One entry's bundle as code-access-bundle.cjs reports it. */
interface Bundle {
  entry: string;
  /** Project files with code in the bundle → the files they import. */
  inputs: Record<string, string[]>;
  /** Project file → its code after tree-shaking. */
  chunks: Record<string, string>;
}

const BUNDLE_SCRIPT = join(__dirname, 'code-access-bundle.cjs');

/** Bundles entries in a child process (esbuild plugins need the async API); `pure` registrations are dropped. */
function bundle(root: string, entries: string[], pure: string[]): Bundle[] {
  // Settings mirror the real bundling (platform node, node22, ESM-first main fields, the same
  // aliases) so tree-shaking matches the deployed code; not minified, so the code keeps its names
  // and file markers.
  const options: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    mainFields: ['module', 'main'],
    alias: LAMBDA_ALIASES,
    outdir: join(root, 'cdk.out', '.code-access'),
    logLevel: 'silent',
  };
  const request = JSON.stringify({ esbuild: require.resolve('esbuild'), entries, pure, options });
  try {
    const out = execFileSync(process.execPath, [BUNDLE_SCRIPT], { input: request, cwd: root, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
    return JSON.parse(out.toString('utf8')) as Bundle[];
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`code-access: bundling failed: ${stderr || (e as Error).message}`);
  }
}

/** Registries (by `register` name) whose registered code the bundle runs. */
function appliedRegistries(b: Bundle): Set<string> {
  const code = Object.values(b.chunks).join('\n');
  return new Set(REGISTRIES.filter((r) => new RegExp(CALL(r.apply)).test(code)).map((r) => r.register));
}

/**
 * Analyses entries (paths relative to `root`): one build with every registration pure, then one
 * per set of applied registries (typically: the entries that send calls run guards, the router also
 * runs effects), repeated until what each bundle applies is stable.
 */
export function analyzeCodeAccess(root: string, entries: string[]): Map<string, CodeAccess> {
  const out = new Map<string, CodeAccess>();
  if (entries.length === 0) return out;
  const all = REGISTRIES.map((r) => r.register);
  const bundles = new Map<string, { bundle: Bundle; applied: Set<string>; builtWith: Set<string> }>();
  let pending = new Map<string, Set<string>>(entries.map((e) => [e, new Set<string>()]));
  for (let round = 0; pending.size && round <= REGISTRIES.length; round++) {
    // Group entries by the registries they apply; each group is one build.
    const groups = new Map<string, { applied: Set<string>; entries: string[] }>();
    for (const [entry, applied] of pending) {
      const key = [...applied].sort().join(',');
      const group = groups.get(key) ?? { applied, entries: [] };
      group.entries.push(entry);
      groups.set(key, group);
    }
    const next = new Map<string, Set<string>>();
    for (const { applied, entries: group } of groups.values()) {
      for (const b of bundle(root, group, all.filter((r) => !applied.has(r)))) {
        const found = appliedRegistries(b);
        bundles.set(b.entry, { bundle: b, applied: found, builtWith: applied });
        // Code brought back by a registry may apply another one: rebuild with the union.
        if ([...found].some((r) => !applied.has(r))) next.set(b.entry, new Set([...applied, ...found]));
      }
    }
    pending = next;
  }
  for (const entry of entries) {
    const b = bundles.get(entry);
    if (!b) throw new Error(`code-access: esbuild produced no output for ${entry}`);
    out.set(entry, summarize(root, b.bundle, [...b.builtWith].sort()));
  }
  return out;
}

function summarize(root: string, b: Bundle, applied: string[]): CodeAccess {
  const files = Object.keys(b.inputs);
  const inBundle = new Set(files);
  const facts = new Map(files.map((f) => [f, sourceFactsOf(resolve(root, f))]));
  const access: CodeAccess = {
    tables: new Map(),
    manageConnections: false,
    resumesWorkflows: false,
    taskResponses: new Set(),
    startsWorkflows: new Set(),
    describesExecutions: new Set(),
    s3Commands: new Set(),
    appliedRegistries: applied,
    warnings: [],
    files,
  };
  for (const f of facts.values()) access.manageConnections ||= f.connections;
  const chunkFacts = new Map(Object.entries(b.chunks).map(([file, code]) => [file, chunkFactsOf(code)]));
  const tables = new Map<TableId, Set<DynamoAction>>();
  let everyTable = false;
  for (const [file, f] of chunkFacts) {
    // The actions of the file's own surviving code and of the project modules it imports (shared helpers).
    const actions = new Set(f.actions);
    for (const dep of b.inputs[file] ?? []) chunkFacts.get(dep)?.actions.forEach((a) => actions.add(a));
    for (const id of f.tables) {
      const set = tables.get(id) ?? new Set<DynamoAction>();
      actions.forEach((a) => set.add(a));
      tables.set(id, set);
    }
    if (f.dynamicTable) {
      access.warnings.push(`${file} calls tableName() with a value the analysis cannot read: every item action granted on every table`);
      everyTable = true;
    }
  }
  for (const id of everyTable ? TABLE_IDS : []) tables.set(id as TableId, new Set(ALL_ITEM_ACTIONS));
  // A table named but never commanded (e.g. only its name passed on) needs no grant.
  for (const [id, actions] of tables) if (actions.size) access.tables.set(id, actions);

  const starts = new Set<string>();
  const describes = new Set<string>();
  let startsAll = false;
  let describesAll = false;
  for (const [file, code] of Object.entries(b.chunks)) {
    for (const m of code.matchAll(TASK_RESPONSE)) access.taskResponses.add(`states:${m[1]}`);
    for (const m of code.matchAll(S3_COMMAND)) access.s3Commands.add(m[1]);
    const named = new Set<string>();
    for (const m of code.matchAll(START_CALL)) {
      if (m[2]) {
        starts.add(stateMachineEnvVar(m[2]));
        named.add(stateMachineEnvVar(m[2]));
      } else {
        startsAll = true;
        access.warnings.push(`${file} calls startWorkflow() with a name the analysis cannot read: StartExecution granted on every workflow`);
      }
    }
    for (const m of code.matchAll(NAMED_MACHINE)) named.add(stateMachineEnvVar(m[2]));
    if (DESCRIBE_CALL.test(code)) {
      if (named.size) named.forEach((n) => describes.add(n));
      else {
        describesAll = true;
        access.warnings.push(`${file} describes or stops executions without naming the workflow (startWorkflow/stateMachineArn): granted on every workflow`);
      }
    }
    if (DEFINES_WRAPPER.test(code)) continue;
    const envs = new Set([...code.matchAll(MACHINE_ENV)].map((m) => m[1]));
    if (START_RAW.test(code)) envs.size ? envs.forEach((e) => starts.add(e)) : (startsAll = true);
    if (DESCRIBE_RAW.test(code)) envs.size ? envs.forEach((e) => describes.add(e)) : (describesAll = true);
  }
  access.resumesWorkflows = access.taskResponses.size > 0;
  access.startsWorkflows = startsAll ? 'all' : starts;
  access.describesExecutions = describesAll ? 'all' : describes;
  return access;
}
