import {
  adaptRequestFrom20, adaptRequestTo20, adaptResponseFrom20, adaptResponseTo20, ADAPTED, NotExpressibleIn20, OCPP20_VENDOR_ID,
} from '../../shared/ocpp/adapter-2.0';
import { checkPayload } from '../../shared/ocpp/validation';

/**
 * The OCPP 2.0 ↔ 2.0.1 adapter, difference by difference (docs/ocpp-2.0-differences.md). Inputs
 * marked "emulator" are byte-for-byte the shapes romfrolov/station-emulator builds
 * (src/requests.rs, src/responses.rs); the others follow the OCA 2.0 (v1p0) schemas.
 */
const valid201 = (action: string, kind: 'req' | 'conf', payload: unknown) => expect(checkPayload('2.0.1', action, kind, payload)).toBeUndefined();
const ts = '2024-05-01T10:00:00+00:00'; // the emulator's chrono to_rfc3339() form

describe('2.0 requests from a station are normalised to 2.0.1', () => {
  it('TransactionEvent Started (emulator): transactionData {id, remoteStartId} → transactionInfo {transactionId, remoteStartId}', () => {
    const in20 = { eventType: 'Started', timestamp: ts, triggerReason: 'RemoteStart', seqNo: 0, transactionData: { id: '7c1a5a4e-0c0c-4f0e-9a52-6d0f5f7f2d11', remoteStartId: 42 } };
    const out = adaptRequestFrom20('TransactionEvent', in20);
    expect(out).toEqual({ eventType: 'Started', timestamp: ts, triggerReason: 'RemoteStart', seqNo: 0, transactionInfo: { transactionId: '7c1a5a4e-0c0c-4f0e-9a52-6d0f5f7f2d11', remoteStartId: 42 } });
    valid201('TransactionEvent', 'req', out);
    expect(in20.transactionData).toEqual({ id: '7c1a5a4e-0c0c-4f0e-9a52-6d0f5f7f2d11', remoteStartId: 42 }); // input untouched
  });

  it('TransactionEvent Updated / Ended (emulator): chargingState and stoppedReason carried over', () => {
    const updated = adaptRequestFrom20('TransactionEvent', { eventType: 'Updated', timestamp: ts, triggerReason: 'CablePluggedIn', seqNo: 0, transactionData: { id: 'T1', chargingState: 'Charging' } });
    expect(updated).toMatchObject({ transactionInfo: { transactionId: 'T1', chargingState: 'Charging' } });
    valid201('TransactionEvent', 'req', updated);
    const ended = adaptRequestFrom20('TransactionEvent', { eventType: 'Ended', timestamp: ts, triggerReason: 'RemoteStop', seqNo: 0, transactionData: { id: 'T1', stoppedReason: 'Remote' } });
    expect(ended).toMatchObject({ transactionInfo: { transactionId: 'T1', stoppedReason: 'Remote' } });
    valid201('TransactionEvent', 'req', ended);
  });

  it('TransactionEvent: 2.0 enum values renamed or dropped in 2.0.1', () => {
    const out = adaptRequestFrom20('TransactionEvent', {
      eventType: 'Ended', timestamp: ts, triggerReason: 'UnlockCommand', seqNo: 3, cableMaxCurrent: 31.5,
      transactionData: { id: 'T2', chargingState: 'EVDetected', stoppedReason: 'UnlockCommand' },
    });
    expect(out).toEqual({
      eventType: 'Ended', timestamp: ts, triggerReason: 'UnlockCommand', seqNo: 3,
      cableMaxCurrent: 31, customData: { vendorId: OCPP20_VENDOR_ID, cableMaxCurrent: 31.5 },
      transactionInfo: { transactionId: 'T2', chargingState: 'EVConnected', stoppedReason: 'Other', customData: { vendorId: OCPP20_VENDOR_ID, stoppedReason: 'UnlockCommand' } },
    });
    valid201('TransactionEvent', 'req', out);
  });

  it('TransactionEvent and MeterValues: 2.0 signed meter values become 2.0.1 ones, the signature kept', () => {
    const sv20 = { value: 1234.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' },
      signedMeterValue: { meterValueSignature: 'c2ln', signatureMethod: 'ECDSAP256SHA256', encodingMethod: 'EDL', encodedMeterValue: 'ZGF0YQ==' } };
    const expected = { value: 1234.5, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' },
      signedMeterValue: { signedMeterData: 'ZGF0YQ==', signingMethod: 'ECDSAP256SHA256', encodingMethod: 'EDL', publicKey: '', customData: { vendorId: OCPP20_VENDOR_ID, meterValueSignature: 'c2ln' } } };
    const te = adaptRequestFrom20('TransactionEvent', { eventType: 'Updated', timestamp: ts, triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionData: { id: 'T3' }, meterValue: [{ timestamp: ts, sampledValue: [sv20] }] });
    expect((te as { meterValue: unknown[] }).meterValue).toEqual([{ timestamp: ts, sampledValue: [expected] }]);
    valid201('TransactionEvent', 'req', te);
    const mv = adaptRequestFrom20('MeterValues', { evseId: 1, meterValue: [{ timestamp: ts, sampledValue: [sv20, { value: 7 }] }] });
    expect(mv).toEqual({ evseId: 1, meterValue: [{ timestamp: ts, sampledValue: [expected, { value: 7 }] }] });
    valid201('MeterValues', 'req', mv);
  });

  it('a 2.0.1-shaped TransactionEvent sent over ocpp2.0 passes unchanged', () => {
    const p = { eventType: 'Started', timestamp: ts, triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 'T4' }, evse: { id: 1, connectorId: 1 } };
    expect(adaptRequestFrom20('TransactionEvent', p)).toEqual(p);
  });

  it('BootNotification, StatusNotification and Heartbeat (emulator) are already 2.0.1-valid and pass unchanged', () => {
    const boot = { reason: 'PowerUp', chargingStation: { serialNumber: 'SN-1', model: 'Model', vendorName: 'Vendor name', firmwareVersion: '0.1.0', modem: { iccid: '', imsi: '' } } };
    const status = { timestamp: ts, connectorStatus: 'Available', evseId: 1, connectorId: 1 };
    expect(adaptRequestFrom20('BootNotification', boot)).toBe(boot);
    expect(adaptRequestFrom20('StatusNotification', status)).toBe(status);
    expect(adaptRequestFrom20('Heartbeat', {})).toEqual({});
    valid201('BootNotification', 'req', boot);
    valid201('StatusNotification', 'req', status);
  });

  it('Authorize: 15118CertificateHashData → iso15118CertificateHashData, evseId kept in customData', () => {
    const out = adaptRequestFrom20('Authorize', {
      idToken: { idToken: 'AB12', type: 'ISO14443' }, evseId: [1, 2],
      '15118CertificateHashData': [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c' }],
    });
    expect(out).toEqual({
      idToken: { idToken: 'AB12', type: 'ISO14443' },
      iso15118CertificateHashData: [{ hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c', responderURL: '' }],
      customData: { vendorId: OCPP20_VENDOR_ID, evseId: [1, 2] },
    });
    valid201('Authorize', 'req', out);
  });

  it('NotifyReport: VariableAttribute.persistence → persistent', () => {
    const out = adaptRequestFrom20('NotifyReport', {
      requestId: 5, generatedAt: ts, tbc: false, seqNo: 0,
      reportData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' },
        variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite', persistence: true, constant: false }],
        variableCharacteristics: { unit: 's', dataType: 'integer', supportsMonitoring: false } }],
    });
    expect((out as { reportData: Array<{ variableAttribute: unknown[] }> }).reportData[0].variableAttribute).toEqual([{ type: 'Actual', value: '300', mutability: 'ReadWrite', persistent: true, constant: false }]);
    valid201('NotifyReport', 'req', out);
  });

  it('NotifyEvent: variableMonitoringEvent → variableMonitoringId + eventNotificationType', () => {
    const base = { eventId: 9, timestamp: ts, trigger: 'Alerting', actualValue: '81', cleared: false, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' } };
    const out = adaptRequestFrom20('NotifyEvent', {
      generatedAt: ts, tbc: false, seqNo: 0,
      eventData: [
        { ...base, variableMonitoringEvent: { id: 3, value: 80, type: 'UpperThreshold', severity: 2, transaction: false } },
        { ...base, eventId: 10, trigger: 'Delta' },
      ],
    }) as { eventData: unknown[] };
    expect(out.eventData).toEqual([
      { ...base, variableMonitoringId: 3, eventNotificationType: 'CustomMonitor', customData: { vendorId: OCPP20_VENDOR_ID, variableMonitoringEvent: { id: 3, value: 80, type: 'UpperThreshold', severity: 2, transaction: false } } },
      { ...base, eventId: 10, trigger: 'Delta', eventNotificationType: 'HardWiredNotification' },
    ]);
    valid201('NotifyEvent', 'req', out);
  });

  it('FirmwareStatusNotification: 2.0-only statuses mapped to the 2.0.1 status of the same step', () => {
    expect(adaptRequestFrom20('FirmwareStatusNotification', { status: 'InvalidCertificate', requestId: 1 }))
      .toEqual({ status: 'InvalidSignature', requestId: 1, customData: { vendorId: OCPP20_VENDOR_ID, status: 'InvalidCertificate' } });
    expect(adaptRequestFrom20('FirmwareStatusNotification', { status: 'Installed', requestId: 1 })).toEqual({ status: 'Installed', requestId: 1 });
    // No 2.0.1 equivalent: left as is, so validation answers PropertyConstraintViolation.
    expect(checkPayload('2.0.1', 'FirmwareStatusNotification', 'req', adaptRequestFrom20('FirmwareStatusNotification', { status: 'PublishFailed', requestId: 1 }))?.code).toBe('PropertyConstraintViolation');
  });

  it('leaves non-objects and unknown actions alone (validation answers them)', () => {
    expect(adaptRequestFrom20('TransactionEvent', [1, 2])).toEqual([1, 2]);
    expect(adaptRequestFrom20('TransactionEvent', null)).toBeNull();
    expect(adaptRequestFrom20('toString', { a: 1 })).toEqual({ a: 1 });
    expect(adaptRequestFrom20('Whatever', { a: 1 })).toEqual({ a: 1 });
  });
});

describe('our answers to a 2.0 station', () => {
  it('Authorize: idTokenInfo.evseId moves to the top level, groupIdToken loses additionalInfo', () => {
    const ours = { idTokenInfo: { status: 'Accepted', evseId: [1], groupIdToken: { idToken: 'G1', type: 'Central', additionalInfo: [{ additionalIdToken: 'x', type: 'y' }] } } };
    valid201('Authorize', 'conf', ours);
    expect(adaptResponseTo20('Authorize', ours)).toEqual({ idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'G1', type: 'Central' } }, evseId: [1] });
  });

  it('TransactionEvent: idTokenInfo without evseId', () => {
    expect(adaptResponseTo20('TransactionEvent', { idTokenInfo: { status: 'Accepted', evseId: [2] } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect(adaptResponseTo20('TransactionEvent', {})).toEqual({});
  });

  it('BootNotification and empty answers are the same in 2.0', () => {
    const boot = { currentTime: ts, interval: 300, status: 'Accepted' };
    expect(adaptResponseTo20('BootNotification', boot)).toBe(boot);
    expect(adaptResponseTo20('StatusNotification', {})).toEqual({});
  });
});

describe('our calls to a 2.0 station', () => {
  it('ChangeAvailability: evse → evseId (0 = the station); one connector cannot be expressed', () => {
    expect(adaptRequestTo20('ChangeAvailability', { operationalStatus: 'Inoperative', evse: { id: 2 } })).toEqual({ operationalStatus: 'Inoperative', evseId: 2 });
    expect(adaptRequestTo20('ChangeAvailability', { operationalStatus: 'Operative' })).toEqual({ operationalStatus: 'Operative', evseId: 0 });
    expect(() => adaptRequestTo20('ChangeAvailability', { operationalStatus: 'Operative', evse: { id: 1, connectorId: 2 } })).toThrow(NotExpressibleIn20);
  });

  it('Reset: only the whole station', () => {
    expect(adaptRequestTo20('Reset', { type: 'OnIdle' })).toEqual({ type: 'OnIdle' });
    expect(() => adaptRequestTo20('Reset', { type: 'Immediate', evseId: 1 })).toThrow(/whole charging station/);
  });

  it('RequestStartTransaction: as sent to the emulator (which reads remoteStartId and evseId); charging profile with one schedule object', () => {
    const req = { evseId: 1, remoteStartId: 42, idToken: { idToken: 'TOKEN1', type: 'Central' } };
    expect(adaptRequestTo20('RequestStartTransaction', req)).toEqual(req);
    const profile = { id: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] };
    valid201('RequestStartTransaction', 'req', { ...req, chargingProfile: profile });
    expect(adaptRequestTo20('RequestStartTransaction', { ...req, chargingProfile: profile })).toEqual({
      ...req, chargingProfile: { ...profile, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] } },
    });
    expect(() => adaptRequestTo20('RequestStartTransaction', { ...req, groupIdToken: { idToken: 'G', type: 'Central' } })).toThrow(/groupIdToken/);
    expect(() => adaptRequestTo20('RequestStartTransaction', { ...req, idToken: { idToken: 'aa:bb', type: 'MacAddress' } })).toThrow(/MacAddress/);
    expect(() => adaptRequestTo20('SetChargingProfile', { evseId: 1, chargingProfile: { ...profile, chargingSchedule: [profile.chargingSchedule[0], { ...profile.chargingSchedule[0], id: 2 }] } })).toThrow(/exactly one/);
  });

  it('TriggerMessage: values added in 2.0.1 cannot be requested', () => {
    expect(adaptRequestTo20('TriggerMessage', { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } })).toEqual({ requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } });
    expect(() => adaptRequestTo20('TriggerMessage', { requestedMessage: 'SignCombinedCertificate' })).toThrow(NotExpressibleIn20);
  });

  it('GetVariables, SetVariables, RequestStopTransaction, GetBaseReport, UnlockConnector go out unchanged', () => {
    for (const [action, p] of [
      ['GetVariables', { getVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } }] }],
      ['SetVariables', { setVariableData: [{ component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'true' }] }],
      ['RequestStopTransaction', { transactionId: 'T1' }],
      ['GetBaseReport', { requestId: 1, reportBase: 'FullInventory' }],
      ['UnlockConnector', { evseId: 1, connectorId: 1 }],
    ] as const) expect(adaptRequestTo20(action, p)).toEqual(p);
  });
});

