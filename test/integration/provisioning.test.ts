import { bootCsms, eventually } from '../support/local';
import { connectStatus, newId, rawClient, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '1.0.0', chargePointSerialNumber: 'SN-1' };
const boot201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150', firmwareVersion: '2.1', serialNumber: 'SN-2' } };

describe('OCPP 1.6 cold boot, heartbeat and status (strict client)', () => {
  it('accepts the boot, hands out the heartbeat interval and shows the charge point to the operator', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    const boot = await cp.call('BootNotification', boot16);
    expect(boot.status).toBe('Accepted');
    expect(boot.interval).toBeGreaterThan(0);
    expect(boot.interval).toBeLessThanOrEqual(300);
    expect(Math.abs(Date.parse(boot.currentTime) - Date.now())).toBeLessThan(5000);

    await new Promise((r) => setTimeout(r, 20));
    const beforeHeartbeat = Date.now();
    const hb = await cp.call('Heartbeat', {});
    expect(Date.parse(hb.currentTime)).not.toBeNaN();
    // last-seen comes from the gateway's view of the connection: a Heartbeat costs no write but shows.
    expect(Date.parse((await csms.api.get(`/charge-points/${id}`)).body.lastSeen)).toBeGreaterThanOrEqual(beforeHeartbeat - 5);

    await cp.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available' });
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'GroundFailure', status: 'Faulted', info: 'RCD tripped', vendorErrorCode: 'E42' });

    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({
      chargePointId: id,
      connected: true,
      protocol: 'ocpp1.6',
      registrationStatus: 'Accepted',
      boot: { vendor: 'Acme', model: 'AC-22', firmwareVersion: '1.0.0', serialNumber: 'SN-1' },
      connectors: {
        '0': { status: 'Available', errorCode: 'NoError' },
        '1': { status: 'Faulted', errorCode: 'GroundFailure', info: 'RCD tripped', vendorErrorCode: 'E42' },
      },
    });
    expect(view.body.passwordHash).toBeUndefined();
    await cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);
  });

  it('answers Pending and Rejected from the registration status, and refuses other requests meanwhile', async () => {
    for (const status of ['Pending', 'Rejected'] as const) {
      const id = newId();
      expect((await csms.api.put(`/charge-points/${id}`, { registrationStatus: status })).status).toBe(201);
      const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
      const boot = await cp.call('BootNotification', boot16);
      expect(boot.status).toBe(status);
      await expect(cp.call('Heartbeat', {})).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
      await cp.close();
    }
  });

  it('lets a Pending charge point in after the operator accepts it: the change reconnects it', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' });
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    expect((await cp.call('BootNotification', boot16)).status).toBe('Pending');
    const closed = new Promise((r) => cp.once('close', r));
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' });
    await closed;
    const again = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    expect((await again.call('BootNotification', boot16)).status).toBe('Accepted');
    expect(await again.call('Heartbeat', {})).toHaveProperty('currentTime');
    await again.close();
  });
});

describe('OCPP 2.0.1 cold boot, heartbeat and status (strict client)', () => {
  it('boots, heartbeats and reports EVSE connector status', async () => {
    const id = newId();
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    const boot = await cs.call('BootNotification', boot201);
    expect(boot).toMatchObject({ status: 'Accepted' });
    expect(boot.interval).toBeLessThanOrEqual(300);
    await cs.call('Heartbeat', {});
    await cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body).toMatchObject({
      protocol: 'ocpp2.0.1',
      boot: { vendor: 'Acme', model: 'DC-150', reason: 'PowerUp' },
      connectors: { '1/1': { evseId: 1, connectorId: 1, status: 'Occupied' } },
    });
    await cs.close();
  });

  it('answers SecurityError to requests while Pending (B02)', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' });
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    expect((await cs.call('BootNotification', boot201)).status).toBe('Pending');
    await expect(cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }))
      .rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    await cs.close();
  });
});

describe('OCPP 2.0 (2018) stations', () => {
  it('negotiates ocpp2.0 and boots with the 2.0 message shapes', async () => {
    const id = newId();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, ['ocpp2.0']);
    expect(ws.ws.protocol).toBe('ocpp2.0');
    const [type, msgId, payload] = await ws.exchange([2, 'b1', 'BootNotification', boot201]);
    expect([type, msgId, payload.status]).toEqual([3, 'b1', 'Accepted']);
    await ws.close();
  });
});

describe('connecting', () => {
  it('prefers 2.1 over 2.0.1 over 2.0 over 1.6 and refuses when none is acceptable (HTTP 400)', async () => {
    const all = await rawClient(`${csms.chargePointUrl}/${newId()}`, ['ocpp1.6', 'ocpp2.0', 'ocpp2.1', 'ocpp2.0.1']);
    expect(all.ws.protocol).toBe('ocpp2.1');
    await all.close();
    const a = await rawClient(`${csms.chargePointUrl}/${newId()}`, ['ocpp1.6', 'ocpp2.0', 'ocpp2.0.1']);
    expect(a.ws.protocol).toBe('ocpp2.0.1');
    await a.close();
    const b = await rawClient(`${csms.chargePointUrl}/${newId()}`, ['ocpp1.6', 'ocpp2.0']);
    expect(b.ws.protocol).toBe('ocpp2.0');
    await b.close();
    expect(await connectStatus(`${csms.chargePointUrl}/${newId()}`, ['ocpp1.5'])).toBe(400);
    expect(await connectStatus(`${csms.chargePointUrl}/${newId()}`, [])).toBe(400);
  });

  it('requires the password of a protected charge point, with user = identity', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { password: 'correct-horse-battery' });
    const basic = (user: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6')).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6', basic(id, 'wrong-password-here'))).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6', basic('someone-else', 'correct-horse-battery'))).toBe(401);
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6', { password: 'correct-horse-battery' });
    expect((await cp.call('BootNotification', boot16)).status).toBe('Accepted');
    await cp.close();
  });

  it('rejects invalid identities and paths that are not /ocpp/{id}', async () => {
    expect(await connectStatus(`${csms.chargePointUrl}/${'x'.repeat(49)}`, 'ocpp1.6')).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/bad%3Aid`, 'ocpp1.6')).toBe(401);
    expect(await connectStatus(csms.chargePointUrl.replace('/ocpp', '/other/CP1'), 'ocpp1.6')).toBe(404);
  });

  it('replaces the first connection when the same identity connects again; the late disconnect changes nothing', async () => {
    const id = newId();
    const first = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    await first.call('BootNotification', boot16);
    const firstClosed = new Promise((r) => first.once('close', r));
    const second = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    await firstClosed;
    await new Promise((r) => setTimeout(r, 100));
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.connected).toBe(true);
    expect((await second.call('Heartbeat', {})).currentTime).toBeDefined();
    await second.close();
  });
});
