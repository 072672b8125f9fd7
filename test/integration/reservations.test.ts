import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * Reservation and Cancel reservation (OCPP 1.6 §5.13 Reserve Now, §5.1 Cancel Reservation, §3.11)
 * end to end with strict 1.6 charge points: the reservation exists once the charge point accepts
 * it, the reservation-expiry workflow expires it, a StartTransaction with its id uses it.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' } });
});
afterAll(async () => {
  await csms.close();
});

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** A station that takes its time (its handler answers after `ms`). */
const after = <T>(ms: number | undefined, value: T) => (ms ? new Promise<T>((r) => setTimeout(() => r(value), ms)) : value);

async function reservingCp(opts: { answer?: string; connectorZero?: 'true' | 'false'; delayMs?: { ReserveNow?: number; GetConfiguration?: number } } = {}) {
  const id = newId('RES');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
  const reserveRequests: Array<Record<string, any>> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const held = new Set<number>();
  cp.handle('ReserveNow', async ({ params }) => {
    const p = params as { reservationId: number };
    reserveRequests.push(p);
    const status = opts.answer ?? 'Accepted';
    if (status === 'Accepted') held.add(p.reservationId);
    return after(opts.delayMs?.ReserveNow, { status });
  });
  cp.handle('CancelReservation', async ({ params }) => {
    const { reservationId } = params as { reservationId: number };
    return { status: held.delete(reservationId) ? 'Accepted' : 'Rejected' };
  });
  const configRequests: unknown[] = [];
  cp.handle('GetConfiguration', async ({ params }) => {
    configRequests.push(params);
    return after(opts.delayMs?.GetConfiguration, opts.connectorZero === undefined
      ? { unknownKey: ['ReserveConnectorZeroSupported'] }
      : { configurationKey: [{ key: 'ReserveConnectorZeroSupported', readonly: true, value: opts.connectorZero }] });
  });
  return { id, cp, reserveRequests, configRequests };
}
const reservationsOf = async (id: string) => (await csms.api.get(`/reservations?chargePointId=${encodeURIComponent(id)}`)).body.items;

