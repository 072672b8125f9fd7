import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, ResourceNotFoundException, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { TABLE_LIST, type TableDef } from '../../shared/store/tables';

export interface DynamoOptions {
  /** Called once when the child cannot be restarted; the local runtime then exits non-zero. */
  onFatal?: (error: Error) => void;
  /** Restarts in a row (each failing, or dying within `stableMs` of its start) before giving up. Default 5. */
  maxRestarts?: number;
  /** A child that ran this long resets the count of failures in a row. Default 30 s. */
  stableMs?: number;
  /** Pause before the first restart, doubled per failure in a row (at most 5 s). Default 200 ms. */
  backoffMs?: number;
  /** Starts the child with `[dataDir or '', port]` (tests inject one that fails). */
  spawn?: (args: string[]) => ChildProcess;
}

export interface LocalDynamo {
  endpoint: string;
  /** Process id of the current child (changes on a restart). */
  readonly pid: number | undefined;
  /** How many times the child was restarted. */
  readonly restarts: number;
  close: () => Promise<void>;
}

const logLine = (level: string, message: string, fields: Record<string, unknown> = {}) =>
  (level === 'error' ? console.error : console.log)(JSON.stringify({ level, message, ...fields }));

/**
 * Embedded DynamoDB (dynalite): in memory, or on disk under `dataDir` so data survives restarts.
 * It runs in a child process (infra/local/dynalite-process.js) to use the second core. Tables come
 * from the same definitions the CDK stack deploys.
 *
 * Supervised: when the child dies it is started again on the same port (the endpoint the SDK
 * clients hold stays valid) and the same data directory, and the tables are (re)created; requests
 * meanwhile fail and the handlers answer InternalError. After `maxRestarts` failures in a row,
 * `onFatal` is called.
 */
