import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { HttpError, NotFoundError, ParameterValidationError, Router } from '@aws-lambda-powertools/event-handler/http';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { log } from '../log';

/**
 * The operator API on Powertools event-handler's HTTP router (docs/operator-api.md "How a request
 * is handled"). Each route declares JSON schemas for its path parameters, its query string and its
 * body; the router matches, the schemas are checked before the handler runs, and every failure is
 * answered `{ "error", "message" }` — a 5xx only for a fault of ours.
 */

/** A parsed operator API request (from an HTTP API payload-format-2.0 event). */
export interface ApiRequest {
  method: string;
  path: string;
  /** Percent-decoded, valid for the route's path schema. */
  params: Record<string, string>;
  /** Valid for the route's query schema (values are strings, as they came). */
  query: Record<string, string>;
  /** Parsed JSON, valid for the route's body schema (`{}` when the request had no body). */
  body: unknown;
  /** Request headers, lower-case names (e.g. `accept` for a CSV export). */
  headers?: Record<string, string>;
}
export interface ApiResponse {
  status: number;
  body?: unknown;
  /** A text body (a string) sent as is with this content type, instead of JSON. */
  contentType?: string;
  /** Extra response headers (e.g. the next page's token of a CSV export). */
  headers?: Record<string, string>;
}
export type JsonSchema = Record<string, unknown>;
export interface RouteSchema {
  /** Required when the path has parameters: one property per `{name}`. */
  path?: JsonSchema;
  query: JsonSchema;
  /** Required for PUT and POST; GET and DELETE ignore a body. */
  body?: JsonSchema;
}
export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';
export interface Route {
  method: Method;
  /** e.g. /api/charge-points/{id}/calls/{action} */
  path: string;
  schema: RouteSchema;
  handle: (req: ApiRequest) => Promise<ApiResponse>;
}

/** A 4xx the operator sees as `{ error, message }`. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly error: string, message: string, readonly headers?: Record<string, string>) {
    super(message);
  }
}
export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const notFound = (message: string) => new ApiError(404, 'NotFound', message);

export const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });

/** Larger bodies are refused (413) before parsing; the largest legitimate body (a fleet rollout) is far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;
const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

// ——— schema building blocks shared by the route modules ———

/** 1.6 security whitepaper / 2.0.1 A00: at most 48 printable ASCII characters, no ':' (shared/auth/identity.ts). */
export const CHARGE_POINT_ID: JsonSchema = { type: 'string', pattern: '^[\\x21-\\x39\\x3b-\\x7e]{1,48}$', description: 'Charge point id must be 1-48 printable ASCII characters without ":"' };
export const NEXT_TOKEN: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,4096}$', description: 'nextToken is invalid' };
export const limit = (max = 500): JsonSchema => ({ type: 'string', pattern: '^[0-9]{1,4}$', description: `limit must be an integer from 1 to ${max}` });
export const INTEGER: JsonSchema = { type: 'string', pattern: '^-?[0-9]{1,15}$' };
export const BOOLEAN: JsonSchema = { type: 'string', enum: ['true', 'false'] };
/** A short printable value (filters, ids that are not charge point ids). */
export const text = (max: number, description?: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max, pattern: '^[\\x20-\\x7e]+$', ...(description && { description }) });
export const PAGE_QUERY = { limit: limit(), nextToken: NEXT_TOKEN };

/** An object schema that refuses unknown properties. */
export const object = (properties: Record<string, JsonSchema>, required: string[] = [], extra: JsonSchema = {}): JsonSchema =>
  ({ type: 'object', properties, required, additionalProperties: false, ...extra });
/** The body of an endpoint whose block validates the fields itself (with messages naming each rule). */
export const ANY_OBJECT: JsonSchema = { type: 'object', description: 'Body must be a JSON object' };
export const NO_QUERY = object({});

// ——— the router ———

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });

type Where = 'path' | 'query' | 'body';

