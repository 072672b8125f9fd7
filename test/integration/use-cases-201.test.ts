/**
 * OCPP 2.0.1 use cases of blocks C (authorization), E (transactions) and P (DataTransfer) whose
 * CSMS part is not covered by the other 2.0.1 files: one describe per use case, a strict 2.0.1
 * station against the real local runtime, asserting what the station gets back and what an
 * operator sees through the API (the stored transaction, its meter values, the message log).
 */
import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
  delete process.env.CSMS_AUTH_CACHE_EXPIRY_S;
});

let seq = 0;
const unique = (p: string) => `${p}${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
const now = () => new Date().toISOString();
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Station = Awaited<ReturnType<typeof strictClient>>;

async function station(id = newId('UC')) {
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  const boot = await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } });
  return { id, cs, boot };
}
/** The same station after a connection loss: a new socket, no BootNotification (B04). */
async function reconnect(id: string) {
  await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);
  return strictClient(csms.chargePointUrl, id, protocol2x());
}
async function token(type = 'ISO14443', status = 'Accepted', extra: Params = {}) {
  const value = unique('T').slice(0, 20);
  const name = type === 'ISO14443' ? value : `${type}:${value}`;
  await csms.api.put(`/id-tags/${name}`, { status, ...extra });
  return { idToken: value, type, name };
}
const idTokenOf = (t: { idToken: string; type: string }) => ({ idToken: t.idToken, type: t.type });
const register = (wh: number, context?: string, timestamp = now()) =>
  ({ timestamp, sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' }, ...(context ? { context } : {}) }] });

/** A TransactionEvent: event(type, trigger, seqNo, txId, extra fields; transactionInfo is merged). */
function event(eventType: 'Started' | 'Updated' | 'Ended', triggerReason: string, seqNo: number, transactionId: string, extra: Params = {}) {
  const { transactionInfo, ...rest } = extra;
  return { eventType, timestamp: now(), triggerReason, seqNo, transactionInfo: { transactionId, ...transactionInfo }, ...rest };
}
const send = (cs: Station, e: Params) => cs.call('TransactionEvent', e);
const tx = async (cp: string, id: string) => (await csms.api.get(`/transactions/${id}?chargePointId=${cp}`)).body;
const meterReadings = (t: { meterValues: Array<{ sampledValue: Array<{ value: number }> }> }) => t.meterValues.map((v) => v.sampledValue[0].value);
const activeIds = async (cp: string) => (await csms.api.get(`/charge-points/${cp}`)).body.activeTransactions.map((t: { transactionId: string }) => t.transactionId);

describe('C02 Authorization using a start button', () => {
  it('a transaction started with a NoAuthorization token is accepted and shown as such', async () => {
    // 2.0.1 C02: the station charges without identification and says so with idToken type NoAuthorization.
    const { id, cs } = await station();
    const t = unique('TX-');
    const noAuth = { idToken: '', type: 'NoAuthorization' };
    await send(cs, event('Started', 'CablePluggedIn', 0, t, { evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'EVConnected' } }));
    expect(await send(cs, event('Updated', 'Authorized', 1, t, { idToken: noAuth, transactionInfo: { chargingState: 'Charging' } }))).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await tx(id, t)).toMatchObject({ idTokenType: 'NoAuthorization', authorizationStatus: 'Accepted', active: true, chargingState: 'Charging' });
    await send(cs, event('Ended', 'EVCommunicationLost', 2, t, { transactionInfo: { stoppedReason: 'EVDisconnected' } }));
    expect(await tx(id, t)).toMatchObject({ active: false, stopReason: 'EVDisconnected' });
    await cs.close();
  });
});

describe('C04 Authorization using PIN-code', () => {
  it('a KeyCode token is authorized against the stored code; a wrong code is Unknown; the transaction keeps the token type', async () => {
    // 2.0.1 C04: the PIN entered at the station is sent as idToken type KeyCode.
    const { id, cs } = await station();
    const pin = await token('KeyCode');
    expect((await cs.call('Authorize', { idToken: idTokenOf(pin) })).idTokenInfo.status).toBe('Accepted');
    expect((await cs.call('Authorize', { idToken: { idToken: `${pin.idToken}9`, type: 'KeyCode' } })).idTokenInfo.status).toBe('Unknown');
    // The same digits as an RFID card are another identity.
    expect((await cs.call('Authorize', { idToken: { idToken: pin.idToken, type: 'ISO14443' } })).idTokenInfo.status).toBe('Unknown');
    const t = unique('TX-');
    expect((await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(pin), evse: { id: 1, connectorId: 1 } }))).idTokenInfo.status).toBe('Accepted');
    expect(await tx(id, t)).toMatchObject({ idTag: pin.idToken, idTokenType: 'KeyCode', authorizationStatus: 'Accepted' });
    await cs.close();
  });
});

describe('C05 Authorization for CSMS initiated transactions', () => {
  it('the remote start token is authorized like any other: Accepted starts and links the remoteStartId; blocked meanwhile → refused, the transaction ends DeAuthorized', async () => {
    // 2.0.1 C05: RequestStartTransaction, then (AuthorizeRemoteStart) Authorize, then TransactionEvent with the remoteStartId.
    const { id, cs } = await station();
    const app = await token('Central');
    const asked: Params[] = [];
    cs.handle('RequestStartTransaction', async ({ params }) => (asked.push(params), { status: 'Accepted' }));

    expect((await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 501, idToken: idTokenOf(app), evseId: 1 })).body).toEqual({ response: { status: 'Accepted' } });
    expect(asked[0]).toEqual({ remoteStartId: 501, idToken: idTokenOf(app), evseId: 1 });
    // AuthorizeRemoteStart = true: the station authorizes the token it was given before it starts.
    expect((await cs.call('Authorize', { idToken: asked[0].idToken })).idTokenInfo.status).toBe('Accepted');
    const t = unique('TX-');
    expect(await send(cs, event('Started', 'RemoteStart', 0, t, { idToken: asked[0].idToken, evse: { id: 1, connectorId: 1 }, transactionInfo: { remoteStartId: 501, chargingState: 'EVConnected' } })))
      .toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(await tx(id, t)).toMatchObject({ idTag: app.idToken, idTokenType: 'Central', authorizationStatus: 'Accepted', remoteStartId: 501, evseId: 1, active: true });

    // AuthorizeRemoteStart = false: the station starts at once; the operator blocked the token in between.
    await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 502, idToken: idTokenOf(app), evseId: 2 });
    await csms.api.put(`/id-tags/${app.name}`, { status: 'Blocked' });
    const t2 = unique('TX-');
    expect((await send(cs, event('Started', 'RemoteStart', 0, t2, { idToken: idTokenOf(app), evse: { id: 2, connectorId: 1 }, transactionInfo: { remoteStartId: 502 } }))).idTokenInfo.status).toBe('Blocked');
    await send(cs, event('Ended', 'Deauthorized', 1, t2, { transactionInfo: { stoppedReason: 'DeAuthorized' } }));
    expect(await tx(id, t2)).toMatchObject({ remoteStartId: 502, authorizationStatus: 'Blocked', active: false, stopReason: 'DeAuthorized', stopTriggerReason: 'Deauthorized' });
    // With AuthorizeRemoteStart = true the station would have been told so before starting.
    expect((await cs.call('Authorize', { idToken: idTokenOf(app) })).idTokenInfo.status).toBe('Blocked');
    // The CSMS does not vouch for a token it does not know, even one it sent: Unknown.
    const adHoc = { idToken: unique('SESSION-').slice(0, 36), type: 'Central' };
    await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 503, idToken: adHoc, evseId: 3 });
    const t3 = unique('TX-');
    expect((await send(cs, event('Started', 'RemoteStart', 0, t3, { idToken: adHoc, evse: { id: 3, connectorId: 1 }, transactionInfo: { remoteStartId: 503 } }))).idTokenInfo.status).toBe('Unknown');
    await send(cs, event('Ended', 'Deauthorized', 1, t3, { transactionInfo: { stoppedReason: 'DeAuthorized' } }));
    expect(await tx(id, t3)).toMatchObject({ remoteStartId: 503, authorizationStatus: 'Unknown', active: false });
    expect(await activeIds(id)).toEqual([t]);
    await cs.close();
  });
});

describe('C11 Clear Authorization Data in Authorization Cache', () => {
  it('ClearCache goes out, each answer comes back to the operator, and the exchange is in the message log', async () => {
    // 2.0.1 C11: ClearCacheRequest / ClearCacheResponse (Accepted | Rejected).
    const { id, cs } = await station();
    const answers = [{ status: 'Accepted' }, { status: 'Rejected', statusInfo: { reasonCode: 'CacheDisabled' } }];
    const asked: Params[] = [];
    cs.handle('ClearCache', async ({ params }) => (asked.push(params), answers[asked.length - 1]));
    for (const answer of answers) {
      const res = await csms.api.post(`/charge-points/${id}/calls/ClearCache`, {});
      expect([res.status, res.body]).toEqual([200, { response: answer }]);
    }
    expect(asked).toEqual([{}, {}]);
    const log = (await csms.api.get(`/charge-points/${id}/messages`)).body.items as Array<{ direction: string; action: string; frame: unknown[] }>;
    expect(log.filter((m) => m.action === 'ClearCache').map((m) => [m.direction, m.frame[0]])).toEqual(expect.arrayContaining([['out', 2], ['in', 3]]));
    expect(log.filter((m) => m.action === 'ClearCache')).toHaveLength(4);
    // Nothing on the CSMS side changes: with its cache empty the station asks again and gets the current verdict.
    const card = await token();
    expect((await cs.call('Authorize', { idToken: idTokenOf(card) })).idTokenInfo.status).toBe('Accepted');
    await cs.close();
  });
});

describe('C12 Start Transaction - Cached Id', () => {
  it('a transaction started on a cached id gets the current verdict: Accepted with a fresh cache expiry, or the new status (Blocked) and the station stops', async () => {
    // 2.0.1 C12: no Authorize (the id was in the station's cache); the TransactionEventResponse carries idTokenInfo.
    process.env.CSMS_AUTH_CACHE_EXPIRY_S = '3600';
    try {
      const { id, cs } = await station();
      const [kept, revoked] = [await token('ISO14443', 'Accepted', { parentIdTag: 'Local:FLEET' }), await token()];
      // Earlier: both Authorized online, cached by the station until cacheExpiryDateTime.
      for (const c of [kept, revoked]) expect(Date.parse((await cs.call('Authorize', { idToken: idTokenOf(c) })).idTokenInfo.cacheExpiryDateTime)).toBeGreaterThan(Date.now());
      await csms.api.put(`/id-tags/${revoked.name}`, { status: 'Blocked' });

      const t = unique('TX-');
      const info = (await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(kept), evse: { id: 1, connectorId: 1 } }))).idTokenInfo;
      expect(info).toMatchObject({ status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Local' } });
      expect(Date.parse(info.cacheExpiryDateTime) - Date.now()).toBeGreaterThan(3500_000);

      const t2 = unique('TX-');
      expect((await send(cs, event('Started', 'Authorized', 0, t2, { idToken: idTokenOf(revoked), evse: { id: 2, connectorId: 1 } }))).idTokenInfo.status).toBe('Blocked');
      // StopTxOnInvalidId = true: the station ends it at once.
      await send(cs, event('Ended', 'Deauthorized', 1, t2, { transactionInfo: { stoppedReason: 'DeAuthorized' } }));
      expect(await tx(id, t)).toMatchObject({ authorizationStatus: 'Accepted', active: true });
      expect(await tx(id, t2)).toMatchObject({ idTag: revoked.idToken, authorizationStatus: 'Blocked', active: false, stopReason: 'DeAuthorized' });

      // StopTxOnInvalidId = false: the station keeps the transaction but stops the energy (SuspendedEVSE).
      const t3 = unique('TX-');
      await send(cs, event('Started', 'Authorized', 0, t3, { idToken: idTokenOf(revoked), evse: { id: 3, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' } }));
      await send(cs, event('Updated', 'Deauthorized', 1, t3, { transactionInfo: { chargingState: 'SuspendedEVSE' } }));
      expect(await tx(id, t3)).toMatchObject({ authorizationStatus: 'Blocked', active: true, chargingState: 'SuspendedEVSE' });
      expect((await activeIds(id)).sort()).toEqual([t, t3].sort());
      await cs.close();
    } finally {
      delete process.env.CSMS_AUTH_CACHE_EXPIRY_S;
    }
  });
});

describe('C15 Offline Authorization of unknown Id', () => {
  it('a transaction started offline for an id the CSMS does not know is answered Unknown when it arrives, and is kept with that verdict', async () => {
    // 2.0.1 C15: OfflineTxForUnknownIdEnabled — the queued Started (offline = true) reaches the CSMS after the reconnect.
    const { id, cs } = await station();
    await cs.close();
    const again = await reconnect(id);
    const stranger = { idToken: unique('X').slice(0, 20), type: 'ISO14443' };
    const t = unique('TX-');
    const started = await send(again, { ...event('Started', 'Authorized', 0, t, { idToken: stranger, evse: { id: 1, connectorId: 1 }, offline: true, meterValue: [register(100, 'Transaction.Begin', minutesAgo(12))] }), timestamp: minutesAgo(12) });
    expect(started).toEqual({ idTokenInfo: { status: 'Unknown' } });
    // StopTxOnInvalidId = true: the station ends the transaction once it knows.
    await send(again, event('Ended', 'Deauthorized', 1, t, { transactionInfo: { stoppedReason: 'DeAuthorized' }, meterValue: [register(900, 'Transaction.End')] }));
    expect(await tx(id, t)).toMatchObject({ idTag: stranger.idToken, authorizationStatus: 'Unknown', offline: true, active: false, stopReason: 'DeAuthorized', energyWh: 800 });
    // The operator finds it among the unknown token's transactions.
    expect((await csms.api.get(`/transactions?chargePointId=${id}&idTag=${stranger.idToken}`)).body.items).toEqual([expect.objectContaining({ transactionId: t, authorizationStatus: 'Unknown' })]);
    await again.close();
  });
});

describe('E06 Stop Transaction options', () => {
  it('each TxStopPoint ends the transaction with its own trigger and reason, and the operator sees which', async () => {
    // 2.0.1 E06: TxStopPoint ParkingBayOccupancy / EVConnected / Authorized / DataSigned / PowerPathClosed / EnergyTransfer.
    const { id, cs } = await station();
    const card = await token();
    const signed = { signedMeterData: 'T0NNRg==', signingMethod: 'ECDSA-secp256r1-SHA256', encodingMethod: 'OCMF', publicKey: 'MFkw' };
    const stops: Array<[string, string, Params]> = [
      ['ParkingBayOccupancy', 'EVDeparted', { stoppedReason: 'EVDisconnected' }],
      ['EVConnected', 'EVCommunicationLost', { stoppedReason: 'EVDisconnected', chargingState: 'Idle' }],
      ['Authorized', 'StopAuthorized', {}], // no stoppedReason: Local
      ['DataSigned', 'SignedDataReceived', { stoppedReason: 'Local' }],
      ['PowerPathClosed', 'Deauthorized', { stoppedReason: 'DeAuthorized', chargingState: 'EVConnected' }],
      ['EnergyTransfer', 'ChargingStateChanged', { stoppedReason: 'StoppedByEV', chargingState: 'SuspendedEV' }],
    ];
    const ids: Record<string, string> = {};
    for (const [point, trigger, info] of stops) {
      const t = (ids[point] = unique('TX-'));
      await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' }, meterValue: [register(0, 'Transaction.Begin')] }));
      const end = point === 'DataSigned'
        ? { timestamp: now(), sampledValue: [{ value: 1234, context: 'Transaction.End', unitOfMeasure: { unit: 'Wh' }, signedMeterValue: signed }] }
        : register(1234, 'Transaction.End');
      const answer = await send(cs, event('Ended', trigger, 1, t, { transactionInfo: info, meterValue: [end], ...(trigger === 'StopAuthorized' ? { idToken: idTokenOf(card) } : {}) }));
      expect(answer).toEqual(trigger === 'StopAuthorized' ? { idTokenInfo: { status: 'Accepted' } } : {});
    }
    const seen = Object.fromEntries(await Promise.all(stops.map(async ([point]) => {
      const t = await tx(id, ids[point]);
      return [point, [t.active, t.stopTriggerReason, t.stopReason, t.energyWh]];
    })));
    expect(seen).toEqual({
      ParkingBayOccupancy: [false, 'EVDeparted', 'EVDisconnected', 1234],
      EVConnected: [false, 'EVCommunicationLost', 'EVDisconnected', 1234],
      Authorized: [false, 'StopAuthorized', 'Local', 1234],
      DataSigned: [false, 'SignedDataReceived', 'Local', 1234],
      PowerPathClosed: [false, 'Deauthorized', 'DeAuthorized', 1234],
      EnergyTransfer: [false, 'ChargingStateChanged', 'StoppedByEV', 1234],
    });
    expect((await tx(id, ids.EnergyTransfer)).chargingState).toBe('SuspendedEV');
    // DataSigned: the signed reading is kept as received.
    expect((await tx(id, ids.DataSigned)).meterValues.at(-1).sampledValue[0].signedMeterValue).toEqual(signed);
    expect(await activeIds(id)).toEqual([]);
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=false`)).body.items).toHaveLength(stops.length);
    await cs.close();
  });
});

