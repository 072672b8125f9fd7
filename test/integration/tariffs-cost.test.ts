/**
 * The cost of sessions and their CDRs end to end (docs/tariffs.md): strict 1.6 and 2.0.1 stations
 * against the real local runtime, the running cost while a session is active, the final cost and
 * one CDR when it ends (also under a retried stop), GET /api/cdrs in JSON and CSV.
 * Times are the station's, set in the past, so final amounts do not depend on the test's speed.
 */
import { bootCsms } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(() => csms?.close());

const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN - 180 * MIN;
const at = (min: number) => new Date(T0 + min * MIN).toISOString();
let seq = 0;
const unique = (p: string) => `${p}${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 6)}`.toUpperCase().slice(0, 20);

async function tariffFor(cpId: string, tariff: unknown) {
  const tariffId = unique('T');
  expect((await csms.api.put(`/tariffs/${tariffId}`, tariff)).status).toBe(201);
  expect((await csms.api.put(`/charge-points/${cpId}`, { tariffId })).status).toBe(201);
  return tariffId;
}

describe('1.6: running cost, final cost and one CDR', () => {
  // FLAT 1.00 + ENERGY 0.25/kWh (10 % VAT) + TIME 1.20/h per minute
  const tariff = {
    currency: 'EUR',
    elements: [{ price_components: [{ type: 'FLAT', price: 1, step_size: 1 }, { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }, { type: 'TIME', price: 1.2, step_size: 60 }] }],
  };
  const reading = (min: number, wh: number) => ({ timestamp: at(min), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] });

  it('meter values in any order, repeated, with a glitch; the stop retried; CDR once, in JSON and CSV', async () => {
    const cpId = newId();
    const tariffId = await tariffFor(cpId, tariff);
    const idTag = unique('C');
    await csms.api.put(`/id-tags/${idTag}`, { status: 'Accepted' });
    const cp = await strictClient(csms.chargePointUrl, cpId, 'ocpp1.6');
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 1000, timestamp: at(0) });

    const mv = (r: ReturnType<typeof reading>) => cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [r] });
    await mv(reading(30, 3000));
    await mv(reading(15, 2000)); // late, older
    await mv(reading(30, 3000)); // repeated
    await mv(reading(40, 50)); // a glitch
    await mv(reading(45, 4000));
    const running = (await csms.api.get(`/transactions/${transactionId}`)).body;
    // energy so far 3 kWh: ENERGY 0.75 (+0.075 VAT) + FLAT 1.00 + TIME since at(0) up to now (≥ 3 h: ≥ 3.60)
    expect(running.cost).toMatchObject({ status: 'running', tariffId, currency: 'EUR', energyWh: 3000 });
    expect(running.cost.breakdown.find((l: { type: string }) => l.type === 'ENERGY')).toMatchObject({ volume: 3, exclVat: 0.75, vatAmount: 0.075 });
    expect(running.cost.totalExclVat).toBeGreaterThanOrEqual(1 + 0.75 + 3.6);

    const stop = { transactionId, meterStop: 5000, timestamp: at(60), reason: 'EVDisconnected' };
    await cp.call('StopTransaction', stop);
    await cp.call('StopTransaction', stop); // a retry
    const final = (await csms.api.get(`/transactions/${transactionId}`)).body;
    // 4 kWh: 1.00 (+0.10) + FLAT 1.00 + 60 min × 1.20/h = 1.20 → 3.20 / 3.30
    expect(final.cost).toMatchObject({ status: 'final', totalExclVat: 3.2, totalInclVat: 3.3, energyWh: 4000 });
    const listed = (await csms.api.get(`/transactions?chargePointId=${cpId}`)).body.items;
    expect(listed).toEqual([expect.objectContaining({ transactionId, cdrId: `${cpId}-${transactionId}`, cost: expect.objectContaining({ status: 'final', totalInclVat: 3.3 }) })]);

    const cdrs = await csms.api.get(`/cdrs?chargePointId=${cpId}`);
    expect(cdrs.status).toBe(200);
    expect(cdrs.body.items).toHaveLength(1);
    expect(cdrs.body.items[0]).toMatchObject({
      id: `${cpId}-${transactionId}`, session_id: String(transactionId), start_date_time: at(0), end_date_time: at(60), currency: 'EUR',
      cdr_token: { uid: idTag }, cdr_location: { id: cpId, connector_id: '1' }, total_cost: { excl_vat: 3.2, incl_vat: 3.3 }, total_energy: 4, total_time: 1,
      tariffs: [expect.objectContaining({ id: tariffId })],
    });
    // Date filters on the end of the session.
    expect((await csms.api.get(`/cdrs?chargePointId=${cpId}&from=${at(61)}`)).body.items).toEqual([]);
    expect((await csms.api.get(`/cdrs?chargePointId=${cpId}&from=${at(59)}&to=${at(61)}`)).body.items).toHaveLength(1);

    // A second, different stop changes nothing of the first (the first stop wins), and the CDR never changes.
    await cp.call('StopTransaction', { ...stop, meterStop: 9000, timestamp: at(90) });
    expect((await csms.api.get(`/cdrs?chargePointId=${cpId}`)).body.items).toEqual(cdrs.body.items);
    expect((await csms.api.get(`/transactions/${transactionId}`)).body.cost).toEqual(final.cost);

    const csv = await fetch(`${csms.apiUrl}/cdrs?chargePointId=${cpId}`, { headers: { accept: 'text/csv' } });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0].split(',')).toContain('total_cost_incl_vat');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${cpId}-${transactionId},${at(0)},${at(60)}`);
    expect(lines[1].endsWith(',3.2,3.3')).toBe(true);
    expect((await fetch(`${csms.apiUrl}/cdrs?chargePointId=${cpId}&format=csv`)).headers.get('content-type')).toMatch(/^text\/csv/);
    await cp.close();
  });

  it('1.6 answers carry no cost (StopTransaction.conf has no field for it)', async () => {
    const cpId = newId();
    await tariffFor(cpId, tariff);
    const idTag = unique('C');
    await csms.api.put(`/id-tags/${idTag}`, { status: 'Accepted' });
    const cp = await strictClient(csms.chargePointUrl, cpId, 'ocpp1.6');
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: at(0) });
    expect(await cp.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: at(10) })).toEqual({});
    await cp.close();
  });

  it('a used reservation is priced by the tariff\'s reservation elements in the final cost', async () => {
    const cpId = newId();
    await tariffFor(cpId, {
      currency: 'EUR',
      elements: [
        { price_components: [{ type: 'FLAT', price: 2, step_size: 1 }], restrictions: { reservation: 'RESERVATION' } },
        { price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }] },
      ],
    });
    const idTag = unique('C');
    await csms.api.put(`/id-tags/${idTag}`, { status: 'Accepted' });
    const cp = await strictClient(csms.chargePointUrl, cpId, 'ocpp1.6');
    cp.handle('ReserveNow', async () => ({ status: 'Accepted' }));
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
    const resv = await csms.api.post('/reservations', { chargePointId: cpId, connectorId: 1, idTag, expiryDate: new Date(Date.now() + 30 * MIN).toISOString() });
    expect(resv.status).toBe(201);
    // The session starts 5 minutes after the reservation was made (station time).
    const start = Date.parse(resv.body.createdAt) + 5 * MIN;
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: new Date(start).toISOString(), reservationId: resv.body.reservationId });
    await cp.call('StopTransaction', { transactionId, meterStop: 4000, timestamp: new Date(start + 30 * MIN).toISOString() });
    const final = (await csms.api.get(`/transactions/${transactionId}`)).body.cost;
    // reservation fee 2.00 + 4 kWh × 0.25 = 1.00
    expect(final).toMatchObject({ status: 'final', totalExclVat: 3 });
    expect(final.breakdown.find((l: { phase: string }) => l.phase === 'reservation')).toMatchObject({ type: 'FLAT', exclVat: 2 });
    const cdr = (await csms.api.get(`/cdrs?chargePointId=${cpId}`)).body.items[0];
    expect(cdr.total_reservation_cost).toEqual({ excl_vat: 2, incl_vat: 2 });
    await cp.close();
  });

  it('bad filters are 400 with a message', async () => {
    for (const q of ['from=yesterday', 'to=2024-13-45T00:00:00Z', 'from=2024-06-02T00:00:00Z&to=2024-06-01T00:00:00Z', 'format=xml', 'limit=0']) {
      const res = await csms.api.get(`/cdrs?${q}`);
      expect([q, res.status, res.body.error]).toEqual([q, 400, 'BadRequest']);
      expect(res.body.message).toMatch(/from|to|format|limit/);
    }
  });

  it('paging: limit=1 gives full pages with a nextToken until the last', async () => {
    const cpId = newId();
    await tariffFor(cpId, tariff);
    const idTag = unique('C');
    await csms.api.put(`/id-tags/${idTag}`, { status: 'Accepted' });
    const cp = await strictClient(csms.chargePointUrl, cpId, 'ocpp1.6');
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
    for (let i = 0; i < 3; i++) {
      const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: at(i * 10) });
      await cp.call('StopTransaction', { transactionId, meterStop: 1000, timestamp: at(i * 10 + 5) });
    }
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = (await csms.api.get(`/cdrs?chargePointId=${cpId}&limit=1${token ? `&nextToken=${token}` : ''}`)).body;
      ids.push(...page.items.map((c: { id: string }) => c.id));
      token = page.nextToken;
    } while (token);
    expect(new Set(ids).size).toBe(3);
    await cp.close();
  });
});

describe('2.0.1: charging and parking time from chargingState, final cost, CDR', () => {
  it('60 min charging, 20 min SuspendedEV: TIME 2.00/h + PARKING 6.00/h per 15 min + ENERGY 0.25', async () => {
    const cpId = newId();
    const tariffId = await tariffFor(cpId, {
      currency: 'EUR',
      elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, step_size: 1 }, { type: 'TIME', price: 2, step_size: 60 }, { type: 'PARKING_TIME', price: 6, step_size: 900 }] }],
    });
    const cs = await strictClient(csms.chargePointUrl, cpId, protocol2x());
    await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC' } });
    const t = unique('TX-');
    const register = (min: number, wh: number, context?: string) => ({ timestamp: at(min), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' }, ...(context ? { context } : {}) }] });
    const ev = (eventType: string, triggerReason: string, seqNo: number, min: number, extra: Record<string, unknown> = {}) =>
      cs.call('TransactionEvent', { eventType, timestamp: at(min), triggerReason, seqNo, ...extra, transactionInfo: { transactionId: t, ...(extra.transactionInfo as object) } });
    // I02/I03: no cost in the Started answer; the running cost (incl. VAT) in Updated answers, the final one in the Ended answer.
    expect(await ev('Started', 'CablePluggedIn', 0, 0, { evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' }, meterValue: [register(0, 1000, 'Transaction.Begin')] })).toEqual({});
    // 2 kWh 0.50 + 30 min 1.00
    expect(await ev('Updated', 'MeterValuePeriodic', 1, 30, { transactionInfo: { chargingState: 'Charging' }, meterValue: [register(30, 3000)] }))
      .toEqual({ totalCost: 1.5, updatedPersonalMessage: { format: 'UTF8', content: 'EUR 1.50 incl. VAT so far, 2.00 kWh' } });
    const running = (await csms.api.get(`/transactions/${t}?chargePointId=${cpId}`)).body;
    expect(running.cost).toMatchObject({ status: 'running', tariffId, energyWh: 2000 });
    // 4 kWh 1.00 + 60 min 2.00
    expect((await ev('Updated', 'ChargingStateChanged', 2, 60, { transactionInfo: { chargingState: 'SuspendedEV' }, meterValue: [register(60, 5000)] })).totalCost).toBe(3);
    const end = { transactionInfo: { stoppedReason: 'EVDisconnected', chargingState: 'Idle' }, meterValue: [register(80, 5000, 'Transaction.End')] };
    const ended = { totalCost: 6, updatedPersonalMessage: { format: 'UTF8', content: 'Total EUR 6.00 incl. VAT, 4.00 kWh' } };
    expect(await ev('Ended', 'EVCommunicationLost', 3, 80, end)).toEqual(ended);
    expect(await ev('Ended', 'EVCommunicationLost', 3, 80, end)).toEqual(ended); // a retry: the same answer
    const final = (await csms.api.get(`/transactions/${t}?chargePointId=${cpId}`)).body;
    // ENERGY 4 kWh 1.00 + TIME 60 min 2.00 + PARKING 20 → 30 min 3.00 = 6.00
    expect(final.cost).toMatchObject({ status: 'final', totalExclVat: 6, totals: { energyKwh: 4, chargingHours: 1, parkingHours: 0.3333 } });
    const cdrs = (await csms.api.get(`/cdrs?chargePointId=${cpId}`)).body.items;
    expect(cdrs).toHaveLength(1);
    expect(cdrs[0]).toMatchObject({ session_id: t, total_cost: { excl_vat: 6, incl_vat: 6 }, total_energy: 4, total_parking_time: 0.3333, total_time: 1.3333, total_parking_cost: { excl_vat: 3 } });
    await cs.close();
  });
});