/** One message for the operator, naming the field and the rule (or the schema's `description`). */
export function describeErrors(where: Where, errors: ErrorObject[]): string {
  const unknown = errors.filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath ? `${field(e.instancePath)}.` : ''}${e.params.additionalProperty}`);
  if (unknown.length) return `Unknown field(s)${where === 'body' ? '' : ` in the ${where}`}: ${[...new Set(unknown)].join(', ')}`;
  // The most specific error (deepest instance path) of the first field that failed.
  const e = errors.find((x) => x.keyword !== 'if' && x.keyword !== 'anyOf' && x.keyword !== 'oneOf') ?? errors[0];
  if (e.keyword === 'required') {
    const prop = e.params.missingProperty as string;
    const sub = (e.parentSchema as { properties?: Record<string, { description?: string }> })?.properties?.[prop];
    const name = e.instancePath ? `${field(e.instancePath)}.${prop}` : prop;
    return sub?.description && /required/.test(sub.description) ? sub.description : `${name} is required`;
  }
  const description = (e.parentSchema as { description?: string } | undefined)?.description;
  if (description) return description;
  const name = e.instancePath ? field(e.instancePath) : where === 'body' ? 'Body' : where;
  if (e.keyword === 'enum') return `${name} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return `${name} ${e.message}`;
}
const field = (instancePath: string) => instancePath.slice(1).replace(/\//g, '.');

function check(where: Where, validate: ValidateFunction | undefined, data: unknown): void {
  if (validate && !validate(data)) throw badRequest(describeErrors(where, validate.errors ?? []));
}

function parseBody(event: APIGatewayProxyEventV2): unknown {
  if (!event.body) return undefined;
  const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) throw new ApiError(413, 'PayloadTooLarge', `Body exceeds ${MAX_BODY_BYTES} bytes`);
  const text = bytes.toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('Body is not valid JSON');
  }
}

