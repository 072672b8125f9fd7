import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { startDynamo, type LocalDynamo } from './dynamo';
import type { QueryValues } from './cloudfront-function';
import { GatewayEmulator, type LambdaHandler } from './gateway';
import { serveHttpApi } from './http-api';
import { serveSoap } from './soap';
import { serveConsole } from '../../console/serve';
import { LocalStepFunctions, type StepFunctionsOverrides } from './stepfunctions';
import { LocalUploads } from './uploads';

export interface LocalOptions {
  /** 0 picks a free port (tests). Default PORT or 8080. */
  port?: number;
  host?: string;
  /** Keep DynamoDB data on disk here; in memory when absent. */
  dataDir?: string;
  /** `routes` (one Lambda per action, as deployed by default) or `dispatcher` (all on $default). */
  routing?: 'routes' | 'dispatcher';
  /** Extra environment for the handlers (e.g. CSMS_CALL_TIMEOUT_MS in tests). */
  env?: Record<string, string>;
  /** Step Functions runner overrides (tests shorten waits, retries and task timeouts). */
  stepFunctions?: StepFunctionsOverrides;
  /** Called when the embedded DynamoDB cannot be restarted (default: log and exit 1). */
  onStorageFailure?: (error: Error) => void;
  /** Whether the emulated API Gateway percent-decodes query values (`decoded`, default) or not (`raw`): AWS does not document it. */
  gatewayQueryValues?: QueryValues;
  /**
   * Also serve wss:// (and https://) on `port` (default TLS_PORT or 8443; 0 picks a free one), with a
   * server certificate issued by the CSMS CA or the given files; client certificates are asked for
   * (security profile 3). docs/security.md.
   */
  tls?: boolean | { port?: number; certFile?: string; keyFile?: string };
}

export interface LocalCsms {
  port: number;
  chargePointUrl: string;
  apiUrl: string;
  /**
   * The base URLs others can reach it at: the listening address, or, when listening on all
   * interfaces, loopback and every external interface address (for the banner).
   */
  urls: string[];
  /** Bearer token the operator API requires (set when listening beyond loopback or CSMS_API_TOKEN is set). */
  apiToken?: string;
  /** True when the token was generated for this run (print it once). */
  apiTokenGenerated: boolean;
  dynamoEndpoint: string;
  dynamo: LocalDynamo;
  gateway: GatewayEmulator;
  /** The Step Functions runner behind SFN_ENDPOINT (/sfn) and the diagnostics upload endpoint (/uploads). */
  stepFunctions: LocalStepFunctions;
  uploads: LocalUploads;
  /** The CSMS CA (PEM) and the directory that holds it (the data directory's `ca/`, or a temporary one). */
  caCertificatePem: string;
  caDir: string;
  /** With `tls`: its port and wss://…/ocpp. */
  tlsPort?: number;
  secureChargePointUrl?: string;
  close: () => Promise<void>;
}

const isLoopbackAddress = (a: string) => a === 'localhost' || a === '::1' || /^127\./.test(a) || /^::ffff:127\./.test(a);
const urlHost = (a: string) => (a.includes(':') ? `[${a}]` : a);

/** Where a server bound to `host` can be reached. */
export function reachableHosts(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  const external = Object.values(networkInterfaces()).flat()
    .filter((i): i is NonNullable<typeof i> => !!i && !i.internal && (host === '::' || i.family === 'IPv4'))
    .map((i) => i.address);
  return ['127.0.0.1', ...external];
}

/**
 * Boots the whole CSMS in this process: embedded DynamoDB with the stack's tables, the WebSocket
 * gateway emulator and the operator HTTP API on one port, around the same handlers as in the cloud.
 * The server listens only once every handler is attached (an upgrade that arrived earlier would
 * hang), and the environment that names its own port is set before any connection is accepted.
 */
