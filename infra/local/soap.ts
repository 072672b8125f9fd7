import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lambdaContext } from './lambda-context';
import type { LambdaHandler } from './gateway';

const MAX_BODY = 1024 * 1024;

/**
 * The HTTP API route POST /ocpp/soap, emulated: the request as a payload-format-2.0 event for the
 * SOAP Lambda (functions/soap.ts), its result written back. Stations are no operators: none of the
 * operator API's access checks apply; the Lambda checks their credentials.
 */
export function serveSoap(handler: LambdaHandler, req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_BODY) chunks.push(c);
  });
  req.on('end', async () => {
    if (size > MAX_BODY) {
      res.writeHead(413, { 'content-type': 'text/plain' });
      return res.end('Body exceeds 1 MiB');
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const url = new URL(req.url ?? '/', 'http://local');
    const event = {
      version: '2.0', routeKey: 'POST /ocpp/soap', rawPath: url.pathname, rawQueryString: url.search.slice(1), headers,
      body: Buffer.concat(chunks).toString('utf8'), isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000', apiId: 'local', domainName: headers.host ?? '127.0.0.1', domainPrefix: 'local', stage: '$default',
        requestId: randomBytes(8).toString('hex'), routeKey: 'POST /ocpp/soap', time: new Date().toISOString(), timeEpoch: Date.now(),
        http: { method: req.method ?? 'POST', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      },
    };
    try {
      const out = await handler(event, lambdaContext('soap'));
      res.writeHead(out?.statusCode ?? 200, out?.headers ?? {});
      res.end(out?.body ?? '');
    } catch (e) {
      console.error(JSON.stringify({ level: 'error', message: 'soap Lambda failed', error: String((e as Error)?.stack ?? e) }));
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal server error');
    }
  });
}
