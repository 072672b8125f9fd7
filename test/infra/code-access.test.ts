import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeCodeAccess } from '../../infra/constructs/code-access';
import { REPO_ROOT } from '../../infra/constructs/csms-function';

/**
 * The analysis that turns each bundle's code into its IAM grants (infra/constructs/code-access.ts),
 * on small fixture projects written to a temporary folder: free identifiers (db, tableName,
 * PutCommand...) stand in for the SDK, which is enough for esbuild to bundle and tree-shake them.
 */
let root: string;
const write = (path: string, code: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  // Undeclared identifiers are fine: esbuild bundles without type-checking.
  writeFileSync(join(root, path), code);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'code-access-'));
  write('store/charge-points.ts', `export const saveCp = (id: string) => db.send(new PutCommand({ TableName: tableName('chargePoints'), Item: { id } }));`);
  write('store/id-tags.ts', `// A PutCommand mentioned in a comment grants nothing.\nexport const getTag = (t: string) => db.send(new GetCommand({ TableName: tableName('idTags'), Key: { t } }));`);
  write('store/write-helper.ts', `export const putItem = (table: string, item: unknown) => db.send(new PutCommand({ TableName: table, Item: item }));`);
  write('store/jobs.ts', `import { putItem } from './write-helper';\nexport const saveJob = (j: unknown) => putItem(tableName('jobs'), j);`);
  write('store/reservations.ts', `export const saveReservation = (r: unknown) => db.send(new PutCommand({ TableName: tableName('reservations'), Item: r }));`);
  write('lambda/post.ts', `export const post = (c: string) => db.send(new PostToConnectionCommand({ ConnectionId: c }));`);
  write('fns/a.ts', `import { saveCp } from '../store/charge-points';\nimport { getTag } from '../store/id-tags';\nimport { saveReservation } from '../store/reservations';\nvoid saveReservation;\nexport const handler = async () => { await getTag('x'); await saveCp('y'); };`);
  write('fns/b.ts', `import { post } from '../lambda/post';\nimport { saveJob } from '../store/jobs';\nexport const handler = async () => { await post('c'); await saveJob({}); };`);
  write('fns/c.ts', `export const handler = async (id: string) => db.send(new GetCommand({ TableName: tableName(id) }));`);
  // The registries of shared/calls: effects registered at import time run only where effectFor does.
  write('calls/effects.ts', `const m = new Map();\nexport function registerEffect(a: string, f: unknown) { m.set(a, f); }\nexport function effectFor(a: string) { return m.get(a); }`);
  write('wf/start.ts', `export async function startWorkflow(name: string, input: unknown) { return sfn.send(new StartExecutionCommand({ stateMachineArn: arnOf(name), input })); }\nexport async function describeWorkflow(executionArn: string) { return sfn.send(new DescribeExecutionCommand({ executionArn })); }\nexport async function resumeTask(t: string) { return sfn.send(new SendTaskSuccessCommand({ taskToken: t })); }`);
  write('reservations/service.ts', `import { startWorkflow } from '../wf/start';\nexport async function accepted() { await startWorkflow('reservation-expiry', {}); }\nexport function view() { return 1; }`);
  write('reservations/effects.ts', `import { registerEffect } from '../calls/effects';\nimport { accepted } from './service';\nregisterEffect('ReserveNow', async () => { await accepted(); });`);
  write('fns/sender.ts', `import '../reservations/effects';\nimport { view } from '../reservations/service';\nexport const handler = async () => view();`);
  write('fns/receiver.ts', `import '../reservations/effects';\nimport { effectFor } from '../calls/effects';\nexport const handler = async (a: string) => effectFor(a)?.();`);
  write('fns/rollout.ts', `import { describeWorkflow, startWorkflow } from '../wf/start';\nexport const handler = async (id: string) => { await startWorkflow('firmware-update', {}); return describeWorkflow(id); };`);
  write('fns/dynamic.ts', `import { startWorkflow } from '../wf/start';\nexport const handler = async (name: string) => startWorkflow(name, {});`);
  write('fns/s3.ts', `export const handler = async () => s3.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));`);
  // One store file with a reader and a writer: a Lambda that only lists gets Query, nothing else.
  write('store/transactions.ts', `export const list = (cp: string) => db.send(new QueryCommand({ TableName: tableName('transactions'), KeyConditionExpression: cp }));\nexport const wipe = (k: unknown) => db.send(new DeleteCommand({ TableName: tableName('transactions'), Key: k }));\nexport const scanAll = () => db.send(new ScanCommand({ TableName: tableName('transactions') }));`);
  write('fns/narrow.ts', `import { list } from '../store/transactions';\nexport const handler = async () => list('cp');`);
  write('fns/tx.ts', `export const handler = async () => db.send(new TransactWriteCommand({ TransactItems: [{ ConditionCheck: { TableName: tableName('counters') } }, { Update: { TableName: tableName('counters') } }] }));`);
  write('fns/d.ts', `export const handler = async () => { await db.send(new StartExecutionCommand({ stateMachineArn: process.env.FIRMWARE_UPDATE_STATE_MACHINE_ARN })); await db.send(new SendTaskSuccessCommand({})); };`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const analyze = (entry: string) => analyzeCodeAccess(root, [entry]).get(entry)!;
const actions = (a: ReturnType<typeof analyze>) => Object.fromEntries([...a.tables].map(([t, set]) => [t, [...set].sort()]));

describe('code-access analysis', () => {
  it('grants exactly the actions the surviving code issues per table, nothing for tree-shaken imports', () => {
    const a = analyze('fns/a.ts');
    expect(actions(a)).toEqual({ chargePoints: ['PutItem'], idTags: ['GetItem'] });
    expect(a.files).not.toContain('store/reservations.ts');
    expect(a.manageConnections).toBe(false);
    expect(a.startsWorkflows).toEqual(new Set());
  });

  it('sees writes made through a shared helper module and PostToConnection', () => {
    const b = analyze('fns/b.ts');
    expect(actions(b)).toEqual({ jobs: ['PutItem'] });
    expect(b.manageConnections).toBe(true);
  });

  it('falls back to every item action on every table, with a warning, when a table name is not a literal', () => {
    const c = analyze('fns/c.ts');
    expect(c.warnings).toHaveLength(1);
    expect(c.tables.size).toBeGreaterThan(10);
    expect([...c.tables.values()].every((v) => v.has('PutItem') && v.has('Scan') && v.has('DeleteItem'))).toBe(true);
  });

  it('counts only the functions of a store file that survive tree-shaking, and transaction items by kind', () => {
    const narrow = analyze('fns/narrow.ts');
    expect(actions(narrow)).toEqual({ transactions: ['Query'] });
    expect(actions(analyze('fns/tx.ts'))).toEqual({ counters: ['ConditionCheckItem', 'UpdateItem'] });
  });

  it('limits StartExecution to the state machines whose ARN variable the code reads', () => {
    const d = analyze('fns/d.ts');
    expect(d.startsWorkflows).toEqual(new Set(['FIRMWARE_UPDATE_STATE_MACHINE_ARN']));
    expect(d.resumesWorkflows).toBe(true);
    expect(d.taskResponses).toEqual(new Set(['states:SendTaskSuccess']));
  });

  it('counts code reached only through registerEffect in the bundle that applies effects, not in one that only imports them', () => {
    const both = analyzeCodeAccess(root, ['fns/sender.ts', 'fns/receiver.ts']);
    const sender = both.get('fns/sender.ts')!;
    const receiver = both.get('fns/receiver.ts')!;
    expect(sender.startsWorkflows).toEqual(new Set());
    expect(sender.files).not.toContain('calls/effects.ts');
    expect(sender.appliedRegistries).toEqual([]);
    expect(receiver.startsWorkflows).toEqual(new Set(['RESERVATION_EXPIRY_STATE_MACHINE_ARN']));
    expect(receiver.appliedRegistries).toEqual(['registerEffect']);
  });

  it('reads workflow names at startWorkflow call sites, describes only what the same file starts, and resumes only where a response survives tree-shaking', () => {
    const rollout = analyze('fns/rollout.ts');
    expect(rollout.startsWorkflows).toEqual(new Set(['FIRMWARE_UPDATE_STATE_MACHINE_ARN']));
    expect(rollout.describesExecutions).toEqual(new Set(['FIRMWARE_UPDATE_STATE_MACHINE_ARN']));
    expect(rollout.resumesWorkflows).toBe(false); // resumeTask is in wf/start.ts but never called
    expect(rollout.warnings).toEqual([]);
  });

  it('falls back to every workflow, with a warning, when the name is not a literal', () => {
    const dynamic = analyze('fns/dynamic.ts');
    expect(dynamic.startsWorkflows).toBe('all');
    expect(dynamic.warnings).toEqual([expect.stringMatching(/startWorkflow\(\) with a name the analysis cannot read/)]);
  });

  it('reports the S3 object commands a bundle issues', () => {
    expect(analyze('fns/s3.ts').s3Commands).toEqual(new Set(['HeadObject']));
    expect(analyze('fns/a.ts').s3Commands).toEqual(new Set());
  });

  it('analyses several entries in one pass', () => {
    const all = analyzeCodeAccess(root, ['fns/a.ts', 'fns/b.ts']);
    expect([...all.keys()].sort()).toEqual(['fns/a.ts', 'fns/b.ts']);
  });

  it('reads the real authorizer as a charge-point reader (plus its auto-registration write and failed-attempt counters) that never posts to connections', () => {
    const authorizer = analyzeCodeAccess(REPO_ROOT, ['functions/authorizer.ts']).get('functions/authorizer.ts')!;
    // Counters: the failed-attempt records of the login throttle (shared/auth/throttle.ts).
    expect(Object.keys(actions(authorizer)).sort()).toEqual(['chargePoints', 'counters']);
    expect(authorizer.tables.get('counters')!.has('Scan')).toBe(false);
    expect(authorizer.tables.get('chargePoints')!.has('GetItem')).toBe(true);
    expect(authorizer.tables.get('chargePoints')!.has('Scan')).toBe(false);
    expect(authorizer.tables.get('chargePoints')!.has('DeleteItem')).toBe(false);
    expect(authorizer.manageConnections).toBe(false);
    expect(authorizer.warnings).toEqual([]);
  });

  it('keeps the real diagnostics tasks off the charging-profile and transaction tables, and Scan/Delete where the code issues none', () => {
    const entries = ['functions/workflows/DiagnosticsPrepare.ts', 'functions/workflows/DiagnosticsRecordOutcome.ts', 'functions/ocpp/Heartbeat.ts', 'functions/ocpp/BootNotification.ts'];
    const all = analyzeCodeAccess(REPO_ROOT, entries);
    for (const entry of entries.slice(0, 2)) {
      const a = all.get(entry)!;
      expect(a.tables.has('chargingProfiles')).toBe(false);
      expect(a.tables.has('transactions')).toBe(false);
      expect(a.warnings).toEqual([]);
    }
    const boot = all.get('functions/ocpp/BootNotification.ts')!;
    expect(boot.tables.get('chargePoints')!.has('UpdateItem')).toBe(true);
    for (const a of all.values()) for (const set of a.tables.values()) expect(set.has('Scan')).toBe(false);
  });
});