describe('E10 When cable disconnected on EV-side: Suspend Transaction', () => {
  it('the unplugged transaction stays active with chargingState Idle, and charges on when the EV is plugged in again', async () => {
    // 2.0.1 E10: StopTxOnEVSideDisconnect = false — Updated (EVCommunicationLost, Idle), later Updated (CablePluggedIn, EVConnected → Charging).
    const { id, cs } = await station();
    const card = await token();
    const t = unique('TX-');
    await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' }, meterValue: [register(500, 'Transaction.Begin')] }));
    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    expect(await send(cs, event('Updated', 'EVCommunicationLost', 1, t, { transactionInfo: { chargingState: 'Idle' }, meterValue: [register(900)] }))).toEqual({});
    let view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.connectors['1/1']).toMatchObject({ status: 'Available' });
    expect(view.body.activeTransactions).toEqual([expect.objectContaining({ transactionId: t, chargingState: 'Idle', active: true, energyWh: 400 })]);

    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    await send(cs, event('Updated', 'CablePluggedIn', 2, t, { transactionInfo: { chargingState: 'EVConnected' } }));
    expect((await tx(id, t)).chargingState).toBe('EVConnected');
    await send(cs, event('Updated', 'ChargingStateChanged', 3, t, { transactionInfo: { chargingState: 'Charging' } }));
    view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.activeTransactions).toEqual([expect.objectContaining({ transactionId: t, chargingState: 'Charging' })]);
    await send(cs, event('Ended', 'StopAuthorized', 4, t, { idToken: idTokenOf(card), meterValue: [register(1700, 'Transaction.End')] }));
    expect(await tx(id, t)).toMatchObject({ active: false, stopReason: 'Local', energyWh: 1200, seqNos: [0, 1, 2, 3, 4] });
    await cs.close();
  });
});

