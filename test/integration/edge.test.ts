// What a charge point notices at the edge: identities with URL-special characters, the spelling of
// the subprotocol it offered, and API Gateway's 32 KB frame limit.
import WebSocket from 'ws';
import { bootCsms } from '../support/local';
import { connectStatus, newId, strictClient } from '../support/clients';

const SPECIAL = ['+', '&', '%', '#', '=', '?', '%41', '%2B', 'a+b&c=d?e#f%g'];

describe.each(['decoded', 'raw'] as const)('CloudFront → API Gateway with query values %s by API Gateway', (queryValues) => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    csms = await bootCsms({ gatewayQueryValues: queryValues });
  });
  afterAll(() => csms.close());

  it.each(SPECIAL)('a registered charge point whose identity contains %s connects and is known by that identity', async (special) => {
    const id = `${newId('E')}${special}`;
    expect((await csms.api.put(`/charge-points/${encodeURIComponent(id)}`, { password: 'a-long-enough-password', registrationStatus: 'Accepted' })).status).toBeLessThan(300);
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6', { password: 'a-long-enough-password' });
    const boot = await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    expect(boot.status).toBe('Accepted');
    const read = await csms.api.get(`/charge-points/${encodeURIComponent(id)}`);
    expect(read.status).toBe(200);
    expect(read.body.connected).toBe(true);
    expect(read.body.chargePointId).toBe(id);
    await cp.close();
  });

  it('another identity than the one in the path is never authorized (no query injection)', async () => {
    const victim = newId('V');
    await csms.api.put(`/charge-points/${victim}`, { password: 'victims-password-123', registrationStatus: 'Accepted' });
    // An attacker registered as "x&cpid=<victim>" must not become the victim.
    const attacker = `x&cpid=${victim}`;
    await csms.api.put(`/charge-points/${encodeURIComponent(attacker)}`, { registrationStatus: 'Accepted' });
    const cp = await strictClient(csms.chargePointUrl, attacker, 'ocpp1.6');
    await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    expect((await csms.api.get(`/charge-points/${encodeURIComponent(attacker)}`)).body.chargePointId).toBe(attacker);
    await cp.close();
  });
});

describe('subprotocol spelling', () => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    csms = await bootCsms();
  });
  afterAll(() => csms.close());

  it.each(['OCPP1.6', 'Ocpp2.0.1', 'ocpp1.6'])('a station offering %s gets exactly that spelling back', async (offered) => {
    const id = newId('S');
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' });
    const ws = new WebSocket(`${csms.chargePointUrl}/${id}`, [offered]);
    const protocol = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => resolve(ws.protocol));
      ws.once('error', reject);
    });
    expect(protocol).toBe(offered);
    ws.close();
  });

  it('a station offering nothing we speak is refused', async () => {
    const id = newId('S');
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' });
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, ['ocpp1.5'])).toBe(400);
  });
});