export async function startDynamo(dataDir?: string, opts: DynamoOptions = {}): Promise<LocalDynamo> {
  const spawn = opts.spawn ?? ((args: string[]) => fork(join(__dirname, 'dynalite-process.js'), args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const maxRestarts = opts.maxRestarts ?? 5;
  const stableMs = opts.stableMs ?? 30_000;
  const backoffMs = opts.backoffMs ?? 200;

  const launch = async (wantedPort: number) => {
    const c = spawn([dataDir ?? '', String(wantedPort)]);
    const port = await new Promise<number>((resolve, reject) => {
      c.once('message', (m: { port: number }) => resolve(m.port));
      c.once('error', reject);
      c.once('exit', (code, signal) => reject(new Error(`embedded DynamoDB exited (${signal ?? `code ${code}`}) while starting`)));
    });
    return { child: c, port };
  };

  const first = await launch(0);
  let child = first.child;
  const port = first.port;
  const endpoint = `http://127.0.0.1:${port}`;
  await createTables(endpoint, dataDir);

  let closing = false;
  let restarts = 0;
  let failuresInRow = 0;
  let startedAt = Date.now();

  const watch = (c: ChildProcess) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!closing && c === child) void recover(c.pid, code, signal);
    };
    if (c.exitCode !== null || c.signalCode !== null) onExit(c.exitCode, c.signalCode);
    else c.once('exit', onExit);
  };

  const recover = async (pid: number | undefined, code: number | null, signal: NodeJS.Signals | null) => {
    logLine('error', 'embedded DynamoDB died; restarting it', { pid, code, signal, endpoint, data: dataDir ?? 'in memory (lost)' });
    if (Date.now() - startedAt >= stableMs) failuresInRow = 0;
    while (!closing) {
      failuresInRow++;
      if (failuresInRow > maxRestarts) {
        const error = new Error(`embedded DynamoDB could not be restarted (${maxRestarts} attempts in a row failed)`);
        logLine('error', error.message, { endpoint });
        (opts.onFatal ?? defaultFatal)(error);
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(5000, backoffMs * 2 ** (failuresInRow - 1))));
      if (closing) return;
      try {
        const next = await launch(port);
        if (closing) {
          next.child.disconnect();
          return;
        }
        child = next.child;
        startedAt = Date.now();
        restarts++;
        watch(child); // a death from here on is the next round
        await createTables(endpoint, dataDir).catch((e) => logLine('error', 'embedded DynamoDB restarted but its tables could not be created', { error: String(e) }));
        logLine('info', 'embedded DynamoDB restarted', { pid: child.pid, restarts, endpoint, data: dataDir ?? 'in memory: the tables start empty' });
        return;
      } catch (e) {
        logLine('error', 'embedded DynamoDB restart failed', { attempt: failuresInRow, error: String((e as Error)?.message ?? e) });
      }
    }
  };
  watch(child);

  return {
    endpoint,
    get pid() {
      return child.pid;
    },
    get restarts() {
      return restarts;
    },
    close: () => new Promise<void>((resolve) => {
      closing = true;
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}

function defaultFatal(error: Error): never {
  console.error(JSON.stringify({ level: 'error', message: 'stopping: the embedded DynamoDB is gone', error: error.message }));
  process.exit(1);
}

async function createTables(endpoint: string, dataDir?: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    for (const def of TABLE_LIST) await createTable(client, def, dataDir);
  } finally {
    client.destroy();
  }
}

/**
 * Creates a table from its definition, or keeps the one an earlier run left (`--data-dir`). A kept
 * table that lacks an index of the definition (data from an older version) is rebuilt with it —
 * dynalite cannot add an index to a table — without losing an item: the items are first written to
 * `<dataDir>/<table>.rebuild.json`, which a later start restores from if this one died midway.
 */
export async function createTable(client: DynamoDBClient, def: TableDef, backupDir?: string): Promise<void> {
  const backup = backupDir ? join(backupDir, `${def.name}.rebuild.json`) : undefined;
  if (backup && existsSync(backup)) {
    await deleteTable(client, def.name);
    await createFresh(client, def);
    await restore(client, def.name, JSON.parse(await readFile(backup, 'utf8')) as Array<Record<string, AttributeValue>>);
    await rm(backup);
    logLine('info', 'embedded DynamoDB: finished an interrupted rebuild of a table', { table: def.name });
    return;
  }
  const created = await createFresh(client, def);
  if (created) return;
  const d = await client.send(new DescribeTableCommand({ TableName: def.name }));
  const have = new Set((d.Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  const missing = (def.indexes ?? []).map((i) => i.name).filter((n) => !have.has(n));
  if (!missing.length) return;
  const items: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: def.name, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  if (backup) {
    await writeFile(`${backup}.tmp`, JSON.stringify(items));
    await rename(`${backup}.tmp`, backup);
  }
  await deleteTable(client, def.name);
  await createFresh(client, def);
  await restore(client, def.name, items);
  if (backup) await rm(backup);
  logLine('info', 'embedded DynamoDB: rebuilt a table from an older version with its new indexes', { table: def.name, indexes: missing, items: items.length });
}

async function deleteTable(client: DynamoDBClient, name: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: name }));
  } catch (e) {
    if (e instanceof ResourceNotFoundException) return;
    throw e;
  }
  for (let i = 0; i < 250; i++) {
    try {
      await client.send(new DescribeTableCommand({ TableName: name }));
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return;
      throw e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${name} was not deleted`);
}

async function restore(client: DynamoDBClient, name: string, items: Array<Record<string, AttributeValue>>): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let request = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; request.length; attempt++) {
      if (attempt > 20) throw new Error(`could not restore the items of table ${name}`);
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [name]: request } }));
      request = (out.UnprocessedItems?.[name] ?? []) as typeof request;
    }
  }
}

/** Creates the table (true) or finds it kept from an earlier run (false); either way ACTIVE on return. */
async function createFresh(client: DynamoDBClient, def: TableDef): Promise<boolean> {
  let created = true;
  const keys = [def.partitionKey, def.sortKey, ...(def.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])].filter((k): k is NonNullable<typeof k> => !!k);
  const attributes = [...new Map(keys.map((k) => [k.name, { AttributeName: k.name, AttributeType: k.type }])).values()];
  const schema = (pk: { name: string }, sk?: { name: string }) => [
    { AttributeName: pk.name, KeyType: 'HASH' as const },
    ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : []),
  ];
  try {
    await client.send(new CreateTableCommand({
      TableName: def.name,
      AttributeDefinitions: attributes,
      KeySchema: schema(def.partitionKey, def.sortKey),
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: def.indexes?.length
        ? def.indexes.map((i) => ({ IndexName: i.name, KeySchema: schema(i.partitionKey, i.sortKey), Projection: { ProjectionType: i.projection ?? 'ALL' } }))
        : undefined,
    }));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e; // kept from an earlier run (--data-dir)
    created = false;
  }
  // Tables must be ACTIVE before first use.
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: def.name }));
    if (d.Table?.TableStatus === 'ACTIVE') return created;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${def.name} did not become ACTIVE`);
}

