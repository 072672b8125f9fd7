/**
 * Site load management end to end (docs/sites.md): strict 1.6 and 2.0.1 charge points under one
 * site, against the real local runtime. Each station records every SetChargingProfile it receives;
 * after every one received, the sum of the limits the stations hold (the last accepted per
 * connector/EVSE) stays within the site limit.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Station = Awaited<ReturnType<typeof strictClient>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const on = (cp: Station, action: string, fn: (params: any) => unknown) => (cp.handle as any)(action, ({ params }: { params: unknown }) => fn(params));

/** What every station of a test holds, and the largest sum seen after any SetChargingProfile. */
class Fleet {
  held = new Map<string, number>();
  maxSum = 0;
  received = 0;
  sum() {
    return [...this.held.values()].reduce((s, x) => s + Math.round(x * 10), 0) / 10;
  }
  async station(version: '1.6' | '2.0.1', answer: () => 'Accepted' | 'Rejected' = () => 'Accepted') {
    const id = newId(version === '1.6' ? 'ST16' : 'ST21');
    const cp = await strictClient(csms.chargePointUrl, id, version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1');
    if (version === '1.6') {
      expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })).status).toBe('Accepted');
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    } else {
      expect((await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } })).status).toBe('Accepted');
      await cp.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    }
    on(cp, 'SetChargingProfile', (p) => {
      const status = answer();
      if (status === 'Accepted') {
        const limit = version === '1.6' ? p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit : p.chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit;
        const loc = version === '1.6' ? p.connectorId : p.evseId;
        this.held.set(`${id}#${loc}`, limit);
        this.received++;
        this.maxSum = Math.max(this.maxSum, this.sum());
      }
      return { status };
    });
    return { id, cp, version };
  }
}

let txSeq = 0;
async function start(s: { cp: Station; version: string }, tag: string) {
  if (s.version === '1.6') return (await s.cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() })).transactionId as number;
  const transactionId = `T${++txSeq}-${Date.now()}`;
  await s.cp.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: tag, type: 'ISO14443' } });
  return transactionId;
}
async function stop(s: { cp: Station; version: string }, transactionId: number | string, tag: string) {
  if (s.version === '1.6') return s.cp.call('StopTransaction', { transactionId, idTag: tag, meterStop: 10, timestamp: new Date().toISOString() });
  return s.cp.call('TransactionEvent', { eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'StopAuthorized', seqNo: 1, transactionInfo: { transactionId, stoppedReason: 'Local' } });
}
async function acceptedTag() {
  const tag = `SITE${Math.random().toString(36).slice(2, 10)}`.toUpperCase();
  expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' })).status).toBe(201);
  return tag;
}
const limitsOf = async (siteId: string) => {
  const r = await csms.api.get(`/sites/${siteId}`);
  expect(r.status).toBe(200);
  return Object.fromEntries(r.body.allocation.map((a: { chargePointId: string; connectors: Array<{ limitA: number }> }) => [a.chargePointId, a.connectors[0]?.limitA]));
};

describe('sites API', () => {
  it('PUT, GET, list, 409 for a charge point in another site, 400 for bad input, DELETE', async () => {
    const fleet = new Fleet();
    const a = await fleet.station('1.6');
    const siteId = newId('SITE');
    const put = await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 32, chargePointIds: [a.id] });
    expect(put.status).toBe(201);
    expect(put.body.allocation).toEqual([{ chargePointId: a.id, connectors: [expect.objectContaining({ connectorId: 1, limitA: 0, reason: 'idle', status: 'Accepted', accepted: true })] }]);
    expect(fleet.held.get(`${a.id}#1`)).toBe(0);
    expect((await csms.api.get('/sites')).body.items.map((s: { siteId: string }) => s.siteId)).toContain(siteId);

    const other = await csms.api.put(`/sites/${newId('SITE')}`, { maxCurrentA: 10, chargePointIds: [a.id] });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain(siteId);
    expect((await csms.api.put(`/sites/${newId('SITE')}`, { chargePointIds: [a.id] })).status).toBe(400);
    expect((await csms.api.put(`/sites/${newId('SITE')}`, { maxCurrentA: -1, chargePointIds: [] })).status).toBe(400);
    expect((await csms.api.put(`/sites/${newId('SITE')}`, { maxCurrentA: 10, chargePointIds: ['NOPE-NOT-REGISTERED'] })).status).toBe(400);
    expect((await csms.api.put('/sites/bad%23id', { maxCurrentA: 10, chargePointIds: [] })).status).toBe(400);

    expect((await csms.api.delete(`/sites/${siteId}`)).status).toBe(204);
    expect((await csms.api.get(`/sites/${siteId}`)).status).toBe(404);
    // Released: another site may take it now.
    const again = newId('SITE');
    expect((await csms.api.put(`/sites/${again}`, { maxCurrentA: 10, chargePointIds: [a.id] })).status).toBe(201);
    await csms.api.delete(`/sites/${again}`);
    a.cp.close();
  });
});

