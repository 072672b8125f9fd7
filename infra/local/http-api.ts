import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { withCallerSignal } from '../../shared/calls/caller';
import { lambdaContext } from './lambda-context';
import type { LambdaHandler } from './gateway';

const MAX_BODY = 1024 * 1024;

/**
 * Who may use the local operator API. In the cloud IAM authenticates callers; locally:
 * - a browser page of another site must not drive it (a cross-site `text/plain` POST needs no
 *   preflight): a request whose `Origin` is not the API's own origin is refused (403), and
 *   state-changing requests with a body must be `application/json` (415);
 * - while bound to loopback, the `Host` must be a loopback name (a DNS-rebinding page would send
 *   its own name) (403);
 * - when a token is set (always when listening beyond loopback: `CSMS_API_TOKEN`, generated when
 *   unset), every request needs `Authorization: Bearer <token>` (401).
 */
export interface ApiAccess {
  /** True when the server listens on a loopback address only. */
  loopback: boolean;
  token?: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const isLoopbackName = (host: string) => LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost');

/** The refusal for a request, or undefined when it may go to the API. */
export function refuseApiRequest(req: IncomingMessage, access: ApiAccess): { status: number; error: string; message: string } | undefined {
  const host = String(req.headers.host ?? '');
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  if (access.loopback && !isLoopbackName(hostname)) {
    return { status: 403, error: 'Forbidden', message: `Host ${host || '(none)'} is not this API (it listens on loopback only)` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`) {
    return { status: 403, error: 'Forbidden', message: `Cross-site requests are refused (Origin ${origin})` };
  }
  if (access.token) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ''));
    if (!m || !sameText(m[1], access.token)) {
      return { status: 401, error: 'Unauthorized', message: 'This API needs Authorization: Bearer <CSMS_API_TOKEN>' };
    }
  }
  const method = (req.method ?? 'GET').toUpperCase();
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    const type = req.headers['content-type'];
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if ((type !== undefined || hasBody) && !/^application\/json\s*(;|$)/i.test(String(type ?? ''))) {
      return { status: 415, error: 'UnsupportedMediaType', message: `Request bodies must be application/json (got ${type ?? 'none'})` };
    }
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

/**
 * The operator HTTP API, emulated: turns a request into an HTTP API payload-format-2.0 event for the
 * api Lambda and writes its result back, after the access checks of `refuseApiRequest`.
 */
export function serveHttpApi(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse, access: ApiAccess = { loopback: true }): void {
  const refusal = refuseApiRequest(req, access);
  if (refusal) {
    req.resume();
    res.writeHead(refusal.status, {
      'content-type': 'application/json',
      ...(refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="csms"' } : {}),
    });
    res.end(JSON.stringify({ error: refusal.error, message: refusal.message }));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', async () => {
    if (size > MAX_BODY) {
      res.writeHead(413, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'PayloadTooLarge', message: 'Body exceeds 1 MiB' }));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://local');
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: Object.keys(query).length ? query : undefined,
      body: body || undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000', apiId: 'local', domainName: headers.host ?? '127.0.0.1', domainPrefix: 'local', stage: '$default',
        requestId: randomBytes(8).toString('hex'), routeKey: '$default', time: new Date().toISOString(), timeEpoch: Date.now(),
        http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      },
    };
    // A client that goes away before its answer abandons the calls it waits for (shared/calls/caller.ts).
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    try {
      const out = await withCallerSignal(gone.signal, () => handler(event, lambdaContext('api')));
      res.writeHead(out?.statusCode ?? 200, out?.headers ?? {});
      res.end(out?.body ?? '');
    } catch (e) {
      console.error(JSON.stringify({ level: 'error', message: 'api Lambda failed', error: String((e as Error)?.stack ?? e) }));
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalError', message: 'Internal server error' }));
    }
  });
}