describe('Reserve Now (1.6 §5.13)', () => {
  it('reserves a connector: allocated id, Active reservation, Reserved connector status; StartTransaction with it uses it', async () => {
    const r = await reservingCp();
    const idTag = newId('TAG').slice(0, 20);
    await csms.api.put(`/id-tags/${idTag}`, { status: 'Accepted' });
    const expiryDate = inMinutes(30);
    const res = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag, expiryDate });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ chargePointId: r.id, connectorId: 1, idTag, expiryDate, status: 'Active', reservationId: expect.any(Number) });
    expect(r.reserveRequests).toEqual([{ connectorId: 1, expiryDate, idTag, reservationId: res.body.reservationId }]);
    const { reservationId } = res.body;

    // The charge point shows the connector Reserved (StatusNotification), the operator sees both.
    await r.cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Reserved' });
    expect((await csms.api.get(`/charge-points/${r.id}`)).body.connectors['1'].status).toBe('Reserved');
    expect(await reservationsOf(r.id)).toEqual([expect.objectContaining({ reservationId, connectorId: 1, idTag, expiryDate, status: 'Active' })]);
    expect((await csms.api.get('/reservations?status=Active')).body.items).toEqual(expect.arrayContaining([expect.objectContaining({ reservationId })]));

    // Another reservation gets another id (one atomic counter).
    const second = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 2, idTag, expiryDate });
    expect(second.body.reservationId).toBeGreaterThan(reservationId);

    const tx = await r.cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: new Date().toISOString(), reservationId });
    expect(tx.idTagInfo.status).toBe('Accepted');
    const used = await eventually(async () => (await reservationsOf(r.id)).find((x: { reservationId: number; status: string }) => x.reservationId === reservationId && x.status === 'Used'));
    expect(used).toMatchObject({ transactionId: String(tx.transactionId), usedAt: expect.any(String) });
    await r.cp.close();
  });

  it('is used by a transaction of another idTag of the same parentIdTag, but not by an unrelated idTag', async () => {
    const r = await reservingCp();
    const group = newId('GRP').slice(0, 20);
    const member = newId('MEM').slice(0, 20);
    const stranger = newId('STR').slice(0, 20);
    await csms.api.put(`/id-tags/${member}`, { status: 'Accepted', parentIdTag: group });
    await csms.api.put(`/id-tags/${stranger}`, { status: 'Accepted' });
    const owner = newId('OWN').slice(0, 20);
    const { body: resv } = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag: owner, parentIdTag: group, expiryDate: inMinutes(30) });
    expect(r.reserveRequests[0]).toMatchObject({ parentIdTag: group });

    await r.cp.call('StartTransaction', { connectorId: 1, idTag: stranger, meterStart: 0, timestamp: new Date().toISOString(), reservationId: resv.reservationId });
    await new Promise((res) => setTimeout(res, 200));
    expect((await reservationsOf(r.id))[0].status).toBe('Active');

    await r.cp.call('StartTransaction', { connectorId: 1, idTag: member, meterStart: 0, timestamp: new Date().toISOString(), reservationId: resv.reservationId });
    await eventually(async () => (await reservationsOf(r.id))[0].status === 'Used');
    await r.cp.close();
  });

  it('expires at its expiryDate through the reservation-expiry workflow', async () => {
    const r = await reservingCp();
    const res = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag: 'EXPIRING', expiryDate: inSeconds(1.5) });
    expect(res.status).toBe(201);
    const expired = await eventually(async () => {
      const one = await csms.api.get(`/charge-points/${r.id}/reservations/${res.body.reservationId}`);
      return one.body.expiredAt ? one.body : undefined; // set by the workflow, not only derived on read
    }, 6000);
    expect(expired.status).toBe('Expired');
    // A StartTransaction that comes too late does not use it.
    await r.cp.call('StartTransaction', { connectorId: 1, idTag: 'EXPIRING', meterStart: 0, timestamp: new Date().toISOString(), reservationId: res.body.reservationId });
    await new Promise((res2) => setTimeout(res2, 200));
    expect((await reservationsOf(r.id))[0].status).toBe('Expired');
    await r.cp.close();
  });

  it('records nothing when the charge point answers Occupied, Faulted, Unavailable or Rejected', async () => {
    for (const answer of ['Occupied', 'Faulted', 'Unavailable', 'Rejected']) {
      const r = await reservingCp({ answer });
      const res = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag: 'T1', expiryDate: inMinutes(5) });
      expect([answer, res.status, res.body]).toEqual([answer, 409, { error: 'ReservationRejected', message: `The charge point answered ReserveNow with ${answer}` }]);
      expect(await reservationsOf(r.id)).toEqual([]);
      await r.cp.close();
    }
  });

  it('reserves connector 0 only when the charge point reports ReserveConnectorZeroSupported = true (asked when unknown)', async () => {
    const without = await reservingCp({ connectorZero: 'false' });
    const refused = await csms.api.post('/reservations', { chargePointId: without.id, connectorId: 0, idTag: 'T1', expiryDate: inMinutes(5) });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'ConnectorZeroNotSupported', message: expect.stringContaining('ReserveConnectorZeroSupported is "false"') });
    expect(without.configRequests).toEqual([{ key: ['ReserveConnectorZeroSupported'] }]);
    expect(without.reserveRequests).toEqual([]);
    // The same rule guards the generic calls API.
    const raw = await csms.api.post(`/charge-points/${without.id}/calls/ReserveNow`, { connectorId: 0, expiryDate: inMinutes(5), idTag: 'T1', reservationId: 1 });
    expect(raw.status).toBe(400);
    expect(without.configRequests).toHaveLength(1); // known now: not asked again

    const unknown = await reservingCp();
    expect((await csms.api.post('/reservations', { chargePointId: unknown.id, connectorId: 0, idTag: 'T1', expiryDate: inMinutes(5) })).body.message).toMatch(/not reported/);

    const withZero = await reservingCp({ connectorZero: 'true' });
    const accepted = await csms.api.post('/reservations', { chargePointId: withZero.id, connectorId: 0, idTag: 'T1', expiryDate: inMinutes(5) });
    expect(accepted.status).toBe(201);
    expect(accepted.body.connectorId).toBe(0);
    await Promise.all([without, unknown, withZero].map((x) => x.cp.close()));
  });

  it('the GetConfiguration the connector-0 guard makes stays within the operator\'s budget (CSMS_CALL_TIMEOUT_MS = 2 s) with the ReserveNow', async () => {
    // Each answer alone is within 2 s; asked in turn, the two take longer than the operator waits.
    const slow = await reservingCp({ connectorZero: 'true', delayMs: { GetConfiguration: 1300, ReserveNow: 1000 } });
    const res = await csms.api.post('/reservations', { chargePointId: slow.id, connectorId: 0, idTag: 'T1', expiryDate: inMinutes(5) });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ error: 'Timeout', message: expect.stringMatching(/^ReserveNow not sent: asking ReserveConnectorZeroSupported failed/) });
    expect(slow.configRequests).toHaveLength(1);
    expect(slow.reserveRequests).toEqual([]); // not sent with too little time left to be answered
    await slow.cp.close();
  });

  it('answers bad requests, unknown and offline charge points clearly, and sends nothing', async () => {
    const r = await reservingCp();
    for (const [body, message] of [
      [{ connectorId: 1, idTag: 'T', expiryDate: inMinutes(5) }, /chargePointId/],
      [{ chargePointId: r.id, connectorId: -1, idTag: 'T', expiryDate: inMinutes(5) }, /connectorId/],
      [{ chargePointId: r.id, connectorId: 1, idTag: 'X'.repeat(21), expiryDate: inMinutes(5) }, /idTag/],
      [{ chargePointId: r.id, connectorId: 1, idTag: 'T', expiryDate: '2020-01-01T00:00:00Z' }, /future/],
      [{ chargePointId: r.id, connectorId: 1, idTag: 'T', expiryDate: 'soon' }, /expiryDate/],
      [{ chargePointId: r.id, connectorId: 1, idTag: 'T', expiryDate: inMinutes(5), colour: 'red' }, /Unknown field/],
    ] as const) {
      const res = await csms.api.post('/reservations', body);
      expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(message)]);
    }
    expect(r.reserveRequests).toEqual([]);
    expect((await csms.api.post('/reservations', { chargePointId: 'no-such-cp', connectorId: 1, idTag: 'T', expiryDate: inMinutes(5) })).status).toBe(404);
    expect((await csms.api.get('/reservations?status=Sleeping')).status).toBe(400);
    await r.cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${r.id}`)).body.connected === false);
    const offline = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag: 'T', expiryDate: inMinutes(5) });
    expect([offline.status, offline.body.error]).toEqual([409, 'NotConnected']);
  });

  it('applies a ReserveNow made through the generic calls API; a replacement with a later expiry is not expired by the first workflow', async () => {
    const r = await reservingCp();
    const reservationId = 900_000 + Math.floor(Math.random() * 100_000);
    const first = await csms.api.post(`/charge-points/${r.id}/calls/ReserveNow`, { connectorId: 1, expiryDate: inSeconds(1), idTag: 'RAW', reservationId });
    expect(first.body).toEqual({ response: { status: 'Accepted' } });
    expect(await reservationsOf(r.id)).toEqual([expect.objectContaining({ reservationId, status: 'Active' })]);
    const later = inMinutes(10);
    await csms.api.post(`/charge-points/${r.id}/calls/ReserveNow`, { connectorId: 1, expiryDate: later, idTag: 'RAW', reservationId });
    await new Promise((res) => setTimeout(res, 1800));
    expect(await reservationsOf(r.id)).toEqual([expect.objectContaining({ reservationId, status: 'Active', expiryDate: later })]);
    await r.cp.close();
  });
});

describe('Cancel reservation (1.6 §5.1)', () => {
  it('cancels: Accepted → Cancelled; the charge point no longer holding it → 409, unchanged', async () => {
    const r = await reservingCp();
    const { body: resv } = await csms.api.post('/reservations', { chargePointId: r.id, connectorId: 1, idTag: 'T1', expiryDate: inMinutes(30) });
    const cancelled = await csms.api.delete(`/charge-points/${r.id}/reservations/${resv.reservationId}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ reservationId: resv.reservationId, status: 'Cancelled', cancelledAt: expect.any(String) });
    expect(await reservationsOf(r.id)).toEqual([expect.objectContaining({ status: 'Cancelled' })]);

    const again = await csms.api.delete(`/charge-points/${r.id}/reservations/${resv.reservationId}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('CancelRejected');
    expect((await csms.api.delete(`/charge-points/${r.id}/reservations/424242`)).status).toBe(404);
    expect((await csms.api.delete(`/charge-points/${r.id}/reservations/abc`)).status).toBe(400);
    await r.cp.close();
  });
});
