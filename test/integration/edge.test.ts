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

describe('API Gateway frame limits (32 KB frames, 128 KB messages)', () => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    csms = await bootCsms();
  });
  afterAll(() => csms.close());

  const open = async (protocol = 'ocpp1.6') => {
    const id = newId('F');
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' });
    const ws = new WebSocket(`${csms.chargePointUrl}/${id}`, [protocol]);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return { id, ws, closed: new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))) };
  };
  const dataTransfer = (bytes: number) => JSON.stringify([2, 'dt-1', 'DataTransfer', { vendorId: 'V', data: 'x'.repeat(bytes) }]);

  it('closes the connection with 1009 when one frame exceeds 32 KB', async () => {
    const { ws, closed } = await open();
    ws.send(dataTransfer(40 * 1024));
    expect(await closed).toBe(1009);
  });

  it('answers a 100 KB message sent in frames of 32 KB or less', async () => {
    const { ws } = await open();
    const message = Buffer.from(dataTransfer(100 * 1024));
    const answer = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    for (let i = 0; i < message.length; i += 32 * 1024) ws.send(message.subarray(i, i + 32 * 1024), { fin: i + 32 * 1024 >= message.length, binary: false });
    expect(await answer).toEqual([3, 'dt-1', expect.objectContaining({ status: expect.any(String) })]);
    ws.close();
  });

  it('refuses an operator call whose frame would not fit in 32 KB, and the station keeps its connection', async () => {
    const { id, ws } = await open();
    const received: string[] = [];
    ws.on('message', (d) => received.push(d.toString()));
    const tooBig = await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, { vendorId: 'V', data: 'x'.repeat(33 * 1024) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ error: 'FrameTooLarge', message: expect.stringMatching(/32 KB/) });
    expect(ws.readyState).toBe(ws.OPEN);
    // A call that fits still goes through on the same connection.
    ws.on('message', (d) => {
      const [type, messageId] = JSON.parse(d.toString());
      if (type === 2) ws.send(JSON.stringify([3, messageId, { status: 'Accepted' }]));
    });
    const ok = await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, { vendorId: 'V', data: 'x'.repeat(1024) });
    expect(ok.status).toBe(200);
    expect(received).toHaveLength(1);
    ws.close();
  });
});