describe('E11 Connection Loss During Transaction', () => {
  it('the transaction runs on while the station is offline; its queued events (offline=true) arrive after the reconnect, in order, none lost', async () => {
    // 2.0.1 E11: events queued during the connection loss are sent with offline = true once the connection is back.
    const { id, cs } = await station();
    const card = await token();
    const t = unique('TX-');
    await send(cs, { ...event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' }, meterValue: [register(1000, 'Transaction.Begin', minutesAgo(30))] }), timestamp: minutesAgo(30) });
    await cs.close(); // connection lost

    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);
    // Meanwhile the operator sees the transaction running and cannot reach the station.
    expect(await activeIds(id)).toEqual([t]);
    const stop = await csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: t });
    expect([stop.status, stop.body.error]).toEqual([409, 'NotConnected']);

    const again = await reconnect(id);
    for (const [seqNo, ago, wh] of [[1, 25, 1500], [2, 20, 2000], [3, 15, 2500]]) {
      expect(await send(again, { ...event('Updated', 'MeterValuePeriodic', seqNo, t, { offline: true, meterValue: [register(wh, undefined, minutesAgo(ago))] }), timestamp: minutesAgo(ago) })).toEqual({});
    }
    await send(again, { ...event('Updated', 'ChargingStateChanged', 4, t, { offline: true, transactionInfo: { chargingState: 'SuspendedEV' } }), timestamp: minutesAgo(10) });
    // Live again.
    await send(again, event('Updated', 'MeterValuePeriodic', 5, t, { meterValue: [register(2600)] }));
    const running = await tx(id, t);
    expect(running).toMatchObject({ active: true, offline: true, chargingState: 'SuspendedEV', energyWh: 1600, seqNos: [0, 1, 2, 3, 4, 5], eventCount: 6 });
    expect(meterReadings(running)).toEqual([1000, 1500, 2000, 2500, 2600]);
    expect(Date.parse(running.startedAt)).toBeCloseTo(Date.now() - 30 * 60_000, -4);

    // Lost again, and the transaction ends while offline: the Ended comes with the queue.
    await again.close();
    const third = await reconnect(id);
    await send(third, { ...event('Ended', 'EVCommunicationLost', 6, t, { offline: true, transactionInfo: { stoppedReason: 'EVDisconnected', chargingState: 'Idle' }, meterValue: [register(2700, 'Transaction.End', minutesAgo(2))] }), timestamp: minutesAgo(2) });
    const done = await tx(id, t);
    expect(done).toMatchObject({ active: false, stopReason: 'EVDisconnected', stopTriggerReason: 'EVCommunicationLost', meterStop: 2700, energyWh: 1700, eventCount: 7 });
    expect(Date.parse(done.stoppedAt)).toBeCloseTo(Date.now() - 2 * 60_000, -4);
    expect(await activeIds(id)).toEqual([]);
    await third.close();
  });
});

