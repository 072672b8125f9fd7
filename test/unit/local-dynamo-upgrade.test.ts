import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { createTable, startDynamo, type LocalDynamo } from '../../infra/local/dynamo';
import type { TableDef } from '../../shared/store/tables';

// A data directory written by an older version has tables without the indexes added since:
// the local runtime rebuilds them with the new indexes and keeps every item.
const OLD: TableDef = { name: 'UpgradeProbe', envVar: 'UPGRADE_PROBE_TABLE', partitionKey: { name: 'pk', type: 'S' }, purpose: 'test' };
const NEW: TableDef = { ...OLD, indexes: [{ name: 'byColour', partitionKey: { name: 'colour', type: 'S' }, sortKey: { name: 'pk', type: 'S' } }] };

let dir: string;
let dynamo: LocalDynamo;
let client: DynamoDBClient;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dynamo-upgrade-'));
  dynamo = await startDynamo(dir, { onFatal: () => undefined });
  client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await dynamo.close();
  await rm(dir, { recursive: true, force: true });
});

const count = async () => (await client.send(new ScanCommand({ TableName: OLD.name, Select: 'COUNT' }))).Count;

it('rebuilds a kept table that lacks an index of its definition, with every item', async () => {
  await createTable(client, OLD, dir);
  for (let i = 0; i < 60; i++) {
    await client.send(new PutItemCommand({ TableName: OLD.name, Item: { pk: { S: `item-${i}` }, colour: { S: i % 2 ? 'red' : 'blue' }, n: { N: String(i) } } }));
  }
  await createTable(client, NEW, dir);
  const d = await client.send(new DescribeTableCommand({ TableName: OLD.name }));
  expect(d.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byColour']);
  expect(await count()).toBe(60);
  const red = await client.send(new QueryCommand({ TableName: OLD.name, IndexName: 'byColour', KeyConditionExpression: 'colour = :c', ExpressionAttributeValues: { ':c': { S: 'red' } } }));
  expect(red.Count).toBe(30);
  expect(existsSync(join(dir, `${OLD.name}.rebuild.json`))).toBe(false);
  // Nothing to do on the next start.
  await createTable(client, NEW, dir);
  expect(await count()).toBe(60);
});

it('finishes a rebuild that an earlier start left halfway, from its backup file', async () => {
  const items = Array.from({ length: 3 }, (_v, i) => ({ pk: { S: `kept-${i}` }, colour: { S: 'green' } }));
  await writeFile(join(dir, `${OLD.name}.rebuild.json`), JSON.stringify(items));
  await createTable(client, NEW, dir);
  expect(await count()).toBe(3);
  expect(existsSync(join(dir, `${OLD.name}.rebuild.json`))).toBe(false);
});
