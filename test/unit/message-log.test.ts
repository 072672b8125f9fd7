/**
 * The audit log's group commit (shared/store/message-log.ts) against the embedded DynamoDB: every
 * entry of a burst is stored before its caller goes on, in fewer writes than entries; a lone
 * entry is one PutItem, as on AWS where a Lambda logs one exchange at a time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamo } from '../../infra/local/dynamo';
import { db, dynamoOperationStats, resetClients } from '../../shared/aws';
import { listMessages, logExchange } from '../../shared/store/message-log';

let dynamo: Awaited<ReturnType<typeof startDynamo>>;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startDynamo();
  Object.assign(process.env, { DYNAMODB_ENDPOINT: dynamo.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  delete process.env.CSMS_MESSAGE_LOG;
  resetClients();
  db();
}, 30_000);

afterAll(async () => {
  resetClients();
  process.env = saved;
  await dynamo.close();
});

const writes = () => {
  let n = 0;
  for (const [k, v] of dynamoOperationStats) if (/^(PutItem|BatchWriteItem)Command MessageLog$/.test(k)) n += v.count;
  return n;
};
const status = (i: number) => ({ id: `m${i}`, action: 'StatusNotification', payload: { connectorId: 1, errorCode: 'NoError', status: 'Available' } });

describe('audit log group commit', () => {
  it('stores a lone exchange with one PutItem', async () => {
    const before = dynamoOperationStats.get('PutItemCommand MessageLog')?.count ?? 0;
    await logExchange('LOG-ONE', status(0), '[3,"m0",{}]', new Date('2026-12-01T00:00:00.000Z'));
    expect((dynamoOperationStats.get('PutItemCommand MessageLog')?.count ?? 0) - before).toBe(1);
    const { items } = await listMessages('LOG-ONE', 10);
    expect(items.map((x) => [x.direction, x.frame])).toEqual([['out', [3, 'm0', {}]], ['in', [2, 'm0', 'StatusNotification', status(0).payload]]]);
  });

  it('stores every entry of a burst before its caller goes on, in fewer writes than entries', async () => {
    const n = 200;
    const before = writes();
    const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, 0, i));
    await Promise.all(Array.from({ length: n }, (_, i) => logExchange(`LOG-CP${i % 7}`, status(i), `[3,"m${i}",{}]`, at(i))));
    const used = writes() - before;
    expect(used).toBeLessThan(n);
    expect(used).toBeGreaterThan(0);
    let stored = 0;
    for (let cp = 0; cp < 7; cp++) stored += (await listMessages(`LOG-CP${cp}`, 1000)).items.filter((x) => x.direction === 'in').length;
    expect(stored).toBe(n);
  });

  it('writes the same key twice in one burst without losing the other entries', async () => {
    const at = new Date('2026-12-02T00:00:00.000Z');
    await Promise.all([
      logExchange('LOG-DUP', status(1), '[3,"m1",{}]', at),
      logExchange('LOG-DUP', status(1), '[4,"m1","InternalError","",{}]', at),
      ...Array.from({ length: 10 }, (_, i) => logExchange('LOG-DUP', status(100 + i), `[3,"m${100 + i}",{}]`, at)),
    ]);
    const { items } = await listMessages('LOG-DUP', 100);
    expect(items.filter((x) => x.direction === 'in')).toHaveLength(11);
    // The later write of the same key wins, as two PutItems would.
    expect(items.find((x) => x.messageId === 'm1' && x.direction === 'out')?.frame).toEqual([4, 'm1', 'InternalError', '', {}]);
  });
});

describe('audit log connection pool', () => {
  it('writes an entry while every connection of the main pool waits on the database', async () => {
    // A database that holds GetItem forever and stores PutItem at once; the main pool has 1 socket.
    const held: Array<() => void> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = () => {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          res.end('{}');
        };
        if (String(req.headers['x-amz-target']).endsWith('.GetItem')) held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const endpoint = process.env.DYNAMODB_ENDPOINT;
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.CSMS_DYNAMODB_MAX_SOCKETS = '1';
    resetClients();
    try {
      const read = db().send(new GetCommand({ TableName: 'ChargePoints', Key: { chargePointId: 'X' } }));
      await logExchange('LOG-POOL', status(7), '[3,"m7",{}]', new Date());
      expect(held.length).toBeLessThanOrEqual(1); // the read is still waiting (or not yet arrived)
      for (;;) {
        if (held.length) break;
        await new Promise((r) => setImmediate(r));
      }
      held.forEach((f) => f());
      await read;
    } finally {
      process.env.DYNAMODB_ENDPOINT = endpoint;
      delete process.env.CSMS_DYNAMODB_MAX_SOCKETS;
      resetClients();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
