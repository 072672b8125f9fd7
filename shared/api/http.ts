import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { log } from '../log';

/** A parsed operator API request (from an HTTP API payload-format-2.0 event). */
export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}
export interface ApiResponse {
  status: number;
  body?: unknown;
}
export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** e.g. /api/charge-points/{id}/calls/{action} */
  path: string;
  handle: (req: ApiRequest) => Promise<ApiResponse>;
}

/** A 4xx the operator sees as `{ error, message }`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
  }
}
export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const notFound = (message: string) => new ApiError(404, 'NotFound', message);

export const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });

function compile(path: string) {
  const names: string[] = [];
  const re = new RegExp(`^${path.replace(/\{(\w+)\}/g, (_m, n) => (names.push(n), '([^/]+)'))}/?$`);
  return { re, names };
}

export function createRouter(routes: Route[]) {
  const compiled = routes.map((r) => ({ ...r, ...compile(r.path) }));
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = event.requestContext.http.method.toUpperCase();
    const path = event.rawPath;
    let pathMatched = false;
    try {
      for (const r of compiled) {
        const m = r.re.exec(path);
        if (!m) continue;
        pathMatched = true;
        if (r.method !== method) continue;
        const params = Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
        const res = await r.handle({ method, path, params, query: (event.queryStringParameters ?? {}) as Record<string, string>, body: parseBody(event) });
        return json(res.status, res.body);
      }
      if (pathMatched) return json(405, { error: 'MethodNotAllowed', message: `${method} is not allowed on ${path}` });
      return json(404, { error: 'NotFound', message: `No such endpoint: ${method} ${path}` });
    } catch (e) {
      if (e instanceof ApiError) return json(e.status, { error: e.error, message: e.message });
      log.error('operator API failure', { path, error: String((e as Error)?.stack ?? e) });
      return json(500, { error: 'InternalError', message: 'The request could not be processed' });
    }
  };
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Body is not valid JSON');
  }
}

function json(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return body === undefined
    ? { statusCode: status }
    : { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Page tokens are the DynamoDB LastEvaluatedKey, base64url JSON: opaque to the operator. */
export const encodeToken = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);
export function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    /* fall through */
  }
  throw badRequest('nextToken is invalid');
}
export function limitParam(q: Record<string, string>, fallback = 50, max = 500): number {
  if (q.limit === undefined) return fallback;
  const n = Number(q.limit);
  if (!Number.isInteger(n) || n < 1 || n > max) throw badRequest(`limit must be an integer from 1 to ${max}`);
  return n;
}
export function requireObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Body must be a JSON object');
  return body as Record<string, unknown>;
}
