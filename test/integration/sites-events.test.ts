/**
 * Site load management (docs/sites.md), the events after the first allocation, against the real
 * local runtime with strict 1.6 and 2.0.1 charge points: a station going offline (its share stays
 * counted: it may still draw its last limit) and coming back (its profile is sent again), and the
 * measured current (an EV drawing less frees the rest, with hysteresis). Every station records each
 * SetChargingProfile it accepts; after each one the sum of what all stations hold — including
 * the offline ones, which keep their last limit — stays within the site limit.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient, type StrictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Version = '1.6' | '2.0.1';
interface Station { id: string; version: Version; cp: StrictClient }

/** What each station holds (the last limit it accepted per connector/EVSE; kept while it is offline), and the largest sum. */
class Fleet {
  held = new Map<string, number>();
  /** SetChargingProfile calls received per station (on any of its connections). */
  received = new Map<string, number[]>();
  maxSum = 0;
  sum() {
    return [...this.held.values()].reduce((s, x) => s + Math.round(x * 10), 0) / 10;
  }
  private attach(id: string, version: Version, cp: StrictClient) {
    cp.handle('SetChargingProfile', ({ params: p }) => {
      const limit = version === '1.6' ? p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit : p.chargingProfile.chargingSchedule[0].chargingSchedulePeriod[0].limit;
      const loc = version === '1.6' ? p.connectorId : p.evseId;
      this.held.set(`${id}#${loc}`, limit);
      this.received.set(id, [...(this.received.get(id) ?? []), limit]);
      this.maxSum = Math.max(this.maxSum, this.sum());
      return { status: 'Accepted' };
    });
  }
  async station(version: Version): Promise<Station> {
    const id = newId(version === '1.6' ? 'EV16' : 'EV21');
    const cp = await strictClient(csms.chargePointUrl, id, version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1');
    this.attach(id, version, cp);
    if (version === '1.6') {
      expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })).status).toBe('Accepted');
      await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    } else {
      expect((await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } })).status).toBe('Accepted');
      await cp.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    }
    return { id, version, cp };
  }
  /** The same identity on a new connection (no boot: a network loss, not a reboot). */
  async reconnect(s: Station): Promise<Station> {
    const cp = await strictClient(csms.chargePointUrl, s.id, s.version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1');
    this.attach(s.id, s.version, cp);
    return { ...s, cp };
  }
  got(s: Station) {
    return this.held.get(`${s.id}#1`);
  }
  count(s: Station) {
    return this.received.get(s.id)?.length ?? 0;
  }
}

let txSeq = 0;
async function start(s: Station, tag: string): Promise<string | number> {
  if (s.version === '1.6') return (await s.cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() })).transactionId as number;
  const transactionId = `E${++txSeq}-${Date.now()}`;
  await s.cp.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: tag, type: 'ISO14443' } });
  return transactionId;
}
async function stop(s: Station, transactionId: string | number, tag: string) {
  if (s.version === '1.6') return s.cp.call('StopTransaction', { transactionId, idTag: tag, meterStop: 10, timestamp: new Date().toISOString() });
  return s.cp.call('TransactionEvent', { eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'StopAuthorized', seqNo: 99, transactionInfo: { transactionId, stoppedReason: 'Local' } });
}
/** The EV draws `amps` on each phase (1.6 MeterValues / 2.0.1 TransactionEvent Updated). */
let seq = 1;
async function draw(s: Station, transactionId: string | number, amps: number) {
  const timestamp = new Date().toISOString();
  if (s.version === '1.6') {
    return s.cp.call('MeterValues', {
      connectorId: 1, transactionId,
      meterValue: [{ timestamp, sampledValue: ['L1', 'L2', 'L3'].map((phase) => ({ value: String(amps), measurand: 'Current.Import', unit: 'A', phase })) }],
    });
  }
  return s.cp.call('TransactionEvent', {
    eventType: 'Updated', timestamp, triggerReason: 'MeterValuePeriodic', seqNo: ++seq, transactionInfo: { transactionId },
    meterValue: [{ timestamp, sampledValue: [{ value: amps, measurand: 'Current.Import', unitOfMeasure: { unit: 'A' } }] }],
  });
}
async function acceptedTag() {
  const tag = `SEV${Math.random().toString(36).slice(2, 10)}`.toUpperCase();
  expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' })).status).toBe(201);
  return tag;
}
async function viewOf(siteId: string, cpId: string) {
  const r = await csms.api.get(`/sites/${siteId}`);
  expect(r.status).toBe(200);
  return r.body.allocation.find((a: { chargePointId: string }) => a.chargePointId === cpId).connectors[0];
}