export async function startLocal(opts: LocalOptions = {}): Promise<LocalCsms> {
  const dynamo = await startDynamo(opts.dataDir, { onFatal: opts.onStorageFailure });
  const host = opts.host ?? process.env.HOST ?? '127.0.0.1';
  const loopback = isLoopbackAddress(host);
  const server: Server = createServer();

  // The CSMS CA: in the data directory (kept), or a temporary one for an in-memory run.
  const tempCa = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'csms-ca-'));
  const caDir = opts.dataDir ? join(opts.dataDir, 'ca') : tempCa!;
  const tlsOpts = opts.tls ? (typeof opts.tls === 'object' ? opts.tls : {}) : undefined;
  const { localTlsFiles } = await import('./tls');
  const tlsFiles = await localTlsFiles(caDir, { certFile: tlsOpts?.certFile, keyFile: tlsOpts?.keyFile, hosts: [host] });

  const stepFunctions = new LocalStepFunctions({ ...opts.stepFunctions, region: process.env.AWS_REGION ?? 'us-east-1' });
  const uploads = await LocalUploads.create(opts.dataDir);
  // The environment the stack gives the Lambdas, pointed at the local stand-ins (the endpoints
  // that contain the port follow once it is known).
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    CSMS_AUTO_REGISTER: process.env.CSMS_AUTO_REGISTER ?? 'true',
    CSMS_CA_CERT_FILE: tlsFiles.caCert,
    CSMS_CA_KEY_FILE: tlsFiles.caKey,
    ...stepFunctions.environment(),
    ...opts.env,
  });
  const { resetClients } = await import('../../shared/aws');
  resetClients();

  const load = async (path: string): Promise<LambdaHandler> => (await import(path)).handler;
  const { ownRouteActions } = await import('../../shared/ocpp/routes');
  const routes: Record<string, LambdaHandler> = {};
  if ((opts.routing ?? process.env.CSMS_ROUTING ?? 'routes') === 'routes') {
    // As the stack: rare actions have no route of their own, $default answers them.
    for (const action of ownRouteActions()) routes[action] = await load(`../../functions/ocpp/${action}`);
  }
  const gateway = new GatewayEmulator({
    authorizer: await load('../../functions/authorizer'),
    connect: await load('../../functions/connect'),
    disconnect: await load('../../functions/disconnect'),
    router: await load('../../functions/router'),
    routes,
  }, {
    idleTimeoutMs: Number(process.env.CSMS_IDLE_TIMEOUT_MS ?? 600_000),
    maxConnectionAgeMs: Number(process.env.CSMS_CONNECTION_MAX_AGE_MS ?? 7_200_000),
    // API Gateway's default quota: 500 new connections per second (per account and region).
    connectRate: Number(process.env.CSMS_CONNECT_RATE ?? 500),
    connectBurst: Number(process.env.CSMS_CONNECT_BURST ?? process.env.CSMS_CONNECT_RATE ?? 500),
    queryValues: opts.gatewayQueryValues,
  });
  const api = await load('../../functions/api');
  // OCPP 1.6 over SOAP: the HTTP API route POST /ocpp/soap of the stack (docs/soap.md).
  const soap = await load('../../functions/soap');

  const apiTokenGenerated = !loopback && !process.env.CSMS_API_TOKEN;
  const apiToken = process.env.CSMS_API_TOKEN || (apiTokenGenerated ? randomBytes(24).toString('base64url') : undefined);
  const access = { loopback, token: apiToken };

  gateway.attach(server);
  // CloudWatch's stand-in: the sums of the EMF records the handlers in this process wrote (shared/lambda/metrics.ts).
  const { metricTotals } = await import('../../shared/lambda/metrics');
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '';
    // The stand-ins the handlers call (@connections, Step Functions) are for this process only.
    const internal = /^(?:\/[^/]+)?\/@connections\//.test(url) || url === '/sfn' || url.startsWith('/sfn/') || url === '/metrics';
    if (internal && !isLoopbackAddress(req.socket.remoteAddress ?? '')) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Forbidden', message: 'Internal endpoint' }));
      return;
    }
    if (gateway.handleManagement(req, res)) return;
    if (req.method === 'GET' && url === '/metrics') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ metrics: metricTotals() }));
    }
    if (url.startsWith('/api/') || url === '/api') return serveHttpApi(api, req, res, access);
    if (req.method === 'POST' && (url === '/ocpp/soap' || url.startsWith('/ocpp/soap?'))) return serveSoap(soap, req, res);
    if (url === '/sfn' || url.startsWith('/sfn/')) return stepFunctions.handle(req, res);
    if (url.startsWith('/uploads/')) return uploads.handle(req, res);
    // The operator console (console/, docs/console.md): static files at /, calling /api.
    if (serveConsole(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'NotFound', message: 'Charge points connect to /ocpp/{chargePointId}; the operator API is under /api' }));
  };
  server.on('request', onRequest);
  // wss:// as CloudFront with viewer mTLS in "optional" mode (infra/local/tls.ts): the CSMS CA is the trust store.
  let tlsServer: TlsServer | undefined;
  if (tlsOpts) {
    tlsServer = createTlsServer({ key: tlsFiles.key, cert: tlsFiles.cert, ca: [tlsFiles.ca], requestCert: true, rejectUnauthorized: false });
    gateway.attach(tlsServer as unknown as Server);
    tlsServer.on('request', onRequest);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? Number(process.env.PORT ?? 8080), host, () => {
      // Runs before the first connection is accepted.
      const port = (server.address() as AddressInfo).port;
      const self = `http://${loopback ? urlHost(host) : '127.0.0.1'}:${port}`;
      const reachable = reachableHosts(host).map((h) => `http://${urlHost(h)}:${port}`);
      Object.assign(process.env, {
        CONNECTIONS_ENDPOINT: self,
        SFN_ENDPOINT: `${self}/sfn`,
        // Stations upload to an address they can reach.
        ...uploads.environment(reachable[reachable.length - 1]),
        ...opts.env,
      });
      resetClients();
      resolve();
    });
  });
  if (tlsServer) {
    const t = tlsServer;
    await new Promise<void>((resolve, reject) => {
      t.once('error', reject);
      t.listen(tlsOpts?.port ?? Number(process.env.TLS_PORT ?? 8443), host, () => resolve());
    });
  }
  const tlsPort = tlsServer ? (tlsServer.address() as AddressInfo).port : undefined;
  const port = (server.address() as AddressInfo).port;
  const urls = reachableHosts(host).map((h) => `http://${urlHost(h)}:${port}`);
  const base = urls[0];

  return {
    port,
    chargePointUrl: `${base.replace('http', 'ws')}/ocpp`,
    apiUrl: `${base}/api`,
    urls,
    apiToken,
    apiTokenGenerated,
    dynamoEndpoint: dynamo.endpoint,
    dynamo,
    gateway,
    stepFunctions,
    uploads,
    caCertificatePem: tlsFiles.ca,
    caDir,
    tlsPort,
    secureChargePointUrl: tlsPort === undefined ? undefined : `wss://${urlHost(loopback ? host : '127.0.0.1')}:${tlsPort}/ocpp`,
    close: async () => {
      await stepFunctions.close();
      await gateway.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      if (tlsServer) {
        const t = tlsServer;
        await new Promise<void>((r) => {
          t.close(() => r());
          t.closeAllConnections();
        });
      }
      if (tempCa) rmSync(tempCa, { recursive: true, force: true });
      await dynamo.close();
      await uploads.close();
    },
  };
}
