import fc from 'fast-check';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { API_ROUTES } from '../../shared/api';
import { bootCsms } from '../support/local';

/**
 * Every operator API endpoint, generated from the route table, with bad input: malformed JSON,
 * wrong types, bad percent-escapes and 10,000-character ids in the path, crafted page tokens,
 * bad numbers in the query, 10 MB bodies and wrong methods. Each must be answered 4xx with
 * `{ error, message }` — a 5xx is only for a fault of ours. Deterministic (fixed seed).
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
const CP = 'FUZZ-CP-1';
beforeAll(async () => {
  csms = await bootCsms();
  expect((await csms.api.put(`/charge-points/${CP}`, {})).status).toBe(201);
});
afterAll(() => csms?.close());

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const LONG = 'x'.repeat(10_000);
/** Path segments no route can take (a client's fetch would normalize `..` away before sending, so it is not here). */
const BAD_SEGMENTS = ['%', '%zz', '%E0%A4%A', LONG, '%00', '%20', '%F0%9F%98%80', encodeURIComponent('ü'.repeat(40))];
/** Odd but possibly valid (a charge point may be called "-1"): any answer but a 5xx. */
const ODD_SEGMENTS = ['a%2Fb', '-1', '1e3', 'NaN', '%3A', 'x'.repeat(49)];
const CRAFTED_TOKENS = [
  '!!!', 'zzz', b64('not json'), b64([1, 2]), b64(null), b64(42), b64({}), b64({ chargePointId: { S: 'x' } }), b64({ chargePointId: 'x'.repeat(3000) }),
  b64({ chargePointId: CP, transactionId: 5 }), b64({ a: 1, b: 2, c: 3, d: 4, e: 5 }), b64({ chargePointId: 'OTHER', eventKey: 'k', logKey: 'k' }),
  b64({ jobId: 'x', itemKey: 'job', listKey: 'type#FirmwareUpdate', createdAt: 5 }), b64({ idTag: '' }), 'A'.repeat(5000),
];
const BAD_QUERIES = ['timeoutMs=abc', 'timeoutMs=-5', 'timeoutMs=99999999', 'limit=abc', 'limit=0', 'limit=-1', 'limit=1e9', 'limit=', 'active=maybe', 'status=Nope', 'kind=%zz',
  `chargePointId=${LONG}`, `idTag=${LONG}`, 'chargePointId=', 'unknownParam=1', `component=${LONG}`, 'evseId=-1', 'connectorId=x', 'duration=%', 'requestId=1'];
const BAD_BODIES = ['{', '{"a":', '[]', '"text"', 'null', '1', 'true', '{"password": 5}', '{"status": 5}', '{"updateType": 5}', '{"settings": []}', '\u0000', '{"__proto__": {"x": 1}}', `{"k": "${LONG}"}`];

interface Req { method: string; path: string; body?: string; /** may be answered 2xx */ odd?: boolean }

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_m, n) => values[n] ?? values.default);
}