describe('E12 Inform CSMS of an Offline Occurred Transaction', () => {
  it('a transaction that began and ended while offline is reported afterwards with the station\'s times; it never shows as running', async () => {
    // 2.0.1 E12: Started, Updated and Ended, all offline = true, delivered after the reconnect.
    const { id, cs } = await station();
    const [card, blocked] = [await token(), await token('ISO14443', 'Blocked')];
    await cs.close();
    const again = await reconnect(id);
    const [t, t2] = [unique('TX-'), unique('TX-')];
    expect(await send(again, { ...event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, offline: true, meterValue: [register(200, 'Transaction.Begin', minutesAgo(120))] }), timestamp: minutesAgo(120) }))
      .toEqual({ idTokenInfo: { status: 'Accepted' } });
    await send(again, { ...event('Updated', 'MeterValuePeriodic', 1, t, { offline: true, meterValue: [register(5200, undefined, minutesAgo(90))] }), timestamp: minutesAgo(90) });
    await send(again, { ...event('Ended', 'EVCommunicationLost', 2, t, { offline: true, transactionInfo: { stoppedReason: 'EVDisconnected' }, meterValue: [register(9200, 'Transaction.End', minutesAgo(60))] }), timestamp: minutesAgo(60) });
    // A second offline transaction on the same EVSE, authorized from the station's list but blocked at the CSMS:
    // the verdict is kept for the operator; the reported end is not rewritten.
    expect((await send(again, { ...event('Started', 'Authorized', 0, t2, { idToken: idTokenOf(blocked), evse: { id: 1, connectorId: 1 }, offline: true }), timestamp: minutesAgo(50) })).idTokenInfo.status).toBe('Blocked');
    await send(again, { ...event('Ended', 'StopAuthorized', 1, t2, { offline: true, idToken: idTokenOf(blocked) }), timestamp: minutesAgo(40) });

    const done = await tx(id, t);
    expect(done).toMatchObject({ offline: true, active: false, meterStart: 200, meterStop: 9200, energyWh: 9000, stopReason: 'EVDisconnected', seqNos: [0, 1, 2] });
    expect(Date.parse(done.startedAt)).toBeCloseTo(Date.now() - 120 * 60_000, -4);
    expect(Date.parse(done.stoppedAt)).toBeCloseTo(Date.now() - 60 * 60_000, -4);
    expect(meterReadings(done)).toEqual([200, 5200, 9200]);
    expect(await tx(id, t2)).toMatchObject({ authorizationStatus: 'Blocked', stopReason: 'Local', stopIdTag: blocked.idToken, active: false, offline: true });
    expect(await activeIds(id)).toEqual([]);
    const finished = (await csms.api.get(`/transactions?chargePointId=${id}&active=false`)).body.items.map((x: { transactionId: string }) => x.transactionId);
    expect(finished.sort()).toEqual([t, t2].sort());
    await again.close();
  });
});

