import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { BUILD_SETTINGS } from '../bench/bundles';
import { bootCsms } from '../support/local';
import { newId } from '../support/clients';

// The artifact Lambda runs: the StatusNotification function bundled as the stack bundles it (AWS SDK
// inside, credentials from the environment only), loaded in a fresh Node process with nothing but a
// Lambda-like environment, writes through the real SDK client to the embedded DynamoDB.
describe('a bundled route Lambda', () => {
  it('answers and writes with credentials from the environment', async () => {
    const csms = await bootCsms();
    const dir = mkdtempSync(join(tmpdir(), 'csms-bundle-'));
    try {
      const outfile = join(dir, 'index.js');
      await esbuild.build({ ...BUILD_SETTINGS, entryPoints: [join(__dirname, '../../functions/ocpp/StatusNotification.ts')], outfile, logLevel: 'silent' });
      // The default chain's container/web-identity providers are not in the bundle.
      expect(readFileSync(outfile, 'utf8')).not.toMatch(/AWS_CONTAINER_CREDENTIALS|AWS_WEB_IDENTITY_TOKEN_FILE/);
      const id = newId();
      await csms.api.put(`/charge-points/${id}`, {});
      const event = {
        body: JSON.stringify([2, 'm1', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' }]),
        requestContext: { connectionId: 'c1', routeKey: 'StatusNotification', authorizer: { chargePointId: id, protocol: 'ocpp1.6', registrationStatus: 'Accepted' } },
      };
      const script = `require(${JSON.stringify(outfile)}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)))`;
      const run = spawnSync(process.execPath, ['-e', script], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'lambda-role-key', AWS_SECRET_ACCESS_KEY: 'lambda-role-secret',
          AWS_SESSION_TOKEN: 'token', DYNAMODB_ENDPOINT: csms.dynamoEndpoint, CSMS_MESSAGE_LOG: 'false', LOG_LEVEL: 'silent',
        },
      });
      expect(run.stderr).toBe('');
      // stdout: the EMF record of the invocation's metrics (what CloudWatch turns into metrics), then the answer.
      const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(lines.at(-1)).toEqual({ statusCode: 200, body: JSON.stringify([3, 'm1', {}]) });
      expect(lines).toContainEqual(expect.objectContaining({ Messages: 1, action: 'StatusNotification', protocol: 'ocpp1.6', _aws: expect.anything() }));
      expect((await csms.api.get(`/charge-points/${id}`)).body.connectors['1']).toMatchObject({ status: 'Charging' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await csms.close();
    }
  });
});