/** The cases of one route: each path parameter bad in turn, each bad query, token and body, other methods. */
function casesOf(route: (typeof API_ROUTES)[number]): Req[] {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const good = { default: '1', id: CP, action: 'Reset', idTag: 'FUZZTAG' };
  const base = fill(route.path, good);
  const out: Req[] = [];
  const hasBody = route.method === 'PUT' || route.method === 'POST';
  for (const n of names) {
    for (const seg of BAD_SEGMENTS) out.push({ method: route.method, path: fill(route.path, { ...good, [n]: seg }), body: hasBody ? '{}' : undefined });
    // Odd ids are tried on reads only: a PUT or POST would create or start something legitimately.
    if (!hasBody && route.method !== 'DELETE') for (const seg of ODD_SEGMENTS) out.push({ method: route.method, path: fill(route.path, { ...good, [n]: seg }), odd: true });
  }
  for (const q of BAD_QUERIES) out.push({ method: route.method, path: `${base}?${q}`, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{"x":1}' });
  for (const t of CRAFTED_TOKENS) out.push({ method: route.method, path: `${base}?nextToken=${encodeURIComponent(t)}` });
  if (route.method === 'PUT' || route.method === 'POST') {
    for (const body of BAD_BODIES) out.push({ method: route.method, path: base, body });
    // Wrong types for each declared property of the body schema.
    const props = Object.keys(((route.schema.body as { properties?: object }).properties) ?? {});
    for (const p of props) for (const v of [123, 'str', [], {}, true, null, 1e308, -1]) out.push({ method: route.method, path: base, body: JSON.stringify({ [p]: v }), odd: true });
    // Random JSON values (fixed seed): mostly invalid, a valid one may be answered 2xx.
    for (const v of fc.sample(fc.jsonValue({ maxDepth: 3 }), { numRuns: 12, seed: route.path.length })) out.push({ method: route.method, path: base, body: JSON.stringify(v), odd: true });
  }
  out.push({ method: 'PATCH', path: base, body: '{}' });
  return out;
}

/** Methods that no route of a path takes (405 expected). */
function wrongMethods(): Req[] {
  const byPath = new Map<string, Set<string>>();
  for (const r of API_ROUTES) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
  const out: Req[] = [];
  for (const [path, methods] of byPath) {
    for (const m of ['GET', 'PUT', 'POST', 'DELETE'].filter((x) => !methods.has(x))) out.push({ method: m, path: fill(path, { default: '1', id: CP, action: 'Reset', idTag: 'FUZZTAG' }), body: m === 'GET' || m === 'DELETE' ? undefined : '{}' });
  }
  return out;
}

async function send(r: Req) {
  const res = await fetch(`${csms.apiUrl.replace(/\/api$/, '')}${r.path}`, {
    method: r.method,
    headers: r.body === undefined ? {} : { 'content-type': 'application/json' },
    body: r.body,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

async function runAll(reqs: Req[]) {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: 6 }, async () => {
    while (next < reqs.length) {
      const r = reqs[next++];
      const res = await send(r);
      const b = res.body as { error?: unknown; message?: unknown } | undefined;
      const shaped = typeof b?.error === 'string' && typeof b?.message === 'string';
      if (res.status >= 500 || (res.status < 400 && !r.odd) || (res.status >= 400 && !shaped)) failures.push(`${r.method} ${r.path.slice(0, 120)} ${r.body?.slice(0, 60) ?? ''} → ${res.status} ${JSON.stringify(res.body)?.slice(0, 160)}`);
    }
  }));
  return failures;
}

describe('operator API fuzz: bad requests are 4xx with { error, message }, never 5xx', () => {
  it('every route, every kind of bad input', async () => {
    const reqs = API_ROUTES.flatMap(casesOf);
    expect(reqs.length).toBeGreaterThan(1500);
    expect(await runAll(reqs)).toEqual([]);
  }, 300_000);

  it('wrong methods on known paths are 405 with the allowed methods', async () => {
    const reqs = wrongMethods();
    expect(reqs.length).toBeGreaterThan(20);
    for (const r of reqs.slice(0, 50)) {
      const res = await send(r);
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 405]);
    }
    expect(await runAll(reqs)).toEqual([]);
  });

  it('10 MB bodies are refused (413) with the error shape', async () => {
    const big = JSON.stringify({ chargePointIds: Array.from({ length: 500_000 }, (_x, i) => `CP-${i}-${'y'.repeat(10)}`) });
    expect(big.length).toBeGreaterThan(10_000_000);
    for (const path of ['/api/firmware-updates', `/api/charge-points/${CP}`, `/api/charge-points/${CP}/calls/Reset`]) {
      const res = await send({ method: path.endsWith(CP) ? 'PUT' : 'POST', path, body: big });
      expect([path, res.status]).toEqual([path, 413]);
      expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });
});

describe('the api Lambda itself (what API Gateway may hand it)', () => {
  const event = (over: Partial<APIGatewayProxyEventV2> & { method?: string }): APIGatewayProxyEventV2 => ({
    version: '2.0', routeKey: '$default', rawPath: `/api/charge-points/${CP}`, rawQueryString: '', headers: {}, isBase64Encoded: false,
    requestContext: { accountId: '0', apiId: 'x', domainName: 'x', domainPrefix: 'x', requestId: 'r', routeKey: '$default', stage: '$default', time: '', timeEpoch: 0,
      http: { method: over.method ?? 'GET', path: over.rawPath ?? `/api/charge-points/${CP}`, protocol: 'HTTP/1.1', sourceIp: '', userAgent: '' } },
    ...over,
  } as APIGatewayProxyEventV2);
  beforeAll(async () => {
    expect((await csms.api.put(`/charge-points/${CP}`, {})).status).toBeLessThan(300);
  });
  const call = async (e: APIGatewayProxyEventV2) => {
    const { handler } = await import('../../functions/api');
    const out = (await (handler as (e: APIGatewayProxyEventV2) => Promise<{ statusCode: number; body?: string }>)(e));
    return { status: out.statusCode, body: out.body ? JSON.parse(out.body) : undefined };
  };

  it.each([
    ['an unknown method', { method: 'FOO' }, 405],
    ['a Host header that is no host name', { headers: { host: 'a b<>' } }, 200],
    ['an X-Forwarded-Proto that is no scheme', { headers: { 'x-forwarded-proto': '1 2' } }, 200],
    ['a header value beyond Latin-1', { headers: { 'x-note': 'Ω€' } }, 200],
    ['a GET with a body', { body: '{"x":' }, 200],
    ['a body over 1 MiB', { method: 'PUT', body: JSON.stringify({ settings: { s: 'z'.repeat(2 * 1024 * 1024) } }) }, 413],
    ['a JSON null body', { method: 'PUT', body: 'null' }, 400],
    ['a base64 body that is not JSON', { method: 'PUT', body: Buffer.from('{{').toString('base64'), isBase64Encoded: true }, 400],
    ['a raw path with a space', { rawPath: '/api/charge-points/a b' }, 404],
  ] as const)('%s', async (_name, over, status) => {
    const res = await call(event(over as Partial<APIGatewayProxyEventV2>));
    expect(res.status).toBe(status);
    if (status >= 400) expect(res.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
  });
});
