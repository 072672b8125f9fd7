/**
 * OCPP 1.6 block B (transactions) and the CSMS side of block D (authentication) with independent
 * strict charge points against the real local runtime: one test per use case of the 1.6 overview.
 */
import { bootCsms } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };
let tagSeq = 0;
/** A fresh idTag (1.6 IdToken: at most 20 characters). */
const newTag = () => `T${process.pid % 1000}${++tagSeq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

async function station(id = newId()) {
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  expect((await cp.call('BootNotification', boot16)).status).toBe('Accepted');
  const status = (connectorId: number, s: string, extra: Record<string, unknown> = {}) =>
    cp.call('StatusNotification', { connectorId, errorCode: 'NoError', status: s, timestamp: new Date().toISOString(), ...extra });
  return { id, cp, status };
}
async function acceptedTag(body: Record<string, unknown> = {}) {
  const tag = newTag();
  expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted', ...body })).status).toBe(201);
  return tag;
}
const energy = (wh: number, context = 'Sample.Periodic') => ({ value: String(wh), context, measurand: 'Energy.Active.Import.Register', unit: 'Wh', location: 'Outlet' });
const getTx = async (id: number) => (await csms.api.get(`/transactions/${id}`)).body;

describe('Start transaction (1.6 block B)', () => {
  it('cable plugin first: Preparing, Authorize, StartTransaction, Charging, meter values, StopTransaction', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    await status(1, 'Preparing');
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo).toEqual({ status: 'Accepted' });
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 1000, timestamp: new Date().toISOString() });
    expect(start.idTagInfo.status).toBe('Accepted');
    expect(Number.isInteger(start.transactionId) && start.transactionId > 0 && start.transactionId <= 2 ** 31 - 1).toBe(true);
    await status(1, 'Charging');
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [energy(1500)] }] });
    expect(await cp.call('StopTransaction', { transactionId: start.transactionId, idTag: tag, meterStop: 2500, timestamp: new Date().toISOString() }))
      .toEqual({ idTagInfo: { status: 'Accepted' } });
    await status(1, 'Finishing');

    const tx = await getTx(start.transactionId);
    expect(tx).toMatchObject({
      transactionId: start.transactionId, chargePointId: id, connectorId: 1, idTag: tag, meterStart: 1000, meterStop: 2500,
      energyWh: 1500, active: false, stopReason: 'Local', authorizationStatus: 'Accepted',
    });
    expect(tx.meterValues).toHaveLength(1);
    await cp.close();
  });

  it('identification first: Authorize before the cable, then the start', async () => {
    const { cp, status } = await station();
    const tag = await acceptedTag();
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted');
    await status(1, 'Preparing');
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() });
    expect(start.idTagInfo.status).toBe('Accepted');
    expect((await getTx(start.transactionId)).active).toBe(true);
    await cp.close();
  });

  it('cached id: the station starts from its cache; the CSMS re-checks the tag, which was blocked meanwhile (§4.8)', async () => {
    const { cp } = await station();
    const tag = await acceptedTag();
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted'); // now in the station's cache
    await csms.api.put(`/id-tags/${tag}`, { status: 'Blocked' });
    // The station authorises locally from its cache and sends no Authorize.
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 10, timestamp: new Date().toISOString() });
    expect(start.idTagInfo.status).toBe('Blocked');
    expect(await getTx(start.transactionId)).toMatchObject({ active: true, authorizationStatus: 'Blocked' });
    // StopTransactionOnInvalidId: the station stops it, DeAuthorized.
    await cp.call('StopTransaction', { transactionId: start.transactionId, meterStop: 12, timestamp: new Date().toISOString(), reason: 'DeAuthorized' });
    expect(await getTx(start.transactionId)).toMatchObject({ active: false, stopReason: 'DeAuthorized', energyWh: 2 });
    await cp.close();
  });

  it('running transaction: a second connector starts while the first runs; both show on the charge point', async () => {
    const { id, cp, status } = await station();
    const [a, b] = [await acceptedTag(), await acceptedTag()];
    const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: a, meterStart: 0, timestamp: new Date().toISOString() });
    await status(1, 'Charging');
    const t2 = await cp.call('StartTransaction', { connectorId: 2, idTag: b, meterStart: 500, timestamp: new Date().toISOString() });
    await status(2, 'Charging');
    expect(t2.transactionId).not.toBe(t1.transactionId);
    const view = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(view.connectors).toMatchObject({ 1: { status: 'Charging' }, 2: { status: 'Charging' } });
    expect(view.activeTransactions.map((t: { transactionId: number; connectorId: number }) => [t.connectorId, t.transactionId]).sort())
      .toEqual([[1, t1.transactionId], [2, t2.transactionId]]);
    await cp.call('StopTransaction', { transactionId: t1.transactionId, idTag: a, meterStop: 100, timestamp: new Date().toISOString() });
    const after = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(after.activeTransactions.map((t: { transactionId: number }) => t.transactionId)).toEqual([t2.transactionId]);
    await cp.close();
  });
});

describe('Local start/stop (1.6 block B)', () => {
  it('stops with the start tag (reason omitted = Local) or with another tag of the same group (§3.10)', async () => {
    const { cp } = await station();
    const group = `G${newTag()}`.slice(0, 20);
    const [driver, partner, stranger] = [await acceptedTag({ parentIdTag: group }), await acceptedTag({ parentIdTag: group }), await acceptedTag()];
    const auth = await cp.call('Authorize', { idTag: driver });
    expect(auth.idTagInfo).toEqual({ status: 'Accepted', parentIdTag: group });

    const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: driver, meterStart: 0, timestamp: new Date().toISOString() });
    expect(t1.idTagInfo.parentIdTag).toBe(group);
    // Another driver of the group stops it: the station asks first (§4.1), then stops.
    expect((await cp.call('Authorize', { idTag: partner })).idTagInfo).toEqual({ status: 'Accepted', parentIdTag: group });
    expect((await cp.call('StopTransaction', { transactionId: t1.transactionId, idTag: partner, meterStop: 700, timestamp: new Date().toISOString() })).idTagInfo.parentIdTag).toBe(group);
    expect(await getTx(t1.transactionId)).toMatchObject({ idTag: driver, stopIdTag: partner, stopReason: 'Local', energyWh: 700 });

    const t2 = await cp.call('StartTransaction', { connectorId: 1, idTag: stranger, meterStart: 700, timestamp: new Date().toISOString() });
    await cp.call('StopTransaction', { transactionId: t2.transactionId, idTag: stranger, meterStop: 900, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });
    expect(await getTx(t2.transactionId)).toMatchObject({ stopReason: 'EVDisconnected', energyWh: 200 });
    await cp.close();
  });
});

describe('Offline behaviour (1.6 §3.5, §3.7)', () => {
  it('offline start and stop: queued messages with old timestamps arrive in order and are taken as they are', async () => {
    const { cp, status } = await station();
    const tag = await acceptedTag();
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 5000, timestamp: minutesAgo(120) });
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: minutesAgo(90), sampledValue: [energy(5600)] }] });
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [{ timestamp: minutesAgo(75), sampledValue: [energy(5900)] }] });
    await cp.call('StopTransaction', { transactionId: start.transactionId, idTag: tag, meterStop: 6100, timestamp: minutesAgo(60), reason: 'Local' });
    await status(1, 'Available'); // the current status, sent when back online

    const tx = await getTx(start.transactionId);
    expect(Date.parse(tx.startedAt)).toBeCloseTo(Date.now() - 120 * 60_000, -4);
    expect(Date.parse(tx.stoppedAt)).toBeCloseTo(Date.now() - 60 * 60_000, -4);
    expect(tx.energyWh).toBe(1100);
    expect(tx.meterValues.map((v: { sampledValue: Array<{ value: string }> }) => v.sampledValue[0].value)).toEqual(['5600', '5900']);
    await cp.close();
  });

  it('offline authorization: a tag the station let in offline that is Blocked/unknown gets the true verdict; the transaction is still recorded', async () => {
    const { cp } = await station();
    const blocked = newTag();
    await csms.api.put(`/id-tags/${blocked}`, { status: 'Blocked' });
    const unknown = newTag(); // AllowOfflineTxForUnknownId
    const expired = await acceptedTag({ expiryDate: minutesAgo(5) }); // valid in an old cache entry, expired now

    const a = await cp.call('StartTransaction', { connectorId: 1, idTag: blocked, meterStart: 0, timestamp: minutesAgo(30) });
    const b = await cp.call('StartTransaction', { connectorId: 2, idTag: unknown, meterStart: 0, timestamp: minutesAgo(20) });
    const c = await cp.call('StartTransaction', { connectorId: 3, idTag: expired, meterStart: 0, timestamp: minutesAgo(10) });
    expect([a.idTagInfo.status, b.idTagInfo.status, c.idTagInfo.status]).toEqual(['Blocked', 'Invalid', 'Expired']);
    for (const t of [a, b, c]) expect((await getTx(t.transactionId)).active).toBe(true);
    expect((await getTx(a.transactionId)).authorizationStatus).toBe('Blocked');
    // StopTransactionOnInvalidId=true: the station stops them, DeAuthorized.
    await cp.call('StopTransaction', { transactionId: a.transactionId, meterStop: 50, timestamp: new Date().toISOString(), reason: 'DeAuthorized' });
    expect(await getTx(a.transactionId)).toMatchObject({ active: false, stopReason: 'DeAuthorized', energyWh: 50 });
    await cp.close();
  });
});

describe('Retried transaction messages (OCPP-J: same or new message id)', () => {
  it('a retried StartTransaction gets the same transactionId and creates nothing new', async () => {
    const id = newId();
    const tag = await acceptedTag();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
    expect((await ws.exchange([2, 'b', 'BootNotification', boot16]))[2].status).toBe('Accepted');
    const req = { connectorId: 1, idTag: tag, meterStart: 42, timestamp: minutesAgo(1) };
    const first = await ws.exchange([2, 's1', 'StartTransaction', req]);
    const sameId = await ws.exchange([2, 's1', 'StartTransaction', req]);
    const newMsgId = await ws.exchange([2, 's2', 'StartTransaction', { ...req }]);
    expect(first[0]).toBe(3);
    expect(sameId[2].transactionId).toBe(first[2].transactionId);
    expect(newMsgId[2].transactionId).toBe(first[2].transactionId);
    // A different start (another meterStart) is a new transaction.
    const other = await ws.exchange([2, 's3', 'StartTransaction', { ...req, meterStart: 43 }]);
    expect(other[2].transactionId).not.toBe(first[2].transactionId);

    const list = await csms.api.get(`/transactions?chargePointId=${id}`);
    expect(list.body.items.map((t: { transactionId: number }) => t.transactionId).sort()).toEqual([first[2].transactionId, other[2].transactionId].sort());
    await ws.close();
  });

  it('a retried StopTransaction stops once; a different second stop changes nothing', async () => {
    const id = newId();
    const tag = await acceptedTag();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
    await ws.exchange([2, 'b', 'BootNotification', boot16]);
    const [, , start] = await ws.exchange([2, 's', 'StartTransaction', { connectorId: 1, idTag: tag, meterStart: 100, timestamp: minutesAgo(10) }]);
    const stop = { transactionId: start.transactionId, idTag: tag, meterStop: 400, timestamp: minutesAgo(1), reason: 'Local', transactionData: [{ timestamp: minutesAgo(1), sampledValue: [energy(400, 'Transaction.End')] }] };
    const a = await ws.exchange([2, 'x1', 'StopTransaction', stop]);
    const b = await ws.exchange([2, 'x1', 'StopTransaction', stop]);
    const c = await ws.exchange([2, 'x2', 'StopTransaction', stop]);
    const d = await ws.exchange([2, 'x3', 'StopTransaction', { ...stop, meterStop: 999, timestamp: new Date().toISOString(), reason: 'Other', transactionData: undefined }]);
    for (const r of [a, b, c, d]) expect(r[2]).toEqual({ idTagInfo: { status: 'Accepted' } });
    const tx = await getTx(start.transactionId);
    expect(tx).toMatchObject({ meterStop: 400, stopReason: 'Local', energyWh: 300, active: false });
    expect(Date.parse(tx.stoppedAt)).toBeLessThan(Date.now() - 30_000);
    expect(tx.meterValues).toHaveLength(1); // the retried transactionData did not add copies
    await ws.close();
  });

  it('a StopTransaction for an unknown transaction is answered normally and recorded as an anomaly', async () => {
    const { id, cp } = await station();
    const tag = await acceptedTag();
    expect(await cp.call('StopTransaction', { transactionId: 2_000_000_000, idTag: tag, meterStop: 10, timestamp: new Date().toISOString() }))
      .toEqual({ idTagInfo: { status: 'Accepted' } });
    expect(await cp.call('StopTransaction', { transactionId: 1_999_999_999, meterStop: 10, timestamp: new Date().toISOString() })).toEqual({});
    // MeterValues for an unknown transaction are answered too (and kept under that id).
    expect(await cp.call('MeterValues', { connectorId: 1, transactionId: 1_999_999_998, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1' }] }] })).toEqual({});
    const events = await csms.api.get(`/charge-points/${id}/events?kind=anomaly`);
    expect(events.body.items.map((e: { anomaly: string; transactionId: string }) => [e.anomaly, e.transactionId]).sort())
      .toEqual([['UnknownTransactionId', '1999999999'], ['UnknownTransactionId', '2000000000']]);
    // Nothing was created for them.
    expect((await csms.api.get(`/transactions?chargePointId=${id}`)).body.items).toEqual([]);
    await cp.close();
  });
});

describe('Odd but schema-valid input', () => {
  it('an empty idTag is Invalid, and a transaction started with it is still recorded; a broken payload gets a CALLERROR', async () => {
    const { id, cp } = await station();
    expect((await cp.call('Authorize', { idTag: '' })).idTagInfo).toEqual({ status: 'Invalid' });
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: '', meterStart: 0, timestamp: new Date().toISOString() });
    expect(start.idTagInfo.status).toBe('Invalid');
    expect(await getTx(start.transactionId)).toMatchObject({ chargePointId: id, idTag: '', authorizationStatus: 'Invalid', active: true });
    expect(await cp.call('StopTransaction', { transactionId: start.transactionId, idTag: '', meterStop: 0, timestamp: new Date().toISOString() })).toEqual({ idTagInfo: { status: 'Invalid' } });
    await cp.close();

    const ws = await rawClient(`${csms.chargePointUrl}/${newId()}`, 'ocpp1.6');
    await ws.exchange([2, 'b', 'BootNotification', boot16]);
    expect(await ws.exchange([2, 'm1', 'StartTransaction', { connectorId: 1, idTag: 'X', timestamp: new Date().toISOString() }]))
      .toEqual([4, 'm1', 'OccurenceConstraintViolation', expect.stringMatching(/meterStart/), expect.anything()]);
    expect((await ws.exchange([2, 'm2', 'StopTransaction', { transactionId: 'seven', meterStop: 1, timestamp: new Date().toISOString() }]))[2]).toBe('TypeConstraintViolation');
    expect((await ws.exchange([2, 'm3', 'MeterValues', { connectorId: 1 }]))[2]).toBe('OccurenceConstraintViolation');
    expect(await ws.exchange([2, 'm4', 'MeterValues', { connectorId: 1, meterValue: [] }])).toEqual([3, 'm4', {}]); // the 1.6 schema allows it: nothing to keep
    await ws.close();
  });
});

describe('Meter values (1.6 §4.7)', () => {
  it('keeps every measurand, phase, location, unit, context and format, in and outside transactions, in order', async () => {
    const { id, cp } = await station();
    const tag = await acceptedTag();
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: minutesAgo(10) });
    const rich = {
      timestamp: minutesAgo(5),
      sampledValue: [
        { value: '12.5', context: 'Sample.Periodic', format: 'Raw', measurand: 'Current.Import', phase: 'L1', location: 'Outlet', unit: 'A' },
        { value: '12.4', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
        { value: '230.1', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
        { value: '3.2', measurand: 'Energy.Active.Import.Register', unit: 'kWh', location: 'Inlet' },
        { value: '55', measurand: 'SoC', location: 'EV', unit: 'Percent' },
        { value: '35.5', measurand: 'Temperature', location: 'Body', unit: 'Celsius' },
        { value: '0A1B2C', format: 'SignedData', context: 'Sample.Clock' },
      ],
    };
    const later = { timestamp: minutesAgo(2), sampledValue: [{ value: '3300' }] };
    const earlier = { timestamp: minutesAgo(8), sampledValue: [{ value: '1000', context: 'Sample.Clock' }] };
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [rich, later] });
    await cp.call('MeterValues', { connectorId: 1, transactionId: start.transactionId, meterValue: [earlier] }); // arrives late, reads back in time order
    await cp.call('MeterValues', { connectorId: 0, meterValue: [{ timestamp: minutesAgo(3), sampledValue: [{ value: '123456', context: 'Sample.Clock', measurand: 'Energy.Active.Import.Register' }] }] });
    await cp.call('MeterValues', { connectorId: 2, meterValue: [{ timestamp: minutesAgo(3), sampledValue: [{ value: '7', measurand: 'Power.Active.Import', unit: 'kW' }] }] });

    const tx = await getTx(start.transactionId);
    expect(tx.meterValues).toEqual([earlier, rich, later]);
    expect(tx.energyWh).toBeUndefined(); // running 1.6 transaction: energy known at the stop

    // Values outside a transaction are kept per connector.
    const { outOfTransactionMeterValues } = await import('../../shared/metering/record');
    expect(await outOfTransactionMeterValues(id, { connectorId: 0 })).toEqual([expect.objectContaining({ sampledValue: [expect.objectContaining({ value: '123456' })] })]);
    expect(await outOfTransactionMeterValues(id, { connectorId: 2 })).toHaveLength(1);
    await cp.close();
  });
});

describe('An operator follows a session from the API', () => {
  it('sees connector status, the running transaction with its meter values, the message log, then the result', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    await status(1, 'Preparing');
    await cp.call('Authorize', { idTag: tag });
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 20_000, timestamp: new Date().toISOString() });
    await status(1, 'Charging');
    for (const wh of [20_500, 21_000]) {
      await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [energy(wh), { value: '16', measurand: 'Current.Import', unit: 'A', phase: 'L1' }] }] });
    }

    const view = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(view.connectors['1'].status).toBe('Charging');
    expect(view.activeTransactions).toEqual([expect.objectContaining({ transactionId, connectorId: 1, idTag: tag, active: true, meterStart: 20_000 })]);
    const running = await csms.api.get(`/transactions?chargePointId=${id}&active=true`);
    expect(running.body.items.map((t: { transactionId: number }) => t.transactionId)).toEqual([transactionId]);
    expect((await getTx(transactionId)).meterValues).toHaveLength(2);

    await cp.call('StopTransaction', { transactionId, idTag: tag, meterStop: 21_200, timestamp: new Date().toISOString() });
    await status(1, 'Finishing');
    await status(1, 'Available');
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=true`)).body.items).toEqual([]);
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=false`)).body.items).toEqual([expect.objectContaining({ transactionId, energyWh: 1200 })]);
    const after = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(after).toMatchObject({ activeTransactions: [], connectors: { 1: { status: 'Available' } } });

    const log = await csms.api.get(`/charge-points/${id}/messages?limit=100`);
    const seen = log.body.items.map((m: { direction: string; action: string }) => `${m.direction}:${m.action}`);
    expect(seen).toEqual(expect.arrayContaining(['in:Authorize', 'in:StartTransaction', 'out:StartTransaction', 'in:MeterValues', 'in:StopTransaction', 'out:StopTransaction']));
    await cp.close();
  });
});

describe('Operator transaction API', () => {
  it('filters by idTag and active, pages with nextToken, and explains bad requests', async () => {
    const { id, cp } = await station();
    const tag = await acceptedTag();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { transactionId } = await cp.call('StartTransaction', { connectorId: i + 1, idTag: tag, meterStart: i, timestamp: new Date().toISOString() });
      ids.push(transactionId);
    }
    await cp.call('StopTransaction', { transactionId: ids[0], meterStop: 10, timestamp: new Date().toISOString() });

    const byTag = await csms.api.get(`/transactions?idTag=${tag.toLowerCase()}`); // tags are case-insensitive
    expect(byTag.body.items.map((t: { transactionId: number }) => t.transactionId).sort()).toEqual([...ids].sort());
    const seen: number[] = [];
    let next: string | undefined;
    do {
      const page = await csms.api.get(`/transactions?chargePointId=${id}&limit=1${next ? `&nextToken=${next}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((t: { transactionId: number }) => t.transactionId));
      next = page.body.nextToken;
    } while (next);
    expect(seen.sort()).toEqual([...ids].sort());
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=true`)).body.items).toHaveLength(2);

    expect((await csms.api.get('/transactions?active=maybe')).body).toMatchObject({ error: 'BadRequest', message: 'active must be true or false' });
    expect((await csms.api.get('/transactions?colour=red')).status).toBe(400);
    expect((await csms.api.get('/transactions?nextToken=garbage')).status).toBe(400);
    expect((await csms.api.get('/transactions/1999999990')).status).toBe(404);
    expect((await csms.api.get(`/transactions/${ids[1]}?chargePointId=nobody`)).status).toBe(404);
    expect((await csms.api.get(`/transactions/${ids[1]}?chargePointId=${id}`)).body.transactionId).toBe(ids[1]);
    await cp.close();
  });
});

describe('Data transfer (1.6 §4.3)', () => {
  it('answers UnknownVendorId, UnknownMessageId and the CSMS vendor messages Echo and Ping', async () => {
    const { cp } = await station();
    expect(await cp.call('DataTransfer', { vendorId: 'com.nobody', messageId: 'X', data: 'x' })).toEqual({ status: 'UnknownVendorId' });
    expect(await cp.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms', messageId: 'Nope' })).toEqual({ status: 'UnknownMessageId' });
    expect(await cp.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms' })).toEqual({ status: 'UnknownMessageId' });
    expect(await cp.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms', messageId: 'Echo', data: 'hello' })).toEqual({ status: 'Accepted', data: 'hello' });
    const ping = await cp.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms', messageId: 'Ping' });
    expect(ping.status).toBe('Accepted');
    expect(Math.abs(Date.parse(JSON.parse(ping.data).currentTime) - Date.now())).toBeLessThan(5000);
    await cp.close();
  });
});