describe('E13 Transaction-related message not accepted by CSMS', () => {
  it('an event the CSMS answered with a CALLERROR is stored once when the station retries it; a second retry is a duplicate', async () => {
    // 2.0.1 E13: after a CALLERROR the station resends the same message (MessageAttemptsTransactionEvent).
    const id = newId('UC');
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' });
    const { cs, boot } = await station(id);
    expect(boot.status).toBe('Pending');
    const card = await token();
    const t = unique('TX-');
    const started = { ...event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, meterValue: [register(300, 'Transaction.Begin', minutesAgo(5))] }), timestamp: minutesAgo(5) };
    // Not accepted while the station is Pending (B02): two attempts, two CALLERRORs, nothing stored.
    for (let attempt = 0; attempt < 2; attempt++) await expect(send(cs, started)).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect((await csms.api.get(`/transactions/${t}?chargePointId=${id}`)).status).toBe(404);
    const log = (await csms.api.get(`/charge-points/${id}/messages`)).body.items as Array<{ direction: string; action: string; frame: unknown[] }>;
    expect(log.filter((m) => m.action === 'TransactionEvent' && m.direction === 'out').map((m) => [m.frame[0], m.frame[2]])).toEqual([[4, 'SecurityError'], [4, 'SecurityError']]);

    // The operator accepts the station (its connection is closed); it boots again and retries the same event.
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' });
    const again = await reconnect(id);
    expect((await again.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } })).status).toBe('Accepted');
    expect(await send(again, started)).toEqual({ idTokenInfo: { status: 'Accepted' } });
    // The answer was lost: the station sends it once more (a new message id, the same content).
    expect(await send(again, started)).toEqual({ idTokenInfo: { status: 'Accepted' } });
    await send(again, event('Updated', 'MeterValuePeriodic', 1, t, { meterValue: [register(800)] }));
    const stored = await tx(id, t);
    expect(stored).toMatchObject({ active: true, eventCount: 2, seqNos: [0, 1], meterStart: 300, energyWh: 500 });
    expect(meterReadings(stored)).toEqual([300, 800]);
    expect(Date.parse(stored.startedAt)).toBeCloseTo(Date.now() - 5 * 60_000, -4);
    await again.close();
  });
});