describe('a station of a site goes offline and comes back', () => {
  it('offline, its share stays counted and the others share only the rest; back online, its profile is sent again and the site is shared anew', async () => {
    const fleet = new Fleet();
    let a = await fleet.station('1.6');
    const b = await fleet.station('2.0.1');
    const c = await fleet.station('1.6');
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 48, chargePointIds: [a.id, b.id, c.id] })).status).toBe(201);
    const tag = await acceptedTag();
    await start(a, tag);
    await start(b, tag);
    await eventually(async () => fleet.got(a) === 24 && fleet.got(b) === 24);

    // A loses its connection while charging: it may go on drawing 24 A (1.6 §3.13.6), so it stays counted.
    await a.cp.close();
    const off = await eventually(async () => { const v = await viewOf(siteId, a.id); return v.reason === 'offline' ? v : undefined; });
    expect(off).toEqual(expect.objectContaining({ limitA: 24, reason: 'offline' }));
    expect(fleet.got(b)).toBe(24);

    // A new session meanwhile gets only what A leaves: 48 − 24, shared with B.
    await start(c, tag);
    await eventually(async () => fleet.got(b) === 12 && fleet.got(c) === 12);
    expect(fleet.got(a)).toBe(24); // what A still holds, offline
    expect(fleet.maxSum).toBeLessThanOrEqual(48);

    // A comes back on a new connection: the site is re-allocated once it is open; A's session is
    // controllable again, so the three share 48 A — A lowered first, then the others raised.
    const before = fleet.count(a);
    a = await fleet.reconnect(a);
    await eventually(async () => fleet.got(a) === 16 && fleet.got(b) === 16 && fleet.got(c) === 16, 15_000);
    expect(fleet.count(a)).toBeGreaterThan(before);
    expect((await viewOf(siteId, a.id))).toEqual(expect.objectContaining({ limitA: 16, reason: 'share', status: 'Accepted' }));
    expect(fleet.maxSum).toBeLessThanOrEqual(48);
    for (const s of [a, b, c]) await s.cp.close();
  });

  it('a station that comes back with its limit unchanged gets it sent again (it may have lost it); a session it ended offline frees its share', async () => {
    const fleet = new Fleet();
    let a = await fleet.station('2.0.1');
    const b = await fleet.station('1.6');
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 32, chargePointIds: [a.id, b.id] })).status).toBe(201);
    const tag = await acceptedTag();
    const ta = await start(a, tag);
    await start(b, tag);
    await eventually(async () => fleet.got(a) === 16 && fleet.got(b) === 16);
    await a.cp.close();
    await eventually(async () => (await viewOf(siteId, a.id)).reason === 'offline');

    // Back, as if it had rebooted and forgotten its profiles: the CSMS sends the same 16 A again.
    fleet.held.delete(`${a.id}#1`);
    const before = fleet.count(a);
    a = await fleet.reconnect(a);
    await eventually(async () => fleet.count(a) > before && fleet.got(a) === 16, 15_000);
    expect(fleet.got(b)).toBe(16);

    // The session it ended while offline arrives now: its share goes to B.
    await stop(a, ta, tag);
    await eventually(async () => fleet.got(a) === 0 && fleet.got(b) === 32);
    expect(fleet.maxSum).toBeLessThanOrEqual(32);
    for (const s of [a, b]) await s.cp.close();
  });
});

describe('a lost answer', () => {
  it('a raise the station took but never answered (its connection dropped) counts at the raised limit while it is offline', async () => {
    const fleet = new Fleet();
    const b = await fleet.station('1.6');
    // A takes every SetChargingProfile but drops its connection instead of answering a raise.
    const id = newId('LOST');
    const a: Station = { id, version: '1.6', cp: await strictClient(csms.chargePointUrl, id, 'ocpp1.6') };
    a.cp.handle('SetChargingProfile', ({ params: p }) => {
      const limit = p.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit;
      fleet.held.set(`${id}#${p.connectorId}`, limit);
      fleet.maxSum = Math.max(fleet.maxSum, fleet.sum());
      if (limit === 0) return { status: 'Accepted' };
      setImmediate(() => void a.cp.close({ force: true }));
      return new Promise(() => undefined);
    });
    expect((await a.cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })).status).toBe('Accepted');
    await a.cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 32, chargePointIds: [a.id, b.id] })).status).toBe(201);
    const tag = await acceptedTag();
    await start(a, tag).catch(() => undefined); // its connection drops before the answer
    expect(fleet.got(a)).toBe(32);
    const off = await eventually(async () => { const v = await viewOf(siteId, a.id); return v.reason === 'offline' ? v : undefined; }, 10_000);
    expect(off).toEqual(expect.objectContaining({ limitA: 32, status: 'Failed', accepted: false }));
    // B's session: nothing is left while A may be drawing 32 A, so it waits at 0.
    await start(b, tag);
    await eventually(async () => (await viewOf(siteId, b.id)).reason === 'paused');
    expect(fleet.got(b)).toBe(0);
    expect(fleet.maxSum).toBeLessThanOrEqual(32);
    await b.cp.close();
  });
});

describe('re-allocation from meter values', () => {
  it.each<[Version]>([['1.6'], ['2.0.1']])('an EV on a %s station drawing less frees the rest for the other; small changes send nothing; drawing near its cap lifts it', async (version) => {
    const fleet = new Fleet();
    const a = await fleet.station(version);
    const b = await fleet.station('1.6');
    const siteId = newId('SITE');
    expect((await csms.api.put(`/sites/${siteId}`, { maxCurrentA: 40, chargePointIds: [a.id, b.id] })).status).toBe(201);
    const tag = await acceptedTag();
    const ta = await start(a, tag);
    await start(b, tag);
    await eventually(async () => fleet.got(a) === 20 && fleet.got(b) === 20);

    // A's EV takes 5 A: A is held at 5 + 2 A of headroom, B gets the rest up to its 32 A maximum.
    await draw(a, ta, 5);
    await eventually(async () => fleet.got(a) === 7 && fleet.got(b) === 32);
    expect(await viewOf(siteId, a.id)).toEqual(expect.objectContaining({ limitA: 7, reason: 'drawn' }));
    expect(fleet.maxSum).toBeLessThanOrEqual(40);

    // A meter value is handled before its answer: once answered, nothing more is coming.
    const [na, nb] = [fleet.count(a), fleet.count(b)];
    await draw(a, ta, 5.4);
    await draw(a, ta, 4.6);
    expect([fleet.count(a), fleet.count(b)]).toEqual([na, nb]);

    // The EV now draws 6.5 A of its 7: it may want more, so the cap is lifted and the two share again.
    await draw(a, ta, 6.5);
    await eventually(async () => fleet.got(a) === 20 && fleet.got(b) === 20);
    expect(fleet.maxSum).toBeLessThanOrEqual(40);
    for (const s of [a, b]) await s.cp.close();
  });
});
