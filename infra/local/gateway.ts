import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadRewriteFunction, type QueryValues, viewerRequest } from './cloudfront-function';
import { lambdaContext } from './lambda-context';
import { viewerCertificate } from './tls';
import { TRANSPORT_HEADER } from '../../shared/security/profiles';

/** A Lambda handler as the gateway invokes it. */
export type LambdaHandler = (event: any, context: any) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface GatewayFunctions {
  authorizer: LambdaHandler;
  connect: LambdaHandler;
  disconnect: LambdaHandler;
  /** `$default` */
  router: LambdaHandler;
  /** Route key (OCPP action) → two-way route Lambda. Empty in `routing=dispatcher` mode. */
  routes: Record<string, LambdaHandler>;
}

export interface GatewayLimits {
  idleTimeoutMs: number;
  maxConnectionAgeMs: number;
  connectRate?: number;
  connectBurst?: number;
  /** Whether the emulated API Gateway percent-decodes query values (AWS does not document it). */
  queryValues?: QueryValues;
}

interface Connection {
  id: string;
  socket: WebSocket;
  authorizer: Record<string, unknown>;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string;
  idleTimer?: NodeJS.Timeout;
}

/**
 * API Gateway's WebSocket limits: frames of at most 32 KB, messages of at most 128 KB (in several
 * frames); a larger frame or message closes the connection with 1009. That holds both ways: a
 * message the CSMS sends (two-way route answer, @connections POST) over 32 KB closes it too.
 */
const MAX_MESSAGE_BYTES = 128 * 1024;
const MAX_FRAME_BYTES = 32 * 1024;