describe('E14 Check transaction status', () => {
  it('GetTransactionStatus with and without transactionId goes out and the station\'s answer comes back', async () => {
    // 2.0.1 E14: GetTransactionStatusRequest (transactionId optional) / ongoingIndicator, messagesInQueue.
    const { id, cs } = await station();
    const card = await token();
    const t = unique('TX-');
    await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 } }));
    const asked: Params[] = [];
    const queued = new Set<string>();
    cs.handle('GetTransactionStatus', async ({ params }) => {
      asked.push(params);
      if (params.transactionId === undefined) return { messagesInQueue: queued.size > 0 };
      return { ongoingIndicator: params.transactionId === t && !queued.has(t), messagesInQueue: queued.has(params.transactionId) };
    });
    const ask = async (body: Params) => {
      const res = await csms.api.post(`/charge-points/${id}/calls/GetTransactionStatus`, body);
      expect(res.status).toBe(200);
      return res.body.response;
    };
    expect(await ask({ transactionId: t })).toEqual({ ongoingIndicator: true, messagesInQueue: false });
    expect(await ask({})).toEqual({ messagesInQueue: false });
    // The transaction ended and its Ended event is still queued at the station.
    queued.add(t);
    expect(await ask({ transactionId: t })).toEqual({ ongoingIndicator: false, messagesInQueue: true });
    expect(await ask({})).toEqual({ messagesInQueue: true });
    expect(asked).toEqual([{ transactionId: t }, {}, { transactionId: t }, {}]);
    await send(cs, { ...event('Ended', 'EVCommunicationLost', 1, t, { offline: true, transactionInfo: { stoppedReason: 'EVDisconnected' } }) });
    expect(await tx(id, t)).toMatchObject({ active: false, stopReason: 'EVDisconnected' });
    // A transactionId longer than the schema allows is refused before sending.
    const bad = await csms.api.post(`/charge-points/${id}/calls/GetTransactionStatus`, { transactionId: 'x'.repeat(37) });
    expect([bad.status, asked.length]).toEqual([400, 4]);
    await cs.close();
  });
});

