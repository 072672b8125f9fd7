// `npm run verify-deploy` against the local runtime: the dry run of the post-deploy check.
import { main, verifyDeploy } from '../../infra/verify-deploy';
import { Api } from '../../infra/cli';
import { bootCsms } from '../support/local';

describe.each(['routes', 'dispatcher'] as const)('verify-deploy against the local runtime (%s)', (routing) => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    csms = await bootCsms({ routing, env: { CSMS_AUTO_REGISTER: 'false' } });
  });
  afterAll(() => csms.close());

  it('passes every check over 1.6 and 2.0.1 and leaves no test station behind', async () => {
    const lines: string[] = [];
    const checks = await verifyDeploy({ url: csms.chargePointUrl, api: new Api(csms.apiUrl), log: (l) => lines.push(l) });
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining([
      'ocpp1.6: routed CALL (Heartbeat)', 'ocpp2.0.1: unknown action ($default)', 'ocpp2.0.1: operator call end to end (CALLRESULT on $default)', 'clean up (delete test station)',
    ]));
    const left = await csms.api.get('/charge-points');
    expect(JSON.stringify(left.body)).not.toContain('VERIFY+');
    expect(lines.at(-1)).toMatch(/routeKey/);
  });

  it('exits 1 and names the failure when the charge point URL is wrong', async () => {
    const lines: string[] = [];
    const code = await main(['--url', `${csms.chargePointUrl}/nowhere`, '--api', csms.apiUrl], (l) => lines.push(l));
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/FAIL {2}ocpp1\.6: connect: upgrade refused: HTTP 404/);
  });
});
