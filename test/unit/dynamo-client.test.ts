/**
 * The lean DynamoDB client (shared/dynamo-client.ts) answers every data-plane command as the AWS
 * SDK's document client does: same items, same errors (classes, names, cancellation reasons), and
 * the SDK's retry policy. Checked side by side against the embedded DynamoDB.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand,
  TransactGetCommand, TransactWriteCommand, UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { startDynamo } from '../../infra/local/dynamo';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { LeanDynamoClient, signV4 } from '../../shared/dynamo-client';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
let dynamo: Awaited<ReturnType<typeof startDynamo>>;
let sdk: DynamoDBDocumentClient;
let lean: LeanDynamoClient;

const without$metadata = (o: Record<string, unknown>) => {
  const { $metadata: _m, ...rest } = o; // eslint-disable-line @typescript-eslint/no-unused-vars
  return rest;
};

function leanFor(endpoint: string, maxAttempts = 5) {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts });
  return new LeanDynamoClient(client, DynamoDBDocumentClient.from(client), endpoint, { maxSockets: 4, maxAttempts, requestTimeoutMs: 2000 });
}

beforeAll(async () => {
  dynamo = await startDynamo();
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials });
  sdk = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  lean = leanFor(dynamo.endpoint);
}, 30_000);

afterAll(async () => {
  lean.destroy();
  sdk.destroy();
  await dynamo.close();
});

const item = {
  chargePointId: 'LEAN-1',
  nested: { list: [1, 'two', { three: true }], empty: {}, nothing: null },
  tags: new Set(['a', 'b']),
  bytes: new Uint8Array([0, 1, 2, 250]),
  n: 1.5,
  skipped: undefined,
};

describe('lean DynamoDB client, side by side with the SDK document client', () => {
  it('writes and reads items the same way (nested maps, lists, sets, binary, numbers, undefined left out)', async () => {
    await lean.send(new PutCommand({ TableName: 'ChargePoints', Item: item }));
    const viaSdk = await sdk.send(new GetCommand({ TableName: 'ChargePoints', Key: { chargePointId: 'LEAN-1' } }));
    const viaLean = await lean.send(new GetCommand({ TableName: 'ChargePoints', Key: { chargePointId: 'LEAN-1' } }));
    expect(without$metadata(viaLean)).toEqual(without$metadata(viaSdk));
    expect(viaLean.Item.bytes).toEqual(new Uint8Array([0, 1, 2, 250]));
    expect(viaLean.Item).not.toHaveProperty('skipped');
    expect(viaLean.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 1 });
  });

  it('updates with expressions and returns the new values', async () => {
    const cmd = () => new UpdateCommand({
      TableName: 'ChargePoints', Key: { chargePointId: 'LEAN-1' },
      UpdateExpression: 'SET #n = #n + :one, #s = :s', ExpressionAttributeNames: { '#n': 'n', '#s': 'status' },
      ExpressionAttributeValues: { ':one': 1, ':s': { at: 'now', list: ['x'] } }, ReturnValues: 'ALL_NEW',
    });
    const a = await sdk.send(cmd());
    const b = await lean.send(cmd());
    expect(b.Attributes.n).toBe(a.Attributes!.n + 1);
    expect(b.Attributes.status).toEqual({ at: 'now', list: ['x'] });
  });

  it('queries, scans, batch-writes and batch-gets with the same results', async () => {
    await lean.send(new BatchWriteCommand({ RequestItems: { MessageLog: [1, 2, 3].map((i) => ({ PutRequest: { Item: { chargePointId: 'LEAN-Q', logKey: `k${i}`, n: i } } })) } }));
    const q = () => new QueryCommand({ TableName: 'MessageLog', KeyConditionExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': 'LEAN-Q' }, ScanIndexForward: false, Limit: 2 });
    const [qa, qb] = [await sdk.send(q()), await lean.send(q())];
    expect(without$metadata(qb)).toEqual(without$metadata(qa));
    expect(qb.Items.map((x: { n: number }) => x.n)).toEqual([3, 2]);
    expect(qb.LastEvaluatedKey).toEqual({ chargePointId: 'LEAN-Q', logKey: 'k2' });
    const s = () => new ScanCommand({ TableName: 'MessageLog', FilterExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': 'LEAN-Q' } });
    expect(without$metadata(await lean.send(s()))).toEqual(without$metadata(await sdk.send(s())));
    const bg = () => new BatchGetCommand({ RequestItems: { MessageLog: { Keys: [{ chargePointId: 'LEAN-Q', logKey: 'k1' }] } } });
    expect(without$metadata(await lean.send(bg()))).toEqual(without$metadata(await sdk.send(bg())));
    await lean.send(new DeleteCommand({ TableName: 'MessageLog', Key: { chargePointId: 'LEAN-Q', logKey: 'k1' } }));
    expect((await sdk.send(bg())).Responses?.MessageLog).toEqual([]);
  });

  it('throws the SDK exception class for a failed condition', async () => {
    const put = new PutCommand({ TableName: 'ChargePoints', Item: { chargePointId: 'LEAN-1' }, ConditionExpression: 'attribute_not_exists(chargePointId)' });
    const e = await lean.send(put).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionalCheckFailedException);
    expect(e).toMatchObject({ name: 'ConditionalCheckFailedException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
  });

  it('answers a bad request with its DynamoDB error name, without retrying it', async () => {
    const e = await lean.send(new GetCommand({ TableName: 'NoSuchTable', Key: { id: 'x' } })).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400, attempts: 1 } });
  });
});

describe('SigV4', () => {
  it.each([
    ['long-term credentials', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }],
    ['session credentials', { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token/with+chars==' }],
  ])('signs exactly as the SDK signer does (%s)', async (_name, creds) => {
    const date = new Date('2026-11-22T01:21:58.171Z');
    const body = JSON.stringify({ TableName: 'ChargePoints', Key: { chargePointId: { S: 'CP  1 é' } } });
    const headers = { host: 'dynamodb.eu-west-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem', 'content-length': String(Buffer.byteLength(body)) };
    const sdkSigner = new SignatureV4({ service: 'dynamodb', region: 'eu-west-1', credentials: creds, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
    const bySdk = await sdkSigner.sign({ method: 'POST', protocol: 'https:', hostname: headers.host, path: '/', query: {}, headers: { ...headers }, body }, { signingDate: date });
    const ours = signV4({ method: 'POST', path: '/', headers, body }, creds, 'eu-west-1', 'dynamodb', date);
    expect(ours.authorization).toBe(bySdk.headers.authorization);
    expect(ours['x-amz-date']).toBe(bySdk.headers['x-amz-date']);
    expect(ours['x-amz-security-token']).toBe(bySdk.headers['x-amz-security-token']);
  });
});

describe('lean DynamoDB client retries', () => {
  let server: Server;
  let answers: Array<[number, string]>;
  let seen: Array<{ target: string; auth: string }>;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      seen.push({ target: String(req.headers['x-amz-target']), auth: String(req.headers.authorization) });
      const [status, body] = answers.shift() ?? [200, '{}'];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen = [];
  });

  it('retries server errors and throttling, then answers; every attempt is signed', async () => {
    answers = [[503, ''], [400, '{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}'], [200, '{"Item":{"id":{"S":"x"}}}']];
    const c = leanFor(url, 3);
    const out = await c.send(new GetCommand({ TableName: 'T', Key: { id: 'x' } }));
    c.destroy();
    expect(out.Item).toEqual({ id: 'x' });
    expect(out.$metadata.attempts).toBe(3);
    expect(seen.map((s) => s.target)).toEqual(Array(3).fill('DynamoDB_20120810.GetItem'));
    for (const s of seen) expect(s.auth).toMatch(/^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/us-east-1\/dynamodb\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/);
  });

  // The embedded DynamoDB has no transactions: DynamoDB's own answer for a cancelled one, replayed.
  it('throws TransactionCanceledException with its reasons, and reads TransactGetItems answers', async () => {
    answers = [[400, JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
      CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' }],
    })], [200, '{"Responses":[{"Item":{"id":{"S":"x"},"n":{"N":"2"}}}]}']];
    const c = leanFor(url, 3);
    const tx = await c.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: 'T', Item: { id: 'y' } } },
        { ConditionCheck: { TableName: 'T', Key: { id: 'x' }, ConditionExpression: 'attribute_not_exists(id)' } },
      ],
    })).catch((x: unknown) => x);
    expect(tx).toBeInstanceOf(TransactionCanceledException);
    expect((tx as TransactionCanceledException).message).toMatch(/^Transaction cancelled/);
    expect((tx as TransactionCanceledException).CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
    const got = await c.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: 'T', Key: { id: 'x' } } }] }));
    c.destroy();
    expect(got.Responses).toEqual([{ Item: { id: 'x', n: 2 } }]);
    expect(seen.map((s) => s.target)).toEqual(['DynamoDB_20120810.TransactWriteItems', 'DynamoDB_20120810.TransactGetItems']);
  });

  it('gives up after maxAttempts with the last error', async () => {
    answers = [[500, '{"__type":"InternalServerError","message":"boom"}'], [500, '{"__type":"InternalServerError","message":"boom"}']];
    const c = leanFor(url, 2);
    const e = await c.send(new GetCommand({ TableName: 'T', Key: { id: 'x' } })).catch((x: unknown) => x);
    c.destroy();
    expect(e).toMatchObject({ name: 'InternalServerError', message: 'boom', $fault: 'server', $metadata: { httpStatusCode: 500, attempts: 2 } });
  });
});

describe('CSMS_DYNAMODB_CLIENT=sdk', () => {
  it('hands every store command to the SDK document client instead of the lean client', () => {
    const saved = process.env.CSMS_DYNAMODB_CLIENT;
    try {
      for (const [mode, lean] of [['sdk', false], [undefined, true]] as const) {
        if (mode) process.env.CSMS_DYNAMODB_CLIENT = mode;
        else delete process.env.CSMS_DYNAMODB_CLIENT;
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const aws = require('../../shared/aws') as typeof import('../../shared/aws');
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const isolated = require('../../shared/dynamo-client') as typeof import('../../shared/dynamo-client');
          expect(aws.db() instanceof isolated.LeanDynamoClient).toBe(lean);
          expect(aws.auditDb() === aws.db()).toBe(!lean);
        });
      }
    } finally {
      if (saved === undefined) delete process.env.CSMS_DYNAMODB_CLIENT;
      else process.env.CSMS_DYNAMODB_CLIENT = saved;
    }
  });
});
