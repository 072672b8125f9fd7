import { main as cli } from '../../infra/cli';
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

// The operator CLI against the real local runtime, as `npm run cli -- …` runs it.
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await cli([...args, '--api', csms.apiUrl], { out: (t) => void (out += t), err: (t) => void (err += t), tty: false });
  return { code, out, err };
}

describe('npm run cli', () => {
  it('registers a charge point, lists and shows it, calls it, and follows its sessions', async () => {
    const id = newId();
    expect(await run('register', id, '--password', 'cli-password-1', '--status', 'Accepted')).toMatchObject({ code: 0, out: `${id}: Accepted, password set\n` });
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6', { password: 'cli-password-1' });
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
    expect((await run('charge-points')).out).toMatch(new RegExp(`${id} +connected +ocpp1.6 +Accepted +Acme AC-22`));
    expect(JSON.parse((await run('charge-point', id)).out)).toMatchObject({ chargePointId: id, connected: true });

    cp.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    const call = await run('call', id, 'GetConfiguration', '{"key":["HeartbeatInterval"]}');
    expect(call.code).toBe(0);
    expect(JSON.parse(call.out)).toEqual({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] });
    const invalid = await run('call', id, 'Reset', '{"type":"Sideways"}');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/400 InvalidPayload/);

    const tag = `CLI${Date.now()}`;
    expect((await run('id-tag', tag)).out).toBe(`${tag}: Accepted\n`);
    const started = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 100, timestamp: new Date().toISOString() });
    expect(started.idTagInfo.status).toBe('Accepted');
    expect((await run('transactions', '--charge-point', id, '--active')).out).toMatch(new RegExp(`^${started.transactionId} +${id} +connector 1 +${tag} .* active`));
    await cp.close();
  });

  it('says what is wrong: unknown command, missing argument, unreachable API', async () => {
    expect((await run('fly')).code).toBe(2);
    const missing = await run('charge-point');
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/<chargePointId> is required/)]);
    let err = '';
    const code = await cli(['charge-points', '--api', 'http://127.0.0.1:9/api'], { out: () => undefined, err: (t) => void (err += t), tty: false });
    expect([code, err]).toEqual([2, expect.stringMatching(/Cannot reach the CSMS API/)]);
  });
});
