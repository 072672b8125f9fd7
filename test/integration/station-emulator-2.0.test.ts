import { randomUUID } from 'node:crypto';
import { bootCsms, eventually } from '../support/local';
import { newId, rawClient } from '../support/clients';

/**
 * The whole flow of the public OCPP 2.0 station emulator (romfrolov/station-emulator, see
 * /work/shared/spec/ocpp-2.0-station-emulator-supported.md) over subprotocol `ocpp2.0`, with a
 * raw socket sending its own frames: the same text layout (`[2, "id", "Action", {...}]`), the
 * same payload shapes (src/requests.rs, src/responses.rs), the same answers to our calls
 * (src/client.rs). Boot → status → heartbeat → remote start (RequestStartTransaction from the
 * operator API; TransactionEvent in 2.0 shape with transactionData and remoteStartId) →
 * transaction events with meter values → remote stop → Get/SetVariables.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Emu = Awaited<ReturnType<typeof rawClient>>;
/** chrono `Utc::now().with_nanosecond(0).to_rfc3339()`: no fraction, "+00:00". */
const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
/** The emulator formats frames with `format!("[{}, \"{}\", \"{}\", {}]", ...)`. */
const callText = (id: string, action: string, payload: unknown) => `[2, "${id}", "${action}", ${JSON.stringify(payload)}]`;
const resultText = (id: string, payload: unknown) => `[3, "${id}", ${JSON.stringify(payload)}]`;

/** Sends one of the emulator's CALLs and returns the CSMS answer frame. */
async function send(emu: Emu, action: string, payload: unknown) {
  const id = randomUUID();
  const answer = await emu.exchange(callText(id, action, payload));
  expect(answer[1]).toBe(id);
  return answer as [number, string, ...unknown[]];
}
const statusNotification = (status: string) => ({ timestamp: rfc3339(), connectorStatus: status, evseId: 1, connectorId: 1 });
const transactionEvent = (transactionId: string, eventType: string, triggerReason: string, chargingState?: string, remoteStartId?: number, stoppedReason?: string) => {
  const transactionData: Record<string, unknown> = { id: transactionId };
  if (chargingState) transactionData.chargingState = chargingState;
  if (remoteStartId !== undefined) transactionData.remoteStartId = remoteStartId;
  if (stoppedReason) transactionData.stoppedReason = stoppedReason;
  return { eventType, timestamp: rfc3339(), triggerReason, seqNo: 0, transactionData };
};
/** json-rust `JsonValue::to_string()`: strings as they are, anything else as JSON text. */
const rustToString = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The emulator's answers to GetVariables/SetVariables (src/client.rs): it compares the component's text with "AuthCtrlr". */
function emulatorVariablesAnswer(action: 'GetVariables' | 'SetVariables', payload: Record<string, Array<{ component: unknown; variable: { name: string } }>>) {
  const data = payload[action === 'GetVariables' ? 'getVariableData' : 'setVariableData'][0];
  const component = rustToString(data.component);
  const variable = data.variable.name;
  const known = component === 'AuthCtrlr';
  const status = !known ? 'UnknownComponent' : variable !== 'AuthorizeRemoteStart' ? 'UnknownVariable' : action === 'GetVariables' ? 'Accepted' : 'Rejected';
  const result: Record<string, unknown> = { attributeStatus: status, component, variable: { name: variable } };
  if (action === 'GetVariables' && status === 'Accepted') result.attributeValue = 'false';
  return { [action === 'GetVariables' ? 'getVariableResult' : 'setVariableResult']: [result] };
}

async function bootEmulator(): Promise<{ id: string; emu: Emu }> {
  const id = newId('EMU');
  const emu = await rawClient(`${csms.chargePointUrl}/${id}`, ['ocpp2.0']);
  expect(emu.ws.protocol).toBe('ocpp2.0');
  const [type, , boot] = await send(emu, 'BootNotification', {
    reason: 'PowerUp', chargingStation: { serialNumber: 'EMU-SN-0001', model: 'Model', vendorName: 'Vendor name', firmwareVersion: '0.1.0', modem: { iccid: '', imsi: '' } },
  });
  expect(type).toBe(3);
  expect(boot).toMatchObject({ status: 'Accepted', interval: expect.any(Number), currentTime: expect.any(String) });
  // On Accepted: EVSE 1 connector 1 becomes Available, then heartbeats at the interval.
  expect(await send(emu, 'StatusNotification', statusNotification('Available'))).toEqual([3, expect.any(String), {}]);
  expect((await send(emu, 'Heartbeat', {}))[2]).toEqual({ currentTime: expect.any(String) });
  return { id, emu };
}