describe('a 2.0 station\'s answers to our calls', () => {
  it('RequestStartTransaction (emulator): {remoteStartId, status} → 2.0.1, remoteStartId kept in customData', () => {
    const out = adaptResponseFrom20('RequestStartTransaction', { remoteStartId: 42, status: 'Accepted' });
    expect(out).toEqual({ status: 'Accepted', customData: { vendorId: OCPP20_VENDOR_ID, remoteStartId: 42 } });
    valid201('RequestStartTransaction', 'conf', out);
  });

  it('GetVariables (emulator): component as a plain string, or as the JSON text of the component it was sent', () => {
    const plain = adaptResponseFrom20('GetVariables', { getVariableResult: [{ attributeStatus: 'Accepted', component: 'AuthCtrlr', variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'false' }] });
    expect(plain).toEqual({ getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' }, attributeValue: 'false' }] });
    valid201('GetVariables', 'conf', plain);
    const echoed = adaptResponseFrom20('GetVariables', { getVariableResult: [{ attributeStatus: 'UnknownComponent', component: '{"name":"AuthCtrlr"}', variable: { name: 'AuthorizeRemoteStart' } }] });
    expect(echoed).toEqual({ getVariableResult: [{ attributeStatus: 'UnknownComponent', component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } }] });
    valid201('GetVariables', 'conf', echoed);
    const obj = { getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'X', evse: { id: 1 } }, variable: { name: 'Y' }, attributeValue: '1' }] };
    expect(adaptResponseFrom20('GetVariables', obj)).toEqual(obj);
  });

  it('SetVariables (emulator): component string; 2.0 InvalidValue/OutOfRange → Rejected with the reason', () => {
    const out = adaptResponseFrom20('SetVariables', { setVariableResult: [
      { attributeStatus: 'Rejected', component: 'AuthCtrlr', variable: { name: 'AuthorizeRemoteStart' } },
      { attributeStatus: 'OutOfRange', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    ] });
    expect(out).toEqual({ setVariableResult: [
      { attributeStatus: 'Rejected', component: { name: 'AuthCtrlr' }, variable: { name: 'AuthorizeRemoteStart' } },
      { attributeStatus: 'Rejected', attributeStatusInfo: { reasonCode: 'OutOfRange' }, component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
    ] });
    valid201('SetVariables', 'conf', out);
  });

  it('RequestStopTransaction (emulator) is already 2.0.1', () => {
    expect(adaptResponseFrom20('RequestStopTransaction', { status: 'Accepted' })).toEqual({ status: 'Accepted' });
  });
});

it('the adapted action lists match the documentation', () => {
  expect(ADAPTED).toEqual({
    requestsFrom20: ['TransactionEvent', 'MeterValues', 'Authorize', 'NotifyReport', 'NotifyEvent', 'FirmwareStatusNotification'],
    responsesTo20: ['Authorize', 'TransactionEvent'],
    requestsTo20: ['ChangeAvailability', 'Reset', 'RequestStartTransaction', 'SetChargingProfile', 'TriggerMessage'],
    responsesFrom20: ['RequestStartTransaction', 'GetVariables', 'SetVariables'],
  });
});
