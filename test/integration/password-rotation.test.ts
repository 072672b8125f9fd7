import { bootCsms } from '../support/local';
import { connectStatus, newId, strictClient, type StrictClient } from '../support/clients';

/**
 * Password rotation without lockout (2.0.1 A01; 1.6 security whitepaper AuthorizationKey), end to
 * end with strict charge points that connect with HTTP Basic auth (security profile 1):
 * POST /api/charge-points/{id}/password, and the same calls sent through the generic calls API.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const OLD = 'correct-horse-battery-staple';
const basic = (user: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };
const boot201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150' } };
type Version = 'ocpp1.6' | 'ocpp2.0.1';

/** A station with password OLD, connected and booted; `answer` decides how it answers the password call. */
async function station(version: Version, answer: (params: any) => unknown = () => undefined) { // eslint-disable-line @typescript-eslint/no-explicit-any
  const id = newId(version === 'ocpp1.6' ? 'ROT16' : 'ROT201');
  expect((await csms.api.put(`/charge-points/${id}`, { password: OLD })).status).toBe(201);
  const received: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const cs = await connect(version, id, OLD);
  const action = version === 'ocpp1.6' ? 'ChangeConfiguration' : 'SetVariables';
  cs.handle(action, async ({ params }) => {
    received.push(params);
    return answer(params);
  });
  return { id, cs, received };
}

async function connect(version: Version, id: string, password: string): Promise<StrictClient> {
  const cs = await strictClient(csms.chargePointUrl, id, version, { password });
  expect((await cs.call('BootNotification', version === 'ocpp1.6' ? boot16 : boot201)).status).toBe('Accepted');
  return cs;
}

const status = (id: string, password: string, version: Version) => connectStatus(`${csms.chargePointUrl}/${id}`, version, basic(id, password));
const accepted201 = (p: any) => ({ setVariableResult: p.setVariableData.map((d: any) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })) }); // eslint-disable-line @typescript-eslint/no-explicit-any
const rejected201 = (p: any) => ({ setVariableResult: p.setVariableData.map((d: any) => ({ attributeStatus: 'Rejected', component: d.component, variable: d.variable })) }); // eslint-disable-line @typescript-eslint/no-explicit-any

/** Nothing the CSMS keeps or shows holds the password. */
async function expectNowhere(id: string, secret: string) {
  const seen = await Promise.all([`/charge-points/${id}`, `/charge-points/${id}/messages`, `/charge-points/${id}/configuration`].map((p) => csms.api.get(p)));
  for (const r of seen) {
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain(secret);
  }
  return seen;
}

describe.each([
  ['ocpp2.0.1' as Version, accepted201, rejected201, /^[A-Za-z0-9]{40}$/],
  ['ocpp1.6' as Version, () => ({ status: 'Accepted' }), () => ({ status: 'Rejected' }), /^[0-9a-f]{40}$/],
])('%s: POST /charge-points/{id}/password', (version, accept, reject, shape) => {
  it('generated password: sent once, returned once; old and new work until the station uses the new one, then only the new', async () => {
    const cp = await station(version, accept);
    const res = await csms.api.post(`/charge-points/${cp.id}/password`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Accepted', password: expect.stringMatching(shape) });
    const fresh: string = res.body.password;
    expect(cp.received).toEqual([version === 'ocpp1.6'
      ? { key: 'AuthorizationKey', value: fresh }
      : { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: fresh }] }]);
    const [view] = await expectNowhere(cp.id, fresh);
    expect(view.body.passwordRotation).toBe('AwaitingReconnect');

    // The station may still come back with the old one (e.g. it reboots before applying it)…
    expect(await status(cp.id, OLD, version)).toBe(101);
    // …then it reconnects with the new one, and from then on only that one works.
    await cp.cs.close();
    const again = await connect(version, cp.id, fresh);
    expect((await csms.api.get(`/charge-points/${cp.id}`)).body.passwordRotation).toBeUndefined();
    await again.close();
    expect(await status(cp.id, OLD, version)).toBe(401);
    expect(await status(cp.id, fresh, version)).toBe(101);
  });

  it('given password: Rejected keeps the old one the only one, and the operator is told', async () => {
    const cp = await station(version, reject);
    const mine = version === 'ocpp1.6' ? 'a1b2c3d4e5f60718293a4b5c6d7e8f90' : 'Operator-Chosen-Password-01';
    const res = await csms.api.post(`/charge-points/${cp.id}/password`, { password: mine });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'PasswordRejected', message: expect.stringMatching(/Rejected: the old password stays the only valid one/) });
    expect(cp.received).toHaveLength(1);
    await expectNowhere(cp.id, mine);
    expect(await status(cp.id, mine, version)).toBe(401);
    expect(await status(cp.id, OLD, version)).toBe(101);
    expect((await csms.api.get(`/charge-points/${cp.id}`)).body.passwordRotation).toBeUndefined();
  });

  it('no answer: 504, the old password stays the only one', async () => {
    const cp = await station(version, () => new Promise(() => undefined));
    const mine = version === 'ocpp1.6' ? 'ffeeddccbbaa00998877665544332211' : 'Unanswered-Password-000001';
    const res = await csms.api.post(`/charge-points/${cp.id}/password?timeoutMs=500`, { password: mine });
    expect(res.status).toBe(504);
    expect(res.body.message).toMatch(/the old password stays the only valid one/);
    await cp.cs.close({ force: true }); // its answer would never come
    expect(await status(cp.id, mine, version)).toBe(401);
    expect(await status(cp.id, OLD, version)).toBe(101);
  });

  it('a password the version does not allow is refused before anything is sent (400)', async () => {
    const cp = await station(version, accept);
    for (const bad of ['short', 'has spaces in it, 16+ chars', version === 'ocpp1.6' ? 'not-hex-but-long-enough-000000000' : 'x'.repeat(15)]) {
      const res = await csms.api.post(`/charge-points/${cp.id}/password`, { password: bad });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(version === 'ocpp1.6' ? /32 to 40 hexadecimal digits/ : /16 to 40 characters/);
    }
    expect((await csms.api.post(`/charge-points/${cp.id}/password`, { password: 5 })).status).toBe(400);
    expect((await csms.api.post(`/charge-points/${cp.id}/password`, { other: 1 })).status).toBe(400);
    expect(cp.received).toEqual([]);
    expect(await status(cp.id, OLD, version)).toBe(101);
  });

  it('a station that connects with the new password before its answer is recorded is not locked out', async () => {
    let id = '';
    // The station applies the password and reconnects with it at once, without answering on the old connection.
    const cp = await station(version, async (p) => {
      const fresh = version === 'ocpp1.6' ? p.value : p.setVariableData[0].attributeValue;
      expect(await status(id, fresh, version)).toBe(101);
      return new Promise(() => undefined);
    });
    id = cp.id;
    const res = await csms.api.post(`/charge-points/${cp.id}/password?timeoutMs=1500`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Accepted', message: expect.stringMatching(/connected with the new password/) });
    expect(await status(cp.id, OLD, version)).toBe(401);
    expect(await status(cp.id, res.body.password, version)).toBe(101);
  });
});

