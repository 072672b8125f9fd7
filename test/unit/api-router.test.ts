import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { API_ROUTES } from '../../shared/api';
import { ANY_OBJECT, CHARGE_POINT_ID, createRouter, decodeToken, NO_QUERY, object, ok, type Route } from '../../shared/api/http';

/** The router without the runtime: route table invariants and answers that need no store. */
const event = (method: string, rawPath: string, body?: string, query?: Record<string, string>): APIGatewayProxyEventV2 => ({
  version: '2.0', routeKey: '$default', rawPath, rawQueryString: new URLSearchParams(query).toString(), headers: { 'content-type': 'application/json' }, queryStringParameters: query,
  isBase64Encoded: false, body,
  requestContext: { http: { method, path: rawPath } },
} as unknown as APIGatewayProxyEventV2);

const echo: Route = { method: 'PUT', path: '/api/things/{id}', schema: { path: object({ id: CHARGE_POINT_ID }), query: NO_QUERY, body: object({ n: { type: 'integer' } }) }, handle: async (r) => ok({ params: r.params, body: r.body }) };
const handle = createRouter([echo]);
const call = async (e: APIGatewayProxyEventV2) => {
  const out = await handle(e);
  return { status: out.statusCode, body: out.body ? JSON.parse(out.body) : undefined };
};

it('every endpoint of the operator API declares its schemas (the router refuses one that does not)', () => {
  for (const r of API_ROUTES) {
    expect([r.path, typeof r.schema.query]).toEqual([r.path, 'object']);
    if (r.path.includes('{')) expect([r.path, typeof r.schema.path]).toEqual([r.path, 'object']);
    if (r.method === 'PUT' || r.method === 'POST') expect([r.path, typeof r.schema.body]).toEqual([r.path, 'object']);
  }
  expect(() => createRouter([{ ...echo, schema: { query: NO_QUERY, body: ANY_OBJECT } }])).toThrow(/no path schema/);
  expect(() => createRouter([{ ...echo, schema: { path: echo.schema.path, query: NO_QUERY } }])).toThrow(/no body schema/);
});

it('answers from the schemas, the route table and the error mapping', async () => {
  expect(await call(event('PUT', '/api/things/A1', '{"n":2}'))).toEqual({ status: 200, body: { params: { id: 'A1' }, body: { n: 2 } } });
  expect(await call(event('PUT', '/api/things/A1', '{"n":"2"}'))).toEqual({ status: 400, body: { error: 'BadRequest', message: 'n must be integer' } });
  expect(await call(event('PUT', '/api/things/A1', '{"m":1}'))).toEqual({ status: 400, body: { error: 'BadRequest', message: 'Unknown field(s): m' } });
  expect(await call(event('PUT', '/api/things/A1', '{"n":2}', { x: '1' }))).toEqual({ status: 400, body: { error: 'BadRequest', message: 'Unknown field(s) in the query: x' } });
  expect((await call(event('PUT', '/api/things/%E0%A4%A', '{}'))).status).toBe(400);
  expect((await call(event('PUT', `/api/things/${'x'.repeat(49)}`, '{}'))).body.message).toMatch(/1-48 printable ASCII/);
  expect(await call(event('GET', '/api/things/A1'))).toMatchObject({ status: 405, body: { error: 'MethodNotAllowed' } });
  expect(await call(event('GET', '/api/nothing'))).toMatchObject({ status: 404, body: { error: 'NotFound' } });
  expect(await call(event('PUT', '/api/things/A1', '{"n":'))).toEqual({ status: 400, body: { error: 'BadRequest', message: 'Body is not valid JSON' } });
});

it('page tokens must hold exactly the listing\'s key, strings within DynamoDB\'s key limit', () => {
  const t = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  expect(decodeToken(t({ chargePointId: 'A', eventKey: 'k' }), ['chargePointId', 'eventKey'], { chargePointId: 'A' })).toEqual({ chargePointId: 'A', eventKey: 'k' });
  for (const bad of [t({ chargePointId: 'B', eventKey: 'k' }), t({ chargePointId: 'A' }), t({ chargePointId: 'A', eventKey: 5 }), t({ chargePointId: 'A', eventKey: 'x'.repeat(2049) }), t([1]), '%%%', t('s')]) {
    expect(() => decodeToken(bad, ['chargePointId', 'eventKey'], { chargePointId: 'A' })).toThrow(/nextToken is invalid/);
  }
});