describe('stations follow the allocation', () => {
  it('two stations (1.6 and 2.0.1): the first session gets everything, the second half, a stop gives it back', async () => {
    const fleet = new Fleet();
    const [a, b] = [await fleet.station('1.6'), await fleet.station('2.0.1')];
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 32, minCurrentA: 6, chargePointIds: [a.id, b.id] })).status).toBe(201);
    const tag = await acceptedTag();
    const ta = await start(a, tag);
    await eventually(async () => fleet.held.get(`${a.id}#1`) === 32);
    expect(await limitsOf(siteId)).toEqual({ [a.id]: 32, [b.id]: 0 });
    const tb = await start(b, tag);
    await eventually(async () => fleet.held.get(`${b.id}#1`) === 16);
    expect(fleet.held.get(`${a.id}#1`)).toBe(16);
    await stop(a, ta, tag);
    await eventually(async () => fleet.held.get(`${b.id}#1`) === 32);
    expect(fleet.held.get(`${a.id}#1`)).toBe(0);
    await stop(b, tb, tag);
    expect(fleet.maxSum).toBeLessThanOrEqual(32);
    a.cp.close();
    b.cp.close();
  });

  it('ten stations: limits received always sum within the site; the newest are paused when 6 A each cannot be held', async () => {
    const fleet = new Fleet();
    const stations = [];
    for (let i = 0; i < 10; i++) stations.push(await fleet.station(i % 2 ? '2.0.1' : '1.6'));
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 50, minCurrentA: 6, chargePointIds: stations.map((s) => s.id) })).status).toBe(201);
    const tag = await acceptedTag();
    for (const s of stations) await start(s, tag);
    const view = await eventually(async () => {
      const l = await limitsOf(siteId);
      return Object.values(l).filter((x) => x === 0).length === 2 ? l : undefined;
    });
    // 8 × 6 A fit in 50 A (the 2 A left go to the oldest, 0.1 A at a time... up to the common level), the two newest wait.
    expect(view[stations[8].id]).toBe(0);
    expect(view[stations[9].id]).toBe(0);
    for (const s of stations.slice(0, 8)) expect(view[s.id]).toBeGreaterThanOrEqual(6);
    expect(Object.values(view).reduce((s: number, x) => s + Math.round((x as number) * 10), 0)).toBeLessThanOrEqual(500);
    expect(fleet.maxSum).toBeLessThanOrEqual(50);
    // The site limit goes up: everyone gets 10 A (lower first, then raise).
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 100, minCurrentA: 6, chargePointIds: stations.map((s) => s.id) })).status).toBe(200);
    expect(Object.values(await limitsOf(siteId))).toEqual(Array(10).fill(10));
    expect(fleet.maxSum).toBeLessThanOrEqual(100);
    for (const s of stations) s.cp.close();
  });

  it('a station that rejects is counted at its maximum; the others share the rest', async () => {
    const fleet = new Fleet();
    const a = await fleet.station('1.6', () => 'Rejected');
    const b = await fleet.station('1.6');
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 48, chargePointIds: [a.id, b.id] })).status).toBe(201);
    const tag = await acceptedTag();
    await start(b, tag);
    await eventually(async () => fleet.held.get(`${b.id}#1`) === 16);
    const view = await csms.api.get(`/sites/${siteId}`);
    expect(view.body.allocation[0].connectors[0]).toEqual(expect.objectContaining({ limitA: 32, reason: 'rejected', status: 'Rejected', accepted: false }));
    a.cp.close();
    b.cp.close();
  });
});