describe('E15 End of charging process', () => {
  it('the EV finishes (SuspendedEV), the driver stops and unplugs: the operator sees the suspended state, then the end with the final energy', async () => {
    // 2.0.1 E15: ChargingStateChanged to SuspendedEV while the EV is full, then StopAuthorized and EV disconnect.
    const { id, cs } = await station();
    const card = await token();
    const t = unique('TX-');
    await send(cs, event('Started', 'Authorized', 0, t, { idToken: idTokenOf(card), evse: { id: 1, connectorId: 1 }, transactionInfo: { chargingState: 'Charging' }, meterValue: [register(10_000, 'Transaction.Begin')] }));
    await send(cs, event('Updated', 'ChargingStateChanged', 1, t, { transactionInfo: { chargingState: 'SuspendedEV', timeSpentCharging: 5400 }, meterValue: [register(52_000)] }));
    expect(await activeIds(id)).toEqual([t]);
    expect(await tx(id, t)).toMatchObject({ active: true, chargingState: 'SuspendedEV', energyWh: 42_000 });
    // The driver presents the card: the transaction ends (TxStopPoint Authorized), the EV is still plugged in.
    expect((await send(cs, event('Updated', 'StopAuthorized', 2, t, { idToken: idTokenOf(card) }))).idTokenInfo.status).toBe('Accepted');
    await send(cs, event('Ended', 'StopAuthorized', 3, t, { transactionInfo: { stoppedReason: 'Local', chargingState: 'EVConnected', timeSpentCharging: 5400 }, meterValue: [register(52_010, 'Transaction.End')] }));
    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    const done = await tx(id, t);
    expect(done).toMatchObject({ active: false, stopReason: 'Local', stopTriggerReason: 'StopAuthorized', stopIdTag: card.idToken, meterStop: 52_010, energyWh: 42_010, chargingState: 'EVConnected' });
    expect((await csms.api.get(`/charge-points/${id}`)).body.connectors['1/1']).toMatchObject({ status: 'Available' });
    expect(await activeIds(id)).toEqual([]);
    await cs.close();
  });
});

