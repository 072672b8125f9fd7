import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { TABLE_LIST, type TableDef } from '../../shared/store/tables';

/**
 * Embedded DynamoDB (dynalite): in memory, or on disk under `dataDir` so data survives restarts.
 * It runs in a child process (infra/local/dynalite-process.js) to use the second core. Tables come
 * from the same definitions the CDK stack deploys.
 */
export async function startDynamo(dataDir?: string): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const child = fork(join(__dirname, 'dynalite-process.js'), dataDir ? [dataDir] : [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`embedded DynamoDB exited with code ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (const def of TABLE_LIST) await createTable(client, def);
  client.destroy();
  return {
    endpoint,
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}

export async function createTable(client: DynamoDBClient, def: TableDef): Promise<void> {
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
        ? def.indexes.map((i) => ({ IndexName: i.name, KeySchema: schema(i.partitionKey, i.sortKey), Projection: { ProjectionType: 'ALL' } }))
        : undefined,
    }));
  } catch (e) {
    if (!(e instanceof ResourceInUseException)) throw e; // kept from an earlier run (--data-dir)
  }
  // Tables must be ACTIVE before first use.
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: def.name }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`table ${def.name} did not become ACTIVE`);
}

