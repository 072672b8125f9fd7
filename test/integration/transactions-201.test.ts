/**
 * OCPP 2.0.1 transactions (E02–E09 as far as the CSMS is involved, retried events), remote
 * start/stop (F01–F03), meter values (J01/J02) and the shared blocks (DataTransfer,
 * ChangeAvailability), with strict 2.0.1 charging stations against the real local runtime.
 */
import { bootCsms } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';
import { getRemoteStart } from '../../shared/remote/remote-starts';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

let seq = 0;
const unique = (p: string) => `${p}${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
const now = () => new Date().toISOString();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function station(id = newId()) {
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  const boot = await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150' } });
  return { id, cs, boot };
}
async function acceptedToken(type = 'ISO14443', extra: Record<string, unknown> = {}) {
  const value = unique('K');
  await csms.api.put(`/id-tags/${type === 'ISO14443' ? value : `${type}:${value}`}`, { status: 'Accepted', ...extra });
  return { idToken: value, type };
}
const register = (wh: number, context?: string) => ({ timestamp: now(), sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' }, ...(context ? { context } : {}) }] });

/** A TransactionEvent builder: event(type, trigger, seqNo, txId, extra fields). */
function event(eventType: 'Started' | 'Updated' | 'Ended', triggerReason: string, seqNo: number, transactionId: string, extra: Params = {}) {
  const { transactionInfo, ...rest } = extra;
  return { eventType, timestamp: now(), triggerReason, seqNo, transactionInfo: { transactionId, ...transactionInfo }, ...rest };
}
const tx = async (cp: string, id: string) => (await csms.api.get(`/transactions/${id}?chargePointId=${cp}`)).body;

describe('2.0.1 transactions (E01–E15)', () => {
  it('E02 cable plugin first: Started without token, Authorized update answers idTokenInfo, charging, meter values, Ended', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken();
    const t = unique('TX-');
    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    expect(await cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'EVConnected' }, meterValue: [register(1000, 'Transaction.Begin')] }))).toEqual({});
    expect((await cs.call('Authorize', { idToken: token })).idTokenInfo.status).toBe('Accepted');
    expect(await cs.call('TransactionEvent', event('Updated', 'Authorized', 1, t, { idToken: token }))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    await cs.call('TransactionEvent', event('Updated', 'ChargingStateChanged', 2, t, { transactionInfo: { chargingState: 'Charging' } }));
    await cs.call('TransactionEvent', event('Updated', 'MeterValuePeriodic', 3, t, { meterValue: [register(1800)] }));

    const running = await tx(id, t);
    expect(running).toMatchObject({ transactionId: t, evseId: 1, connectorId: 1, idTag: token.idToken, idTokenType: 'ISO14443', active: true, meterStart: 1000, energyWh: 800, chargingState: 'Charging' });
    expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([expect.objectContaining({ transactionId: t, evseId: 1 })]);

    expect(await cs.call('TransactionEvent', event('Ended', 'StopAuthorized', 4, t, { idToken: token, transactionInfo: { stoppedReason: 'Local', chargingState: 'EVConnected' }, meterValue: [register(2500, 'Transaction.End')] })))
      .toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await tx(id, t)).toMatchObject({ active: false, meterStop: 2500, energyWh: 1500, stopReason: 'Local', stopIdTag: token.idToken, seqNos: [0, 1, 2, 3, 4], eventCount: 5 });
    expect((await tx(id, t)).meterValues.map((v: { sampledValue: Array<{ value: number }> }) => v.sampledValue[0].value)).toEqual([1000, 1800, 2500]);
    expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([]);
    await cs.close();
  });

  it('E03 idToken first: Authorize, then Started with the token answers idTokenInfo', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken('eMAID', { parentIdTag: 'Central:FLEET' });
    const t = unique('TX-');
    expect((await cs.call('Authorize', { idToken: token })).idTokenInfo.status).toBe('Accepted');
    expect(await cs.call('TransactionEvent', event('Started', 'Authorized', 0, t, { idToken: token, evse: { id: 2, connectorId: 1 }, meterValue: [register(0, 'Transaction.Begin')] })))
      .toEqual({ idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } } });
    expect(await tx(id, t)).toMatchObject({ idTag: token.idToken, idTokenType: 'eMAID', authorizationStatus: 'Accepted', evseId: 2, meterStart: 0, active: true });
    await cs.close();
  });

  it('E04/E08 offline: queued events with old timestamps and offline=true are processed like live ones', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken();
    const t = unique('TX-');
    await cs.call('TransactionEvent', { ...event('Started', 'Authorized', 0, t, { idToken: token, evse: { id: 1 }, offline: true, meterValue: [{ ...register(100, 'Transaction.Begin'), timestamp: minutesAgo(50) }] }), timestamp: minutesAgo(50) });
    await cs.call('TransactionEvent', { ...event('Updated', 'MeterValuePeriodic', 1, t, { offline: true, meterValue: [{ ...register(400), timestamp: minutesAgo(40) }] }), timestamp: minutesAgo(40) });
    await cs.call('TransactionEvent', { ...event('Ended', 'EVCommunicationLost', 2, t, { offline: true, transactionInfo: { stoppedReason: 'EVDisconnected' }, meterValue: [{ ...register(600, 'Transaction.End'), timestamp: minutesAgo(30) }] }), timestamp: minutesAgo(30) });
    const done = await tx(id, t);
    expect(done).toMatchObject({ offline: true, active: false, energyWh: 500, stopReason: 'EVDisconnected' });
    expect(Date.parse(done.startedAt)).toBeCloseTo(Date.now() - 50 * 60_000, -4);
    expect(Date.parse(done.stoppedAt)).toBeCloseTo(Date.now() - 30 * 60_000, -4);
    await cs.close();
  });

  it('E05 id not accepted: a Blocked or unknown token is answered so; the transaction is recorded and ends DeAuthorized', async () => {
    const { id, cs } = await station();
    const blocked = unique('B');
    await csms.api.put(`/id-tags/${blocked}`, { status: 'Blocked' });
    const t = unique('TX-');
    expect((await cs.call('TransactionEvent', event('Started', 'Authorized', 0, t, { idToken: { idToken: blocked, type: 'ISO14443' }, evse: { id: 1 } }))).idTokenInfo.status).toBe('Blocked');
    expect((await tx(id, t)).authorizationStatus).toBe('Blocked');
    await cs.call('TransactionEvent', event('Ended', 'Deauthorized', 1, t, { transactionInfo: { stoppedReason: 'DeAuthorized' } }));
    expect(await tx(id, t)).toMatchObject({ active: false, stopReason: 'DeAuthorized' });

    const t2 = unique('TX-');
    expect((await cs.call('TransactionEvent', event('Started', 'Authorized', 0, t2, { idToken: { idToken: unique('U'), type: 'ISO14443' }, evse: { id: 1 } }))).idTokenInfo.status).toBe('Unknown');
    await cs.close();
  });

  it('E07 local stop by idToken (another token of the group) and E09 stop on cable disconnect', async () => {
    const { id, cs } = await station();
    const group = `Local:${unique('G')}`;
    const [driver, partner] = [await acceptedToken('ISO14443', { parentIdTag: group }), await acceptedToken('ISO14443', { parentIdTag: group })];
    const t = unique('TX-');
    await cs.call('TransactionEvent', event('Started', 'Authorized', 0, t, { idToken: driver, evse: { id: 1, connectorId: 1 } }));
    expect((await cs.call('TransactionEvent', event('Updated', 'StopAuthorized', 1, t, { idToken: partner }))).idTokenInfo.status).toBe('Accepted');
    await cs.call('TransactionEvent', event('Ended', 'StopAuthorized', 2, t, { transactionInfo: { stoppedReason: 'Local' } }));
    expect(await tx(id, t)).toMatchObject({ idTag: driver.idToken, stopIdTag: partner.idToken, stopReason: 'Local', active: false });

    const t2 = unique('TX-');
    await cs.call('TransactionEvent', event('Started', 'Authorized', 0, t2, { idToken: driver, evse: { id: 1, connectorId: 1 } }));
    expect(await cs.call('TransactionEvent', event('Ended', 'EVCommunicationLost', 1, t2, { transactionInfo: { stoppedReason: 'EVDisconnected', chargingState: 'Idle' } }))).toEqual({});
    expect(await tx(id, t2)).toMatchObject({ stopReason: 'EVDisconnected', active: false, chargingState: 'Idle' });
    await cs.close();
  });

  it('retried events: an identical event is stored once; seqNo 0 on every event is no duplicate; Ended stops once', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken();
    const t = unique('TX-');
    const started = event('Started', 'Authorized', 0, t, { idToken: token, evse: { id: 1 }, meterValue: [register(10, 'Transaction.Begin')] });
    expect(await cs.call('TransactionEvent', started)).toEqual(await cs.call('TransactionEvent', started));
    const update = event('Updated', 'MeterValuePeriodic', 0, t, { meterValue: [register(20)] });
    await cs.call('TransactionEvent', update);
    await cs.call('TransactionEvent', update);
    await cs.call('TransactionEvent', event('Updated', 'MeterValuePeriodic', 0, t, { meterValue: [register(30)] }));
    const ended = event('Ended', 'StopAuthorized', 0, t, { transactionInfo: { stoppedReason: 'Local' }, meterValue: [register(40, 'Transaction.End')] });
    await cs.call('TransactionEvent', ended);
    await cs.call('TransactionEvent', ended);
    await cs.call('TransactionEvent', { ...event('Ended', 'AbnormalCondition', 0, t, { transactionInfo: { stoppedReason: 'Other' } }), timestamp: new Date(Date.now() + 60_000).toISOString() });
    // A late Updated after the end is recorded but cannot reopen the transaction.
    await cs.call('TransactionEvent', event('Updated', 'Trigger', 0, t, {}));

    const done = await tx(id, t);
    expect(done).toMatchObject({ eventCount: 6, seqNos: [0], meterStop: 40, stopReason: 'Local', active: false, energyWh: 30 });
    expect(done.meterValues.map((v: { sampledValue: Array<{ value: number }> }) => v.sampledValue[0].value)).toEqual([10, 20, 30, 40]);
    expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([]);
    await cs.close();
  });

  it('an empty transactionId (schema-valid, but it names nothing) gets a clear CALLERROR', async () => {
    const { cs } = await station();
    await expect(cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, '', { evse: { id: 1 } })))
      .rejects.toMatchObject({ rpcErrorCode: 'PropertyConstraintViolation', message: expect.stringMatching(/transactionId must not be empty/) });
    await cs.close();
  });

  it('2.0.x ids are per station: an id used by two stations is ambiguous without chargePointId (409)', async () => {
    const [a, b] = [await station(), await station()];
    const t = unique('SAME-');
    await a.cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1 } }));
    expect((await csms.api.get(`/transactions/${t}`)).body.chargePointId).toBe(a.id);
    await b.cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, t, { evse: { id: 3 } }));
    const ambiguous = await csms.api.get(`/transactions/${t}`);
    expect([ambiguous.status, ambiguous.body.error]).toEqual([409, 'Ambiguous']);
    expect((await csms.api.get(`/transactions/${t}?chargePointId=${b.id}`)).body).toMatchObject({ chargePointId: b.id, evseId: 3, transactionId: t });
    expect((await csms.api.get(`/transactions?chargePointId=${a.id}`)).body.items).toEqual([expect.objectContaining({ transactionId: t, evseId: 1 })]);
    await a.cs.close();
    await b.cs.close();
  });
});

describe('2.0.1 remote start/stop (F01–F03)', () => {
  it('F02 remote start first: the remoteStartId of the accepted request links to the transaction it started; F03 remote stop', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken();
    const remoteStartId = 4200 + (seq % 100);
    const asked: Params[] = [];
    cs.handle('RequestStartTransaction', async ({ params }) => (asked.push(params!), { status: 'Accepted' }));
    cs.handle('RequestStopTransaction', async ({ params }) => (asked.push(params!), { status: 'Accepted' }));
    const res = await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId, idToken: token, evseId: 1 });
    expect(res.body).toEqual({ response: { status: 'Accepted' } });
    expect(await getRemoteStart(id, remoteStartId)).toMatchObject({ remoteStartId, idToken: token, evseId: 1, status: 'Accepted' });

    const t = unique('TX-');
    expect((await cs.call('TransactionEvent', event('Started', 'RemoteStart', 0, t, { idToken: token, evse: { id: 1, connectorId: 1 }, transactionInfo: { remoteStartId } }))).idTokenInfo.status).toBe('Accepted');
    expect((await getRemoteStart(id, remoteStartId))?.transactionId).toBe(t);
    expect((await tx(id, t)).remoteStartId).toBe(remoteStartId);

    expect((await csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: t })).body.response.status).toBe('Accepted');
    expect(asked[1]).toEqual({ transactionId: t });
    expect(Date.parse((await tx(id, t)).stopRequestedAt)).not.toBeNaN();
    await cs.call('TransactionEvent', event('Ended', 'RemoteStop', 1, t, { transactionInfo: { stoppedReason: 'Remote' } }));
    expect(await tx(id, t)).toMatchObject({ active: false, stopReason: 'Remote' });
    await cs.close();
  });

  it('F01 cable plugin first: the answer names the running transaction, which gets the remoteStartId at once', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken();
    const t = unique('TX-');
    await cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1, connectorId: 1 } }));
    cs.handle('RequestStartTransaction', async () => ({ status: 'Accepted', transactionId: t }));
    const res = await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 77, idToken: token, evseId: 1 });
    expect(res.body.response).toEqual({ status: 'Accepted', transactionId: t });
    expect((await tx(id, t)).remoteStartId).toBe(77);
    expect(await cs.call('TransactionEvent', event('Updated', 'RemoteStart', 1, t, { idToken: token, transactionInfo: { remoteStartId: 77 } }))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await tx(id, t)).toMatchObject({ idTag: token.idToken, remoteStartId: 77, active: true });
    expect((await getRemoteStart(id, 77))?.transactionId).toBe(t);
    await cs.close();
  });

  it('a remote-start event without idToken/evse gets the token and EVSE that were asked for (no idTokenInfo owed)', async () => {
    const { id, cs } = await station();
    const token = await acceptedToken('Central');
    cs.handle('RequestStartTransaction', async () => ({ status: 'Accepted' }));
    await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 9, idToken: token, evseId: 2 });
    const t = unique('TX-');
    expect(await cs.call('TransactionEvent', event('Started', 'RemoteStart', 0, t, { transactionInfo: { remoteStartId: 9 } }))).toEqual({});
    expect(await tx(id, t)).toMatchObject({ idTag: token.idToken, idTokenType: 'Central', authorizationStatus: 'Accepted', evseId: 2, remoteStartId: 9 });
    // An unknown remoteStartId (never asked, or expired) links nothing and fills nothing.
    const t2 = unique('TX-');
    await cs.call('TransactionEvent', event('Started', 'RemoteStart', 0, t2, { transactionInfo: { remoteStartId: 999_999 } }));
    expect((await tx(id, t2)).idTag).toBeUndefined();
    await cs.close();
  });

  it('not while Pending (the 1.6 §4.2 rule, applied to 2.0.1 too): 409, nothing sent', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' });
    const { cs, boot } = await station(id);
    expect(boot.status).toBe('Pending');
    const res = await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 1, idToken: { idToken: 'X', type: 'Central' } });
    expect([res.status, res.body.error]).toEqual([409, 'Pending']);
    expect((await csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: 'X' })).status).toBe(409);
    await cs.close();
  });
});

describe('2.0.1 meter values (J01, J02), DataTransfer, ChangeAvailability', () => {
  it('J01: MeterValues outside a transaction keep every field (unitOfMeasure, multiplier, signedMeterValue, phase, location)', async () => {
    const { id, cs } = await station();
    const meterValue = [{
      timestamp: minutesAgo(1),
      sampledValue: [
        { value: 123.456, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'kWh', multiplier: 0 }, location: 'Outlet', context: 'Sample.Clock' },
        { value: 16.2, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
        { value: 231, measurand: 'Voltage', phase: 'L1-N', location: 'Inlet' },
        { value: 1, context: 'Sample.Clock', signedMeterValue: { signedMeterData: 'AAEC', signingMethod: 'ECDSA', encodingMethod: 'OCMF', publicKey: 'BBB' } },
      ],
    }];
    expect(await cs.call('MeterValues', { evseId: 0, meterValue })).toEqual({});
    expect(await cs.call('MeterValues', { evseId: 1, meterValue })).toEqual({});
    const { outOfTransactionMeterValues } = await import('../../shared/metering/record');
    expect(await outOfTransactionMeterValues(id, { evseId: 0 })).toEqual(meterValue);
    expect(await outOfTransactionMeterValues(id, { evseId: 1 })).toEqual(meterValue);
    await cs.close();
  });

  it('J02: meter values inside TransactionEvent read back in order with the transaction (kWh and multipliers become Wh for the energy)', async () => {
    const { id, cs } = await station();
    const t = unique('TX-');
    const kwh = (v: number, m: number, context: string) => ({ timestamp: now(), sampledValue: [{ value: v, context, unitOfMeasure: { unit: 'kWh', multiplier: m } }] });
    await cs.call('TransactionEvent', event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1 }, meterValue: [kwh(1.5, 0, 'Transaction.Begin')] }));
    await cs.call('TransactionEvent', event('Ended', 'EVDeparted', 1, t, { transactionInfo: { stoppedReason: 'EVDisconnected' }, meterValue: [kwh(0.25, 1, 'Transaction.End')] }));
    const done = await tx(id, t);
    expect(done).toMatchObject({ meterStart: 1500, meterStop: 2500, energyWh: 1000 });
    expect(done.meterValues).toHaveLength(2);
    await cs.close();
  });

  it('DataTransfer uses the same vendor registry as 1.6 (data may be any JSON in 2.0.1)', async () => {
    const { cs } = await station();
    expect(await cs.call('DataTransfer', { vendorId: 'com.nobody' })).toEqual({ status: 'UnknownVendorId' });
    expect(await cs.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms', messageId: 'Echo', data: { a: [1, 2] } })).toEqual({ status: 'Accepted', data: { a: [1, 2] } });
    const ping = await cs.call('DataTransfer', { vendorId: 'com.serverless-ocpp.csms', messageId: 'Ping' });
    expect(Math.abs(Date.parse(ping.data.currentTime) - Date.now())).toBeLessThan(5000);
    await cs.close();
  });

  it('G03/G04 ChangeAvailability answers are recorded per EVSE / connector / station', async () => {
    const { id, cs } = await station();
    cs.handle('ChangeAvailability', async ({ params }) => ({ status: params!.evse?.id === 2 ? 'Scheduled' : 'Accepted' }));
    await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Inoperative', evse: { id: 2 } });
    await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 2 } });
    await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Operative' });
    expect((await csms.api.get(`/charge-points/${id}`)).body.availability).toMatchObject({
      0: { type: 'Operative', status: 'Accepted' },
      2: { type: 'Inoperative', status: 'Scheduled' },
      '1/2': { type: 'Inoperative', status: 'Accepted' },
    });
    await cs.close();
  });
});

describe('2.0.1 periodic meter values in a long session', () => {
  it('are stored once each (retries with a new message id too) without growing the transaction record', async () => {
    const { id, cs } = await station();
    const t = unique('TX-');
    const start = event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1, connectorId: 1 }, meterValue: [register(0, 'Transaction.Begin')] });
    await cs.call('TransactionEvent', start);
    const periodic = Array.from({ length: 40 }, (_, i) => event('Updated', 'MeterValuePeriodic', i + 1, t, { meterValue: [{ ...register((i + 1) * 100), timestamp: new Date(Date.now() + i * 60_000).toISOString() }] }));
    for (const e of periodic) expect(await cs.call('TransactionEvent', e)).toEqual({});
    // A station that lost our answers sends some again, with new message ids: nothing is added twice.
    for (const e of periodic.slice(10, 15)) expect(await cs.call('TransactionEvent', e)).toEqual({});

    const running = await tx(id, t);
    expect(running).toMatchObject({ active: true, energyWh: 4000, eventCount: 41 });
    expect(running.seqNos).toHaveLength(41);
    expect(running.meterValues).toHaveLength(41);

    // The stored record: periodic events leave no fingerprint behind (each would add ~25 bytes, and
    // DynamoDB bills every later write of a long session by the record's size).
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDBDocumentClient, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const raw = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: csms.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const item = (await raw.send(new GetCommand({ TableName: 'Transactions', Key: { chargePointId: id, transactionId: t } }))).Item!;
    expect([...item.eventHashes]).toHaveLength(1); // the Started event's
    raw.destroy();

    await cs.call('TransactionEvent', event('Ended', 'EVCommunicationLost', 41, t, { transactionInfo: { stoppedReason: 'EVDisconnected' }, meterValue: [register(4100, 'Transaction.End')] }));
    expect(await tx(id, t)).toMatchObject({ active: false, meterStop: 4100, energyWh: 4100, eventCount: 42 });
    await cs.close();
  });
});