/** ws checks only whole messages (maxPayload); API Gateway also checks every frame. */
function enforceFrameLimit(ws: WebSocket): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const receiver = (ws as any)._receiver;
  const haveLength = receiver.haveLength;
  receiver.haveLength = function (this: typeof receiver, cb: (e?: Error) => void) {
    if (this._opcode < 0x08 && this._payloadLength > MAX_FRAME_BYTES) {
      return cb(this.createError(RangeError, 'WebSocket frame exceeds 32 KB', false, 1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'));
    }
    return haveLength.call(this, cb);
  };
}

/** What API Gateway does with a message of the CSMS: over 32 KB, the connection is closed with 1009. */
function sendOrClose(ws: WebSocket, data: string | Buffer): boolean {
  if (Buffer.byteLength(data) > MAX_FRAME_BYTES) {
    console.error(JSON.stringify({ level: 'error', message: 'CSMS message over the 32 KB WebSocket frame limit: connection closed with 1009', bytes: Buffer.byteLength(data) }));
    ws.close(1009, 'Message too big');
    return false;
  }
  ws.send(data);
  return true;
}

/**
 * The API Gateway WebSocket API, emulated: the CloudFront Function rewrite, the `$connect`
 * authorizer and route, `$request.body.[2]` route selection with `$default` fallback, two-way
 * routes, `$disconnect`, and the `@connections` management API (POST/GET/DELETE, 410 when gone)
 * that the real @aws-sdk/client-apigatewaymanagementapi talks to.
 */
export class GatewayEmulator {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (_offered, req) => (req as IncomingMessage & { selectedProtocol?: string }).selectedProtocol ?? false,
  });
  private readonly connections = new Map<string, Connection>();
  private readonly rewrite = loadRewriteFunction();
  private readonly domainName: string;
  private closing = false;

  private readonly connectBucket: TokenBucket | undefined;

  constructor(
    private readonly fns: GatewayFunctions,
    /**
     * API Gateway closes a connection after 10 min without messages and at 2 h of age, whatever it
     * does, and throttles new connections (429) beyond a rate (`connectRate` per second with a
     * bucket of `connectBurst`; 0 or absent: no limit).
     */
    private readonly limits: GatewayLimits = { idleTimeoutMs: 600_000, maxConnectionAgeMs: 7_200_000 },
    private readonly stage = 'local',
    domainName = '127.0.0.1',
  ) {
    this.domainName = domainName;
    this.connectBucket = limits.connectRate ? new TokenBucket(limits.connectRate, limits.connectBurst || limits.connectRate) : undefined;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.upgrade(req, socket, head).catch((e) => {
        console.error(JSON.stringify({ level: 'error', message: 'connect failed', error: String(e?.stack ?? e) }));
        reject(socket, 500, 'Internal Server Error');
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private baseContext(connectionId: string, routeKey: string, eventType: string) {
    return {
      routeKey,
      eventType,
      connectionId,
      messageDirection: 'IN',
      stage: this.stage,
      domainName: this.domainName,
      apiId: 'local',
      requestId: randomBytes(8).toString('hex'),
      extendedRequestId: randomBytes(8).toString('hex'),
      requestTimeEpoch: Date.now(),
      connectedAt: this.connections.get(connectionId)?.connectedAt ?? Date.now(),
    };
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // CloudFront: viewer mTLS (a presented certificate the trust store does not verify is refused;
    // a verified one becomes CloudFront-Viewer-Cert-* headers, which CloudFront sets itself), the
    // function, the origin URL built verbatim from its result; then API Gateway's query parsing.
    const viewerCert = viewerCertificate(req.socket);
    if ('refuse' in viewerCert) return reject(socket, 403, 'Forbidden');
    const viewerHeaders = Object.fromEntries(Object.entries(flatHeaders(req)).filter(([k]) => !k.startsWith('cloudfront-viewer-')));
    const rewritten = viewerRequest(this.rewrite, req.url ?? '/', this.limits.queryValues ?? 'decoded', { ...viewerHeaders, ...viewerCert.headers });
    if ('statusCode' in rewritten) return reject(socket, rewritten.statusCode, rewritten.statusDescription ?? '');
    // API Gateway's connection rate limit: 429 before any Lambda runs, so stations back off.
    if (this.connectBucket && !this.connectBucket.take()) {
      return reject(socket, 429, 'Too Many Requests', { 'Retry-After': String(this.connectBucket.secondsUntilToken()) });
    }

    const connectionId = randomBytes(12).toString('base64');
    // The origin custom header CloudFront adds (infra/constructs/edge.ts): how the viewer connected.
    const headers = { ...rewritten.headers, [TRANSPORT_HEADER]: (req.socket as { encrypted?: boolean }).encrypted ? 'tls' : 'plain' };
    const query = rewritten.query;
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const requestContext = { ...this.baseContext(connectionId, '$connect', 'CONNECT'), identity: { sourceIp, userAgent: String(req.headers['user-agent'] ?? '') } };

    // REQUEST authorizer: throwing "Unauthorized" means 401, a Deny policy 403.
    let authorizer: Record<string, unknown>;
    try {
      const out = await this.fns.authorizer({
        type: 'REQUEST', methodArn: `arn:aws:execute-api:local:000000000000:local/${this.stage}/$connect`,
        headers, multiValueHeaders: {}, queryStringParameters: query, requestContext,
      }, lambdaContext('authorizer'));
      const allowed = out?.policyDocument?.Statement?.every((s: { Effect: string }) => s.Effect === 'Allow');
      if (!allowed) return reject(socket, 403, 'Forbidden');
      authorizer = { ...(out.context ?? {}), principalId: out.principalId };
    } catch (e) {
      if ((e as Error)?.message === 'Unauthorized') return reject(socket, 401, 'Unauthorized');
      throw e;
    }

    const connectOut = await this.fns.connect(
      { headers, queryStringParameters: query, isBase64Encoded: false, requestContext: { ...requestContext, authorizer } },
      lambdaContext('connect'),
    );
    const status = connectOut?.statusCode ?? 200;
    if (status < 200 || status > 299) return reject(socket, status, String(connectOut?.body ?? ''));
    const selected = Object.entries(connectOut?.headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
    (req as IncomingMessage & { selectedProtocol?: string }).selectedProtocol = selected as string | undefined;

    this.wss.handleUpgrade(req, socket, head, (ws) => {
      enforceFrameLimit(ws);
      const conn: Connection = {
        id: connectionId, socket: ws, authorizer, connectedAt: Date.now(), lastActiveAt: Date.now(),
        sourceIp, userAgent: String(req.headers['user-agent'] ?? ''),
      };
      this.connections.set(connectionId, conn);
      const goingAway = (reason: string) => () => ws.readyState === ws.OPEN && ws.close(1001, reason);
      conn.idleTimer = setTimeout(goingAway('Idle timeout'), this.limits.idleTimeoutMs);
      const ageTimer = setTimeout(goingAway('Maximum connection duration reached'), this.limits.maxConnectionAgeMs);
      ws.on('message', (data, isBinary) => {
        // A connection being closed (e.g. replaced by a newer one: DeleteConnection) routes nothing more.
        if (ws.readyState !== ws.OPEN) return;
        conn.lastActiveAt = Date.now();
        conn.idleTimer?.refresh();
        this.track(this.message(conn, isBinary ? Buffer.from(data as Buffer).toString('base64') : data.toString()));
      });
      ws.on('close', () => {
        clearTimeout(conn.idleTimer);
        clearTimeout(ageTimer);
        // Not in the map any more: close() took it and runs its $disconnect itself.
        if (this.connections.delete(connectionId)) this.track(this.disconnect(conn));
      });
      ws.on('error', () => undefined);
    });
  }

  /** `$request.body.[2]`: a CALL's action selects its route; everything else goes to `$default`. */
  private selectRoute(body: string): string {
    try {
      const msg = JSON.parse(body);
      const key = Array.isArray(msg) ? msg[2] : undefined;
      if (typeof key === 'string' && Object.hasOwn(this.fns.routes, key)) return key;
    } catch {
      /* not JSON: $default */
    }
    return '$default';
  }

  /** `$disconnect` of a connection (failures are logged: API Gateway does not retry it either). */
  private disconnect(conn: Connection): Promise<unknown> {
    return this.fns.disconnect(
      { requestContext: { ...this.baseContext(conn.id, '$disconnect', 'DISCONNECT'), connectedAt: conn.connectedAt, authorizer: conn.authorizer }, isBase64Encoded: false },
      lambdaContext('disconnect'),
    ).catch((e) => console.error(JSON.stringify({ level: 'error', message: 'disconnect failed', error: String(e) })));
  }

  private async message(conn: Connection, body: string): Promise<void> {
    const routeKey = this.selectRoute(body);
    const fn = routeKey === '$default' ? this.fns.router : this.fns.routes[routeKey];
    try {
      const out = await fn(
        { body, isBase64Encoded: false, requestContext: { ...this.baseContext(conn.id, routeKey, 'MESSAGE'), messageId: randomBytes(6).toString('hex'), authorizer: conn.authorizer } },
        lambdaContext(routeKey),
      );
      // Two-way route: the integration's response body goes back on the connection.
      if (routeKey !== '$default' && out && typeof out.body === 'string' && conn.socket.readyState === conn.socket.OPEN) sendOrClose(conn.socket, out.body);
    } catch (e) {
      // API Gateway answers a failed integration with an "Internal server error" message.
      console.error(JSON.stringify({ level: 'error', message: 'route integration failed', routeKey, error: String((e as Error)?.stack ?? e) }));
      if (conn.socket.readyState === conn.socket.OPEN) conn.socket.send(JSON.stringify({ message: 'Internal server error', connectionId: conn.id }));
    }
  }

  /** `@connections` management API. Returns false when the path is not for it. */
  handleManagement(req: IncomingMessage, res: ServerResponse): boolean {
    const m = /^(?:\/[^/]+)?\/@connections\/([^/?]+)/.exec(req.url ?? '');
    if (!m) return false;
    const conn = this.connections.get(decodeURIComponent(m[1]));
    // As API Gateway answers: errors name their type in x-amzn-ErrorType, from which the SDK builds
    // GoneException, PayloadTooLargeException, ... (without it a 410 is an unnamed service error).
    const ERROR_TYPES: Record<number, string> = { 410: 'GoneException', 413: 'PayloadTooLargeException' };
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(ERROR_TYPES[status] ? { 'x-amzn-errortype': ERROR_TYPES[status] } : {}) });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (!conn || conn.socket.readyState !== conn.socket.OPEN) {
      req.resume();
      send(410, { message: null });
      return true;
    }
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const data = Buffer.concat(chunks);
        if (data.length > MAX_MESSAGE_BYTES) return send(413, { message: 'Message too long' });
        if (!sendOrClose(conn.socket, data.toString('utf8'))) return send(413, { message: 'Message over the 32 KB frame limit: connection closed (1009)' });
        conn.idleTimer?.refresh();
        send(200);
      });
    } else if (req.method === 'GET') {
      req.resume();
      // The wire names of API Gateway's GetConnection (the SDK maps them to ConnectedAt etc.).
      send(200, { connectedAt: new Date(conn.connectedAt).toISOString(), lastActiveAt: new Date(conn.lastActiveAt).toISOString(), identity: { sourceIp: conn.sourceIp, userAgent: conn.userAgent } });
    } else if (req.method === 'DELETE') {
      req.resume();
      conn.socket.close(1000, 'Connection closed by the server');
      send(204);
    } else {
      req.resume();
      send(405, { message: 'Method not allowed' });
    }
    return true;
  }

  /** Invocations in flight, awaited on close so no Lambda outlives the stand-ins it talks to. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /**
   * Shutting down closes every connection as API Gateway would (1001 Going Away) and runs its
   * `$disconnect`, so the records do not name connections that no longer exist after a restart.
   */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    const open = [...this.connections.values()];
    this.connections.clear();
    for (const c of open) {
      clearTimeout(c.idleTimer);
      c.socket.close(1001, 'Going away');
      c.socket.terminate();
    }
    await Promise.allSettled([...open.map((c) => this.disconnect(c)), ...this.inFlight]);
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function reject(socket: Duplex, status: number, reason: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.write(`HTTP/1.1 ${status} ${reason || 'Error'}\r\nConnection: close\r\n${extra}Content-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Token bucket: `rate` tokens per second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(private readonly rate: number, private readonly burst: number, private readonly now: () => number = () => Date.now()) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  secondsUntilToken(): number {
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}
