import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lambdaContext } from './lambda-context';
import type { LambdaHandler } from './gateway';

const MAX_BODY = 1024 * 1024;

/**
 * The operator HTTP API, emulated: turns a request into an HTTP API payload-format-2.0 event for the
 * api Lambda and writes its result back. In the cloud IAM authenticates callers; locally the
 * server listens on 127.0.0.1 only unless HOST says otherwise.
 */
export function serveHttpApi(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse): void {
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
    try {
      const out = await handler(event, lambdaContext('api'));
      res.writeHead(out?.statusCode ?? 200, out?.headers ?? {});
      res.end(out?.body ?? '');
    } catch (e) {
      console.error(JSON.stringify({ level: 'error', message: 'api Lambda failed', error: String((e as Error)?.stack ?? e) }));
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'InternalError', message: 'Internal server error' }));
    }
  });
}
