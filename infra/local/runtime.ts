import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamo } from './dynamo';
import type { QueryValues } from './cloudfront-function';
import { GatewayEmulator, type LambdaHandler } from './gateway';
import { serveHttpApi } from './http-api';
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
  /** Whether the emulated API Gateway percent-decodes query values (`decoded`, default) or not (`raw`): AWS does not document it. */
  gatewayQueryValues?: QueryValues;
}

export interface LocalCsms {
  port: number;
  chargePointUrl: string;
  apiUrl: string;
  dynamoEndpoint: string;
  gateway: GatewayEmulator;
  /** The Step Functions runner behind SFN_ENDPOINT (/sfn) and the diagnostics upload endpoint (/uploads). */
  stepFunctions: LocalStepFunctions;
  uploads: LocalUploads;
  close: () => Promise<void>;
}

/**
 * Boots the whole CSMS in this process: embedded DynamoDB with the stack's tables, the WebSocket
 * gateway emulator and the operator HTTP API on one port, around the same handlers as in the cloud.
 */
export async function startLocal(opts: LocalOptions = {}): Promise<LocalCsms> {
  const dynamo = await startDynamo(opts.dataDir);
  const host = opts.host ?? process.env.HOST ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? Number(process.env.PORT ?? 8080), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;

  const stepFunctions = new LocalStepFunctions({ ...opts.stepFunctions, region: process.env.AWS_REGION ?? 'us-east-1' });
  const uploads = await LocalUploads.create(opts.dataDir);
  // The environment the stack gives the Lambdas, pointed at the local stand-ins.
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    CONNECTIONS_ENDPOINT: base,
    CSMS_AUTO_REGISTER: process.env.CSMS_AUTO_REGISTER ?? 'true',
    SFN_ENDPOINT: `${base}/sfn`,
    ...stepFunctions.environment(),
    ...uploads.environment(base),
    ...opts.env,
  });
  const { resetClients } = await import('../../shared/aws');
  resetClients();

  const load = async (path: string): Promise<LambdaHandler> => (await import(path)).handler;
  const { ROUTES } = await import('../../shared/ocpp/routes');
  const routes: Record<string, LambdaHandler> = {};
  if ((opts.routing ?? process.env.CSMS_ROUTING ?? 'routes') === 'routes') {
    for (const action of Object.keys(ROUTES)) routes[action] = await load(`../../functions/ocpp/${action}`);
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
    queryValues: opts.gatewayQueryValues,
  });
  gateway.attach(server);
  const api = await load('../../functions/api');
  server.on('request', (req, res) => {
    if (gateway.handleManagement(req, res)) return;
    if (req.url?.startsWith('/api/') || req.url === '/api') return serveHttpApi(api, req, res);
    if (req.url === '/sfn' || req.url?.startsWith('/sfn/')) return stepFunctions.handle(req, res);
    if (req.url?.startsWith('/uploads/')) return uploads.handle(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'NotFound', message: 'Charge points connect to /ocpp/{chargePointId}; the operator API is under /api' }));
  });

  return {
    port,
    chargePointUrl: `${base.replace('http', 'ws')}/ocpp`,
    apiUrl: `${base}/api`,
    dynamoEndpoint: dynamo.endpoint,
    gateway,
    stepFunctions,
    uploads,
    close: async () => {
      await stepFunctions.close();
      await gateway.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await dynamo.close();
      await uploads.close();
    },
  };
}
