import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import * as esbuild from 'esbuild';
import { BUILD_SETTINGS } from '../bench/bundles';
import { bootCsms, eventually } from '../support/local';
import { newId } from '../support/clients';

// Tracing is decided when the stack bundles a Lambda (infra/constructs/csms-function.ts defines
// process.env.CSMS_TRACING): off, the X-Ray SDK is not in the bundle; on, an invocation in a
// Lambda-like environment sends its DynamoDB calls as X-Ray subsegments to the daemon address.
const entry = join(__dirname, '../../functions/ocpp/StatusNotification.ts');
const bundle = async (tracing: boolean, outfile: string) =>
  esbuild.build({ ...BUILD_SETTINGS, define: { 'process.env.CSMS_TRACING': JSON.stringify(String(tracing)) }, entryPoints: [entry], outfile, logLevel: 'silent' });

describe('X-Ray tracing of a bundled route Lambda', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'csms-tracing-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the Tracer and the X-Ray SDK out when tracing is off', async () => {
    const outfile = join(dir, 'off.js');
    await bundle(false, outfile);
    expect(readFileSync(outfile, 'utf8')).not.toMatch(/AWS_XRAY_DAEMON_ADDRESS/);
  });

  it('sends a subsegment per DynamoDB call to the X-Ray daemon when tracing is on', async () => {
    const outfile = join(dir, 'on.js');
    await bundle(true, outfile);
    const csms = await bootCsms();
    const daemon = createSocket('udp4');
    const documents: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
    daemon.on('message', (msg) => {
      // Each datagram: a header line, then one segment document.
      const [, body] = msg.toString('utf8').split('\n');
      if (body) documents.push(JSON.parse(body));
    });
    await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', () => r()));
    try {
      const id = newId();
      await csms.api.put(`/charge-points/${id}`, {});
      const event = {
        body: JSON.stringify([2, 'm1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }]),
        requestContext: { connectionId: 'c1', routeKey: 'StatusNotification', authorizer: { chargePointId: id, protocol: 'ocpp1.6', registrationStatus: 'Accepted' } },
      };
      const context = { functionName: 'StatusNotification', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 5000 };
      const script = `require(${JSON.stringify(outfile)}).handler(${JSON.stringify(event)}, ${JSON.stringify(context).replace(/}$/, ', getRemainingTimeInMillis: () => 5000}')}).then((r) => process.stdout.write(JSON.stringify(r)))`;
      const child = spawn(process.execPath, ['-e', script], {
        env: {
          PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'lambda-role-key', AWS_SECRET_ACCESS_KEY: 'lambda-role-secret',
          AWS_SESSION_TOKEN: 'token', DYNAMODB_ENDPOINT: csms.dynamoEndpoint, CSMS_MESSAGE_LOG: 'false', LOG_LEVEL: 'silent',
          // What Lambda sets in a traced function's environment.
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_LAMBDA_FUNCTION_NAME: 'StatusNotification', LAMBDA_TASK_ROOT: dir, _HANDLER: 'index.handler',
          _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`, AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
        },
      });
      let stdout = '';
      child.stdout.on('data', (d) => { stdout += d; });
      const code = await new Promise((r) => child.on('close', r));
      expect(code).toBe(0);
      expect(stdout.trim().split('\n').at(-1)).toBe(JSON.stringify({ statusCode: 200, body: JSON.stringify([3, 'm1', {}]) }));
      // The handler's subsegment under Lambda's facade, and the charge point's status write under it.
      const handler = await eventually(async () => documents.find((d) => d.name === '## index.handler'));
      expect(handler).toMatchObject({ trace_id: '1-5759e988-bd862e3fe1be46a994272793', parent_id: '53995c3f42cd8ad8', annotations: { Service: 'csms' } });
      const write = await eventually(async () => documents.find((d) => d.name === 'DynamoDB' && d.aws?.operation === 'UpdateItem'));
      expect(write).toMatchObject({ parent_id: handler.id, aws: { table_name: 'ChargePoints' }, http: { response: { status: 200 } } });
      // Answers carry id tokens: not captured.
      expect(JSON.stringify(documents)).not.toContain('"response":{"statusCode"');
    } finally {
      daemon.close();
      await csms.close();
    }
  });
});