describe('the plain calls API does not lock a station out', () => {
  it('2.0.1 SetVariables SecurityCtrlr.BasicAuthPassword: Accepted stores the new password', async () => {
    const cp = await station('ocpp2.0.1', accepted201);
    const fresh = 'Through-The-Calls-API-0001';
    const res = await csms.api.post(`/charge-points/${cp.id}/calls/SetVariables`, {
      setVariableData: [
        { component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: fresh },
        { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.effects).toBeUndefined();
    await expectNowhere(cp.id, fresh);
    await cp.cs.close();
    const again = await connect('ocpp2.0.1', cp.id, fresh);
    await again.close();
    expect(await status(cp.id, OLD, 'ocpp2.0.1')).toBe(401);
    // The other variable of the same call is in the device model as before.
    const config = (await csms.api.get(`/charge-points/${cp.id}/configuration`)).body.items;
    expect(config).toEqual(expect.arrayContaining([expect.objectContaining({ variableKey: 'OCPPCommCtrlr/HeartbeatInterval/Actual', value: '120' })]));
  });

  it('1.6 ChangeConfiguration AuthorizationKey: Accepted stores it, Rejected keeps the old one', async () => {
    let answer = 'Rejected';
    const cp = await station('ocpp1.6', () => ({ status: answer }));
    const refused = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
    expect((await csms.api.post(`/charge-points/${cp.id}/calls/ChangeConfiguration`, { key: 'AuthorizationKey', value: refused })).body.response).toEqual({ status: 'Rejected' });
    expect(await status(cp.id, refused, 'ocpp1.6')).toBe(401);
    const again0 = await connect('ocpp1.6', cp.id, OLD);
    again0.handle('ChangeConfiguration', () => ({ status: answer }));
    answer = 'Accepted';
    const fresh = '0123456789abcdef0123456789abcdef01234567';
    expect((await csms.api.post(`/charge-points/${cp.id}/calls/ChangeConfiguration`, { key: 'AuthorizationKey', value: fresh })).body.response).toEqual({ status: 'Accepted' });
    await expectNowhere(cp.id, fresh);
    await again0.close();
    const again = await connect('ocpp1.6', cp.id, fresh);
    await again.close();
    expect(await status(cp.id, OLD, 'ocpp1.6')).toBe(401);
  });

  it('an AuthorizationKey the whitepaper does not allow is refused (400), nothing sent', async () => {
    const cp = await station('ocpp1.6', () => ({ status: 'Accepted' }));
    const res = await csms.api.post(`/charge-points/${cp.id}/calls/ChangeConfiguration`, { key: 'AuthorizationKey', value: 'too-short' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/32 to 40 hexadecimal digits/);
    expect(cp.received).toEqual([]);
  });
});