describe('the OCPP 2.0 station emulator, end to end', () => {
  it('boots, reports status, heartbeats; the operator sees an ocpp2.0 station', async () => {
    const { id, emu } = await bootEmulator();
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body).toMatchObject({
      protocol: 'ocpp2.0', connected: true,
      boot: { vendor: 'Vendor name', model: 'Model', serialNumber: 'EMU-SN-0001', firmwareVersion: '0.1.0', reason: 'PowerUp' },
      connectors: { '1/1': { evseId: 1, connectorId: 1, status: 'Available' } },
    });
    await emu.close();
  });

  it('remote start → 2.0 transaction events with meter values → remote stop', async () => {
    const { id, emu } = await bootEmulator();
    const remoteStartId = 4242;

    // The operator starts a transaction; the emulator answers {remoteStartId, status}.
    const started = csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { evseId: 1, remoteStartId, idToken: { idToken: 'EMU-TOKEN', type: 'Central' } });
    const [type, callId, action, request] = await emu.next();
    expect([type, action, request]).toEqual([2, 'RequestStartTransaction', { evseId: 1, remoteStartId, idToken: { idToken: 'EMU-TOKEN', type: 'Central' } }]);
    emu.send(resultText(callId, { remoteStartId: request.remoteStartId, status: 'Accepted' }));
    const res = await started;
    expect(res.status).toBe(200);
    expect(res.body.response).toEqual({ status: 'Accepted', customData: { vendorId: 'ocpp2.0', remoteStartId } });

    // Then, from its queue: Occupied, TransactionEvent Started (RemoteStart, remoteStartId), Updated (CablePluggedIn, Charging).
    const txId = randomUUID();
    expect(await send(emu, 'StatusNotification', statusNotification('Occupied'))).toEqual([3, expect.any(String), {}]);
    const startAnswer = await send(emu, 'TransactionEvent', transactionEvent(txId, 'Started', 'RemoteStart', undefined, remoteStartId));
    expect(startAnswer[0]).toBe(3);
    expect((await send(emu, 'TransactionEvent', transactionEvent(txId, 'Updated', 'CablePluggedIn', 'Charging')))[0]).toBe(3);

    // Meter values in 2.0 shape (a periodic Updated event; the signed value in the 2.0 SignedMeterValueType).
    const periodic = {
      ...transactionEvent(txId, 'Updated', 'MeterValuePeriodic', 'Charging'),
      meterValue: [{ timestamp: rfc3339(), sampledValue: [
        { value: 1234.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' }, context: 'Sample.Periodic',
          signedMeterValue: { meterValueSignature: 'c2lnbmF0dXJl', signatureMethod: 'ECDSAP256SHA256', encodingMethod: 'EDL', encodedMeterValue: 'MTIzNC41' } },
        { value: 16.1, measurand: 'Current.Import', phase: 'L1', unitOfMeasure: { unit: 'A' } },
      ] }],
    };
    expect((await send(emu, 'TransactionEvent', periodic))[0]).toBe(3);

    const active = await csms.api.get(`/transactions?chargePointId=${id}&active=true`);
    expect(active.status).toBe(200);
    expect(active.body.items).toEqual([expect.objectContaining({ transactionId: txId, chargePointId: id, active: true, remoteStartId })]);
    const tx = await csms.api.get(`/transactions/${txId}`);
    expect(tx.body).toMatchObject({ transactionId: txId, chargingState: 'Charging', idTag: 'EMU-TOKEN', evseId: 1 });
    expect(JSON.stringify(tx.body.meterValues)).toContain('1234.5');

    // The operator stops it; the emulator answers Accepted, sends Updated (RemoteStop), Ended (Remote), Available.
    const stopped = csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: txId });
    const [, stopId, stopAction, stopReq] = await emu.next();
    expect([stopAction, stopReq]).toEqual(['RequestStopTransaction', { transactionId: txId }]);
    emu.send(resultText(stopId, { status: 'Accepted' }));
    expect((await stopped).body).toEqual({ response: { status: 'Accepted' } });
    expect((await send(emu, 'TransactionEvent', transactionEvent(txId, 'Updated', 'RemoteStop')))[0]).toBe(3);
    expect((await send(emu, 'TransactionEvent', transactionEvent(txId, 'Ended', 'RemoteStop', undefined, undefined, 'Remote')))[0]).toBe(3);
    expect(await send(emu, 'StatusNotification', statusNotification('Available'))).toEqual([3, expect.any(String), {}]);

    const ended = await csms.api.get(`/transactions/${txId}`);
    expect(ended.body).toMatchObject({ transactionId: txId, active: false, stopReason: 'Remote', stoppedAt: expect.any(String) });
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=true`)).body.items).toEqual([]);
    expect((await csms.api.get(`/charge-points/${id}`)).body.connectors['1/1'].status).toBe('Available');

    // A stop for a transaction it does not know: Rejected. A start while not Available: Rejected (with its remoteStartId).
    const unknownStop = csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: 'no-such-tx' });
    const [, id2] = await emu.next();
    emu.send(resultText(id2, { status: 'Rejected' }));
    expect((await unknownStop).body.response).toEqual({ status: 'Rejected' });
    await send(emu, 'StatusNotification', statusNotification('Occupied'));
    const busyStart = csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { evseId: 1, remoteStartId: 4243, idToken: { idToken: 'EMU-TOKEN', type: 'Central' } });
    const [, id3, , req3] = await emu.next();
    emu.send(resultText(id3, { remoteStartId: req3.remoteStartId, status: 'Rejected' }));
    expect((await busyStart).body.response).toEqual({ status: 'Rejected', customData: { vendorId: 'ocpp2.0', remoteStartId: 4243 } });
    await emu.close();
  });

  it('Get/SetVariables: the request goes out in spec shape; the emulator\'s string components are understood', async () => {
    const { id, emu } = await bootEmulator();
    const authorizeRemoteStart = { component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } };

    // GetVariables: the emulator turns the component object into its JSON text, finds no "AuthCtrlr" and echoes that text.
    const get = csms.api.post(`/charge-points/${id}/calls/GetVariables`, { getVariableData: [authorizeRemoteStart] });
    const [, getId, getAction, getReq] = await emu.next();
    expect([getAction, getReq]).toEqual(['GetVariables', { getVariableData: [authorizeRemoteStart] }]);
    const getAnswer = emulatorVariablesAnswer('GetVariables', getReq);
    expect(getAnswer).toEqual({ getVariableResult: [{ attributeStatus: 'UnknownComponent', component: '{"name":"AuthCtrlr"}', variable: { name: 'AuthorizeRemoteStart' } }] });
    emu.send(resultText(getId, getAnswer));
    const got = await get;
    expect(got.status).toBe(200);
    expect(got.body.response).toEqual({ getVariableResult: [{ attributeStatus: 'UnknownComponent', ...authorizeRemoteStart }] });

    // SetVariables, the same way.
    const set = csms.api.post(`/charge-points/${id}/calls/SetVariables`, { setVariableData: [{ ...authorizeRemoteStart, attributeValue: 'true' }] });
    const [, setId, , setReq] = await emu.next();
    emu.send(resultText(setId, emulatorVariablesAnswer('SetVariables', setReq)));
    expect((await set).body.response).toEqual({ setVariableResult: [{ attributeStatus: 'UnknownComponent', ...authorizeRemoteStart }] });

    // The emulator's first SetVariables answer (hard-coded "component":"AuthCtrlr", Accepted): kept in the device model.
    const set2 = csms.api.post(`/charge-points/${id}/calls/SetVariables`, { setVariableData: [{ ...authorizeRemoteStart, attributeValue: 'false' }] });
    const [, set2Id] = await emu.next();
    emu.send(resultText(set2Id, { setVariableResult: [{ attributeStatus: 'Accepted', component: 'AuthCtrlr', variable: { name: 'AuthorizeRemoteStart' } }] }));
    expect((await set2).body.response.setVariableResult[0]).toEqual({ attributeStatus: 'Accepted', ...authorizeRemoteStart });
    const model = await csms.api.get(`/charge-points/${id}/device-model?component=AuthCtrlr`);
    expect(model.body.items).toEqual([expect.objectContaining({ variableKey: 'AuthCtrlr/AuthorizeRemoteStart/Actual', value: 'false' })]);

    // …and a GetVariables answered Accepted with a plain-string component refreshes it.
    const get2 = csms.api.post(`/charge-points/${id}/calls/GetVariables`, { getVariableData: [authorizeRemoteStart] });
    const [, get2Id] = await emu.next();
    emu.send(resultText(get2Id, { getVariableResult: [{ attributeStatus: 'Accepted', component: 'AuthCtrlr', variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'true' }] }));
    expect((await get2).status).toBe(200);
    await eventually(async () => (await csms.api.get(`/charge-points/${id}/device-model?component=AuthCtrlr`)).body.items[0]?.value === 'true');
    await emu.close();
  });

  it('calls 2.0 cannot express are refused before sending; others go out in 2.0 shape', async () => {
    const { id, emu } = await bootEmulator();
    const frames: unknown[] = [];
    emu.ws.on('message', (d) => frames.push(JSON.parse(d.toString())));

    const oneConnector = await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Inoperative', evse: { id: 1, connectorId: 1 } });
    expect(oneConnector.status).toBe(400);
    expect(oneConnector.body).toMatchObject({ error: 'NotExpressibleIn20', message: expect.stringMatching(/not of one connector/) });
    const evseReset = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Immediate', evseId: 1 });
    expect([evseReset.status, evseReset.body.error]).toEqual([400, 'NotExpressibleIn20']);
    const trigger = await csms.api.post(`/charge-points/${id}/calls/TriggerMessage`, { requestedMessage: 'PublishFirmwareStatusNotification' });
    expect([trigger.status, trigger.body.error]).toEqual([400, 'NotExpressibleIn20']);

    // A whole-EVSE ChangeAvailability goes out as 2.0 {evseId, operationalStatus}; the emulator has no handler and never answers.
    const unanswered = await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability?timeoutMs=500`, { operationalStatus: 'Inoperative', evse: { id: 1 } });
    expect(unanswered.status).toBe(504);
    expect(frames).toEqual([[2, expect.any(String), 'ChangeAvailability', { operationalStatus: 'Inoperative', evseId: 1 }]]);
    // The slot is free again: the next call goes out.
    const stop = csms.api.post(`/charge-points/${id}/calls/RequestStopTransaction`, { transactionId: 'x' });
    await eventually(async () => frames.length === 2);
    emu.send(resultText((frames[1] as string[])[1], { status: 'Rejected' }));
    expect((await stop).body.response.status).toBe('Rejected');
    await emu.close();
  });

  it('2.0 messages that are invalid even after normalisation get the specific CALLERROR', async () => {
    const { emu } = await bootEmulator();
    const noData = await send(emu, 'TransactionEvent', { eventType: 'Started', timestamp: rfc3339(), triggerReason: 'RemoteStart', seqNo: 0 });
    expect(noData.slice(0, 3)).toEqual([4, expect.any(String), 'OccurrenceConstraintViolation']);
    const badState = await send(emu, 'TransactionEvent', { ...transactionEvent(randomUUID(), 'Updated', 'ChargingStateChanged'), transactionData: { id: 'T', chargingState: 'Flying' } });
    expect(badState.slice(0, 3)).toEqual([4, expect.any(String), 'PropertyConstraintViolation']);
    const garbage = await emu.exchange('[2, "g1", "Heartbeat", {]');
    expect(garbage.slice(0, 3)).toEqual([4, 'g1', 'RpcFrameworkError']);
    await emu.close();
  });
});