describe('P01 Data Transfer to the Charging Station', () => {
  it('DataTransfer goes out with any JSON data; every status the station answers comes back; an invalid request is not sent', async () => {
    // 2.0.1 P01: DataTransferRequest from the CSMS, DataTransferResponse (Accepted | Rejected | UnknownMessageId | UnknownVendorId).
    const { id, cs } = await station();
    const asked: Params[] = [];
    cs.handle('DataTransfer', async ({ params }) => {
      asked.push(params);
      if (params.vendorId !== 'com.acme') return { status: 'UnknownVendorId' };
      if (params.messageId === 'SetTariff') return { status: 'Accepted', data: { applied: params.data.tariffs.length } };
      if (params.messageId === 'Lock') return { status: 'Rejected', statusInfo: { reasonCode: 'Busy', additionalInfo: 'A transaction is running' } };
      return { status: 'UnknownMessageId' };
    });
    const transfer = async (body: Params) => {
      const res = await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, body);
      expect(res.status).toBe(200);
      return res.body.response;
    };
    const data = { tariffs: [{ id: 'T1', price: 0.42 }, { id: 'T2', price: 0.39 }] };
    expect(await transfer({ vendorId: 'com.acme', messageId: 'SetTariff', data })).toEqual({ status: 'Accepted', data: { applied: 2 } });
    expect(await transfer({ vendorId: 'com.acme', messageId: 'Lock', data: 'plain text' })).toEqual({ status: 'Rejected', statusInfo: { reasonCode: 'Busy', additionalInfo: 'A transaction is running' } });
    expect(await transfer({ vendorId: 'com.acme', messageId: 'Nope', data: [1, 2, 3] })).toEqual({ status: 'UnknownMessageId' });
    expect(await transfer({ vendorId: 'com.other' })).toEqual({ status: 'UnknownVendorId' });
    expect(asked).toEqual([
      { vendorId: 'com.acme', messageId: 'SetTariff', data },
      { vendorId: 'com.acme', messageId: 'Lock', data: 'plain text' },
      { vendorId: 'com.acme', messageId: 'Nope', data: [1, 2, 3] },
      { vendorId: 'com.other' },
    ]);
    // vendorId is required and at most 255 characters: 400, nothing sent.
    for (const body of [{ messageId: 'X' }, { vendorId: 'v'.repeat(256) }]) {
      expect((await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, body)).status).toBe(400);
    }
    expect(asked).toHaveLength(4);
    await cs.close();
  });
});
