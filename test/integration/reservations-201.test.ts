import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 reservations end to end with strict 2.0.1 charging stations: H01 Reservation
 * (ReserveNow through POST /api/reservations: evseId, connectorType, typed idToken, groupIdToken),
 * H02 Cancel Reservation, H03 Use a reserved EVSE (TransactionEvent Started with the
 * reservationId), H04 Reservation Ended, not used (the reservation-expiry workflow, and the
 * station's ReservationStatusUpdate Expired / Removed).
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' } });
});
afterAll(async () => {
  await csms.close();
});

type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let seq = 0;
const unique = (p: string) => `${p}${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
const now = () => new Date().toISOString();
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function reservingStation(opts: { answer?: string } = {}) {
  const id = newId('RES201');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
  const reserveRequests: Params[] = [];
  const cancelRequests: Params[] = [];
  const held = new Set<number>();
  cs.handle('ReserveNow', async ({ params }) => {
    reserveRequests.push(params);
    const status = opts.answer ?? 'Accepted';
    if (status === 'Accepted') held.add(params.id);
    return { status };
  });
  cs.handle('CancelReservation', async ({ params }) => {
    cancelRequests.push(params);
    return held.delete(params.reservationId) ? { status: 'Accepted' } : { status: 'Rejected', statusInfo: { reasonCode: 'UnknownId' } };
  });
  const statusUpdate = async (reservationId: number, reservationUpdateStatus: 'Expired' | 'Removed') => {
    held.delete(reservationId);
    expect(await cs.call('ReservationStatusUpdate', { reservationId, reservationUpdateStatus })).toEqual({});
  };
  return { id, cs, reserveRequests, cancelRequests, statusUpdate };
}
/** A token in the CSMS's store, named as the operator API names it (Type:value, bare for ISO14443). */
async function token(type: string, extra: Record<string, unknown> = {}) {
  const value = unique('T');
  const name = type === 'ISO14443' ? value : `${type}:${value}`;
  expect((await csms.api.put(`/id-tags/${encodeURIComponent(name)}`, { status: 'Accepted', ...extra })).status).toBeLessThan(300);
  return { name, wire: { idToken: value, type } };
}
const started = (transactionId: string, idToken: Params, reservationId: number, evseId = 1) => ({
  eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId }, evse: { id: evseId, connectorId: 1 }, idToken, reservationId,
});
const reservation = async (id: string, reservationId: number) => (await csms.api.get(`/charge-points/${id}/reservations/${reservationId}`)).body;
const reservationsOf = async (id: string) => (await csms.api.get(`/reservations?chargePointId=${encodeURIComponent(id)}`)).body.items;

describe('H01 Reservation / H03 Use a reserved EVSE', () => {
  it('reserves an EVSE for a typed idToken with a group and connector type; the station shows Reserved; TransactionEvent Started with the reservationId uses it', async () => {
    const s = await reservingStation();
    const driver = await token('Central');
    const group = `Central:${unique('FLEET')}`;
    const expiryDate = inMinutes(30);
    const res = await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, connectorType: 'cType2', idTag: driver.name, parentIdTag: group, expiryDate });
    expect(res.status).toBe(201);
    const { reservationId } = res.body;
    expect(s.reserveRequests).toEqual([{
      id: reservationId, expiryDateTime: expiryDate, idToken: driver.wire, evseId: 1, connectorType: 'cType2', groupIdToken: { idToken: group.slice('Central:'.length), type: 'Central' },
    }]);
    expect(res.body).toEqual(expect.objectContaining({ reservationId, chargePointId: s.id, evseId: 1, connectorType: 'cType2', idTag: driver.name, parentIdTag: group, expiryDate, status: 'Active' }));
    expect(res.body.connectorId).toBeUndefined();

    await s.cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Reserved', evseId: 1, connectorId: 1 });
    expect((await csms.api.get(`/charge-points/${s.id}`)).body.connectors['1/1'].status).toBe('Reserved');
    expect(await reservationsOf(s.id)).toEqual([expect.objectContaining({ reservationId, evseId: 1, status: 'Active' })]);

    const transactionId = unique('TX-');
    expect(await s.cs.call('TransactionEvent', started(transactionId, driver.wire, reservationId))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    const used = await eventually(async () => {
      const r = await reservation(s.id, reservationId);
      return r.status === 'Used' ? r : undefined;
    });
    expect(used).toMatchObject({ transactionId, usedAt: expect.any(String) });
    expect((await csms.api.get(`/transactions/${transactionId}?chargePointId=${s.id}`)).body).toMatchObject({ reservationId, idTag: driver.wire.idToken, idTokenType: 'Central' });
    await s.cs.close();
  });

  it('any EVSE (no evseId); used by a token of the reserved group, not by an unrelated token of the same value and another type', async () => {
    const s = await reservingStation();
    const group = await token('Central');
    const owner = await token('ISO14443');
    const member = await token('eMAID', { parentIdTag: group.name });
    const impostor = { idToken: owner.wire.idToken, type: 'KeyCode' }; // same value, another kind: another token
    await csms.api.put(`/id-tags/KeyCode:${impostor.idToken}`, { status: 'Accepted' });
    const res = await csms.api.post('/reservations', { chargePointId: s.id, idTag: owner.name, parentIdTag: group.name, expiryDate: inMinutes(30) });
    expect(res.status).toBe(201);
    expect(s.reserveRequests[0]).toEqual({ id: res.body.reservationId, expiryDateTime: expect.any(String), idToken: owner.wire, groupIdToken: group.wire });
    expect(res.body.evseId).toBeUndefined();

    await s.cs.call('TransactionEvent', started(unique('TX-'), impostor, res.body.reservationId, 2));
    await pause(200);
    expect((await reservation(s.id, res.body.reservationId)).status).toBe('Active');

    const byMember = unique('TX-');
    await s.cs.call('TransactionEvent', started(byMember, member.wire, res.body.reservationId, 2));
    expect(await eventually(async () => {
      const r = await reservation(s.id, res.body.reservationId);
      return r.status === 'Used' ? r : undefined;
    })).toMatchObject({ transactionId: byMember });
    await s.cs.close();
  });

  it('records nothing when the station answers Occupied, Faulted, Unavailable or Rejected', async () => {
    for (const answer of ['Occupied', 'Faulted', 'Unavailable', 'Rejected']) {
      const s = await reservingStation({ answer });
      const res = await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, idTag: 'T1', expiryDate: inMinutes(5) });
      expect([answer, res.status, res.body]).toEqual([answer, 409, { error: 'ReservationRejected', message: `The charge point answered ReserveNow with ${answer}` }]);
      expect(await reservationsOf(s.id)).toEqual([]);
      await s.cs.close();
    }
  });

  it('refuses what the station\'s version cannot carry, before sending anything', async () => {
    const s = await reservingStation();
    for (const [body, message] of [
      [{ connectorId: 1, idTag: 'T' }, /evseId/],
      [{ evseId: 0, idTag: 'T' }, /evseId/],
      [{ evseId: 1, idTag: `Central:${'X'.repeat(37)}` }, /36/],
      [{ evseId: 1, idTag: 'T', parentIdTag: 'Y'.repeat(37) }, /parentIdTag/],
    ] as const) {
      const res = await csms.api.post('/reservations', { chargePointId: s.id, expiryDate: inMinutes(5), ...body });
      expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(message)]);
    }
    // Checked against the station's schema: 2.0.1 ConnectorEnumType; 2.1 ConnectorEnumStringType, any string of ≤ 20.
    const wrongType = await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, connectorType: protocol2x() === 'ocpp2.1' ? 'C'.repeat(21) : 'Type2', idTag: 'T', expiryDate: inMinutes(5) });
    expect([wrongType.status, wrongType.body.error]).toEqual([400, 'InvalidPayload']);
    expect(s.reserveRequests).toEqual([]);

    const oldId = newId('RES16');
    const old = await strictClient(csms.chargePointUrl, oldId, 'ocpp1.6');
    await old.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
    const res16 = await csms.api.post('/reservations', { chargePointId: oldId, evseId: 1, idTag: 'T', expiryDate: inMinutes(5) });
    expect([res16.status, res16.body.message]).toEqual([400, expect.stringMatching(/connectorId/)]);
    await Promise.all([s.cs.close(), old.close()]);
  });

  it('applies a ReserveNow made through the generic calls API (typed token kept)', async () => {
    const s = await reservingStation();
    const reservationId = 900_000 + Math.floor(Math.random() * 100_000);
    const idToken = { idToken: unique('RAW'), type: 'eMAID' };
    const raw = await csms.api.post(`/charge-points/${s.id}/calls/ReserveNow`, { id: reservationId, expiryDateTime: inMinutes(10), idToken, evseId: 2 });
    expect(raw.body).toEqual({ response: { status: 'Accepted' } });
    expect(await reservationsOf(s.id)).toEqual([expect.objectContaining({ reservationId, evseId: 2, idTag: `eMAID:${idToken.idToken}`, status: 'Active' })]);
    await s.cs.close();
  });
});

describe('H02 Cancel Reservation', () => {
  it('Accepted → Cancelled; a reservation the station no longer holds → 409, unchanged', async () => {
    const s = await reservingStation();
    const { body: resv } = await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, idTag: 'T1', expiryDate: inMinutes(30) });
    const cancelled = await csms.api.delete(`/charge-points/${s.id}/reservations/${resv.reservationId}`);
    expect(s.cancelRequests).toEqual([{ reservationId: resv.reservationId }]);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ reservationId: resv.reservationId, status: 'Cancelled', cancelledAt: expect.any(String) });

    const again = await csms.api.delete(`/charge-points/${s.id}/reservations/${resv.reservationId}`);
    expect([again.status, again.body.error]).toEqual([409, 'CancelRejected']);
    expect((await reservation(s.id, resv.reservationId)).status).toBe('Cancelled');
    await s.cs.close();
  });
});

describe('H04 Reservation Ended, not used', () => {
  it('expires at its expiryDateTime through the reservation-expiry workflow; the station\'s later Expired changes nothing; a late transaction does not use it', async () => {
    const s = await reservingStation();
    const driver = await token('ISO14443');
    const res = await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, idTag: driver.name, expiryDate: inSeconds(1.5) });
    expect(res.status).toBe(201);
    const expired = await eventually(async () => {
      const r = await reservation(s.id, res.body.reservationId);
      return r.expiredAt ? r : undefined; // set by the workflow, not only derived on read
    }, 6000);
    expect(expired.status).toBe('Expired');
    expect(expired.stationStatus).toBeUndefined();
    await s.statusUpdate(res.body.reservationId, 'Expired');
    expect(await reservation(s.id, res.body.reservationId)).toEqual(expired);

    await s.cs.call('TransactionEvent', started(unique('TX-'), driver.wire, res.body.reservationId));
    await pause(200);
    expect((await reservation(s.id, res.body.reservationId)).status).toBe('Expired');
    await s.cs.close();
  });

  it('ReservationStatusUpdate: Removed → Cancelled, Expired (station\'s clock first) → Expired, an unknown id is still answered', async () => {
    const s = await reservingStation();
    const removed = (await csms.api.post('/reservations', { chargePointId: s.id, evseId: 1, idTag: 'T1', expiryDate: inMinutes(30) })).body;
    const early = (await csms.api.post('/reservations', { chargePointId: s.id, evseId: 2, idTag: 'T2', expiryDate: inMinutes(30) })).body;

    await s.statusUpdate(removed.reservationId, 'Removed');
    expect(await reservation(s.id, removed.reservationId)).toMatchObject({ status: 'Cancelled', stationStatus: 'Removed', cancelledAt: expect.any(String) });
    await s.statusUpdate(early.reservationId, 'Expired');
    expect(await reservation(s.id, early.reservationId)).toMatchObject({ status: 'Expired', stationStatus: 'Expired', expiredAt: expect.any(String) });
    await s.statusUpdate(424_242_424, 'Removed');

    // The station no longer holds them: cancelling is refused, the record stays.
    expect((await csms.api.delete(`/charge-points/${s.id}/reservations/${removed.reservationId}`)).status).toBe(409);
    expect((await csms.api.get(`/reservations?chargePointId=${s.id}&status=Active`)).body.items).toEqual([]);
    await s.cs.close();
  });
});

describe('CLI: npm run cli -- reserve / reservations for a 2.0.1 station', () => {
  it('reserves an EVSE and lists it by EVSE, not by connector', async () => {
    const { main: cli } = await import('../../infra/cli');
    const { id, reserveRequests } = await reservingStation();
    const tag = await token('ISO14443');
    let out = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (out += t), tty: false };
    expect(await cli(['reserve', id, '--api', csms.apiUrl, '--evse', '1', '--id-tag', tag.name, '--minutes', '30'], io)).toBe(0);
    expect(reserveRequests.at(-1)).toMatchObject({ evseId: 1, idToken: tag.wire });
    expect(out).toMatch(new RegExp(`on ${id} EVSE 1 for ${tag.name} until .*: Active`));
    out = '';
    expect(await cli(['reservations', '--api', csms.apiUrl, '--charge-point', id], io)).toBe(0);
    expect(out).toMatch(/EVSE 1 /);
    expect(out).not.toMatch(/connector undefined/);
  });
});