interface Result { statusCode: number; headers: Record<string, string>; body: string }
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Result =>
  body === undefined ? { statusCode: status, headers, body: '' } : { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
const errorResult = (status: number, error: string, message: string, headers?: Record<string, string>) => json(status, { error, message }, headers);

/** The route table as the router sees it: `{name}` → `:name`; also the 405 check. */
const toColonPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');
const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
const pathRegex = (path: string) => new RegExp(`^${path.replace(/\{(\w+)\}/g, '[^/]+')}/?$`);

function compileRoute(r: Route) {
  const names = pathParams(r.path);
  if (names.length && !r.schema.path) throw new Error(`route ${r.method} ${r.path} has no path schema`);
  if ((r.method === 'PUT' || r.method === 'POST') && !r.schema.body) throw new Error(`route ${r.method} ${r.path} has no body schema`);
  const declared = Object.keys((r.schema.path?.properties as Record<string, unknown>) ?? {});
  if (names.length && (declared.length !== names.length || names.some((n) => !declared.includes(n)))) throw new Error(`route ${r.method} ${r.path}: path schema must declare ${names.join(', ')}`);
  return {
    path: r.schema.path && ajv.compile({ type: 'object', required: names, additionalProperties: false, ...r.schema.path }),
    query: ajv.compile(r.schema.query),
    body: r.schema.body && (r.method === 'PUT' || r.method === 'POST') ? ajv.compile(r.schema.body) : undefined,
  };
}

/**
 * Builds the operator API handler. The exported function keeps the Lambda shape
 * `(event, context?) => result`; the entry (functions/api.ts) may wrap it in middlewares.
 */
export function createRouter(routes: Route[]) {
  const router = new Router({ logger: { debug: () => undefined, info: () => undefined, warn: (...a: unknown[]) => log.warn('operator API router', { detail: a.map(String).join(' ') }), error: (...a: unknown[]) => log.error('operator API router', { detail: a.map(String).join(' ') }) } });
  const table = routes.map((r) => ({ ...r, re: pathRegex(r.path) }));

  for (const r of routes) {
    const validators = compileRoute(r);
    router.route(async (reqCtx) => {
      const event = reqCtx.event as APIGatewayProxyEventV2;
      const params = { ...(reqCtx.params as Record<string, string>) };
      const query = { ...((event.queryStringParameters ?? {}) as Record<string, string>) };
      check('path', validators.path, params);
      check('query', validators.query, query);
      let body: unknown;
      if (validators.body) {
        body = parseBody(event);
        if (body === undefined) body = {};
        check('body', validators.body, body);
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
      const res = await r.handle({ method: r.method, path: event.rawPath, params, query, body, headers });
      // A Web Response cannot carry a body (not even '') with 204/304.
      if (res.body === undefined) return new Response(null, { status: res.status });
      return res.contentType && typeof res.body === 'string' ? { statusCode: res.status, headers: { 'content-type': res.contentType, ...res.headers }, body: res.body } : json(res.status, res.body, res.headers);
    }, { method: r.method, path: toColonPath(r.path) as `/${string}` });
  }

  router.errorHandler(ApiError, async (e) => errorResult(e.status, e.error, e.message, e.headers));
  // Powertools percent-decodes path parameters: a malformed escape (`%`, `%zz`, `%E0%A4%A`) is the client's.
  router.errorHandler(URIError, async () => errorResult(400, 'BadRequest', 'The path holds a malformed percent-escape'));
  router.errorHandler(ParameterValidationError, async (e) => errorResult(400, 'BadRequest', e.issues.join('; ')));
  router.notFound(async (_e, reqCtx) => {
    const event = reqCtx.event as APIGatewayProxyEventV2;
    const method = event.requestContext.http.method.toUpperCase();
    const allowed = [...new Set(table.filter((r) => r.re.test(event.rawPath)).map((r) => r.method))];
    if (allowed.length) return errorResult(405, 'MethodNotAllowed', `${method} is not allowed on ${event.rawPath}; use ${allowed.join(', ')}`, { allow: allowed.join(', ') });
    return errorResult(404, 'NotFound', `No such endpoint: ${method} ${event.rawPath}`);
  });
  router.errorHandler(HttpError as unknown as new (...a: never[]) => HttpError, async (e) => errorResult(e.statusCode, e.errorType.replace(/Error$/, ''), e.message));
  router.errorHandler(Error, async (e, reqCtx) => {
    log.error('operator API failure', { path: (reqCtx.event as APIGatewayProxyEventV2).rawPath, error: String(e?.stack ?? e) });
    return errorResult(500, 'InternalError', 'The request could not be processed');
  });

  return async (event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const method = String(event.requestContext?.http?.method ?? '').toUpperCase();
    if (!METHODS.has(method)) return errorResult(405, 'MethodNotAllowed', `${method || 'This method'} is not allowed`);
    try {
      return (await router.resolve(routable(event, method), context ?? ({} as Context))) as APIGatewayProxyStructuredResultV2;
    } catch (e) {
      log.error('operator API failure', { path: event.rawPath, error: String((e as Error)?.stack ?? e) });
      return errorResult(500, 'InternalError', 'The request could not be processed');
    }
  };
}

/**
 * The event as the router's Web `Request` conversion can take it: the router builds a URL from the
 * Host and X-Forwarded-Proto headers (a client-chosen value must not make it throw), a Request with
 * GET/HEAD cannot have a body, and header values must be byte strings.
 */
function routable(event: APIGatewayProxyEventV2, method: string): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (v !== undefined && /^[\x20-\x7e\t]*$/.test(v) && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k)) headers[k.toLowerCase()] = v;
  }
  headers.host = 'operator-api';
  headers['x-forwarded-proto'] = 'https';
  const rawPath = /^\/[\x21-\x7e]*$/.test(event.rawPath ?? '') ? event.rawPath : '/invalid-path';
  const rawQueryString = (event.rawQueryString ?? '').replace(/[^\x21-\x7e]|#/g, encodeURIComponent);
  return { ...event, rawPath, rawQueryString, headers, cookies: undefined, body: method === 'GET' || method === 'HEAD' ? undefined : event.body };
}

/** Page tokens are the DynamoDB LastEvaluatedKey, base64url JSON: opaque to the operator. */
export const encodeToken = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined);

/**
 * A page token back into a start key. With `keys`, the token must hold exactly those attributes,
 * each a non-empty string of at most 2048 bytes (DynamoDB's key limit), and `fixed` ones must
 * have the given value (a token of another charge point's list is refused): a crafted token is
 * the client's error, never a DynamoDB validation failure.
 */
export function decodeToken(token: string | undefined, keys?: string[], fixed: Record<string, unknown> = {}): Record<string, unknown> | undefined {
  if (!token) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('nextToken is invalid');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('nextToken is invalid');
  const o = v as Record<string, unknown>;
  // Every key attribute of the CSMS's tables is a string (shared/store/tables.ts).
  const valid = Object.values(o).every((x) => typeof x === 'string' && x.length > 0 && Buffer.byteLength(x) <= 2048);
  if (!valid || Object.keys(o).length === 0 || Object.keys(o).length > 4) throw badRequest('nextToken is invalid');
  if (keys && (Object.keys(o).length !== keys.length || keys.some((k) => !(k in o)))) throw badRequest('nextToken is invalid');
  if (Object.entries(fixed).some(([k, x]) => o[k] !== x)) throw badRequest('nextToken is invalid');
  return o;
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
