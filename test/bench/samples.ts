/**
 * Sample messages for the bench: a valid request per charge-point-initiated action (OCPP 1.6 and
 * 2.0.1, checked against the official schemas by the strict client in the smoke test), and a valid
 * answer per action for the pure-CPU pipeline measurement (which skips the action's own logic).
 */
export type BenchProtocol = 'ocpp1.6' | 'ocpp2.0.1';

/** State a scripted sequence carries from one message to the next. */
export interface SampleState {
  idTag: string;
  transactionId?: number | string;
  seqNo: number;
  meter: number;
  /** Distinguishes otherwise identical messages (retries of StartTransaction are deduplicated). */
  n: number;
}

export interface Sample {
  /** Name in reports; several samples may share an action (TransactionEvent Started/Updated/Ended). */
  name: string;
  action: string;
  protocol: BenchProtocol;
  request: (s: SampleState) => Record<string, unknown>;
  /** A valid answer, for the CPU pipeline measurement only. */
  response: Record<string, unknown>;
}

const now = () => new Date().toISOString();

const meterValue16 = (s: SampleState) => [{
  timestamp: now(),
  sampledValue: [
    { value: String(s.meter), context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
    { value: '7200', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'W' },
    { value: '10.4', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
    { value: '10.3', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2', unit: 'A' },
    { value: '10.5', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L3', unit: 'A' },
    { value: '230.1', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
  ],
}];

const meterValue201 = (s: SampleState) => [{
  timestamp: now(),
  sampledValue: [
    { value: s.meter, context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } },
    { value: 7200, context: 'Sample.Periodic', measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W' } },
    { value: 10.4, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1' },
    { value: 10.3, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L2' },
    { value: 10.5, context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L3' },
    { value: 230.1, context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N' },
  ],
}];

const S16 = (name: string, action: string, request: Sample['request'], response: Record<string, unknown>): Sample => ({ name, action, protocol: 'ocpp1.6', request, response });
const S201 = (name: string, action: string, request: Sample['request'], response: Record<string, unknown>): Sample => ({ name, action, protocol: 'ocpp2.0.1', request, response });

const TIME = '2026-01-01T00:00:00.000Z';

export const SAMPLES_16: Sample[] = [
  S16('BootNotification', 'BootNotification', () => ({ chargePointVendor: 'Acme', chargePointModel: 'AC-22', chargePointSerialNumber: 'SN-BENCH', firmwareVersion: '1.0.0' }),
    { status: 'Accepted', currentTime: TIME, interval: 300 }),
  S16('Heartbeat', 'Heartbeat', () => ({}), { currentTime: TIME }),
  S16('StatusNotification', 'StatusNotification', () => ({ connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: now() }), {}),
  S16('Authorize', 'Authorize', (s) => ({ idTag: s.idTag }), { idTagInfo: { status: 'Accepted' } }),
  S16('StartTransaction', 'StartTransaction', (s) => ({ connectorId: 1, idTag: s.idTag, meterStart: s.meter + s.n, timestamp: now() }),
    { transactionId: 1, idTagInfo: { status: 'Accepted' } }),
  S16('MeterValues', 'MeterValues', (s) => ({ connectorId: 1, transactionId: Number(s.transactionId ?? 1), meterValue: meterValue16(s) }), {}),
  S16('StopTransaction', 'StopTransaction', (s) => ({ transactionId: Number(s.transactionId ?? 1), idTag: s.idTag, meterStop: s.meter + 7200, timestamp: now(), reason: 'Local' }),
    { idTagInfo: { status: 'Accepted' } }),
  S16('DataTransfer', 'DataTransfer', () => ({ vendorId: 'Acme', messageId: 'Bench', data: 'hello' }), { status: 'Accepted' }),
  S16('DiagnosticsStatusNotification', 'DiagnosticsStatusNotification', () => ({ status: 'Idle' }), {}),
  S16('FirmwareStatusNotification', 'FirmwareStatusNotification', () => ({ status: 'Idle' }), {}),
  S16('SecurityEventNotification', 'SecurityEventNotification', () => ({ type: 'SettingSystemTime', timestamp: now() }), {}),
  S16('SignedFirmwareStatusNotification', 'SignedFirmwareStatusNotification', () => ({ status: 'Idle' }), {}),
  S16('LogStatusNotification', 'LogStatusNotification', () => ({ status: 'Idle' }), {}),
];

const idToken = (s: SampleState) => ({ idToken: s.idTag, type: 'ISO14443' });
const txId = (s: SampleState) => String(s.transactionId ?? `tx-${s.n}`);

export const SAMPLES_201: Sample[] = [
  S201('BootNotification', 'BootNotification', () => ({ reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150', serialNumber: 'SN-BENCH', firmwareVersion: '2.1' } }),
    { currentTime: TIME, interval: 300, status: 'Accepted' }),
  S201('Heartbeat', 'Heartbeat', () => ({}), { currentTime: TIME }),
  S201('StatusNotification', 'StatusNotification', () => ({ timestamp: now(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }), {}),
  S201('Authorize', 'Authorize', (s) => ({ idToken: idToken(s) }), { idTokenInfo: { status: 'Accepted' } }),
  S201('TransactionEvent:Started', 'TransactionEvent', (s) => ({
    eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: s.seqNo,
    transactionInfo: { transactionId: txId(s), chargingState: 'EVConnected' }, idToken: idToken(s), evse: { id: 1, connectorId: 1 },
    meterValue: [{ timestamp: now(), sampledValue: [{ value: s.meter, context: 'Transaction.Begin', measurand: 'Energy.Active.Import.Register' }] }],
  }), {}),
  S201('TransactionEvent:Updated', 'TransactionEvent', (s) => ({
    eventType: 'Updated', timestamp: now(), triggerReason: 'MeterValuePeriodic', seqNo: s.seqNo,
    transactionInfo: { transactionId: txId(s), chargingState: 'Charging' }, meterValue: meterValue201(s),
  }), {}),
  S201('TransactionEvent:Ended', 'TransactionEvent', (s) => ({
    eventType: 'Ended', timestamp: now(), triggerReason: 'StopAuthorized', seqNo: s.seqNo,
    transactionInfo: { transactionId: txId(s), stoppedReason: 'Local' }, idToken: idToken(s),
    meterValue: [{ timestamp: now(), sampledValue: [{ value: s.meter + 7200, context: 'Transaction.End', measurand: 'Energy.Active.Import.Register' }] }],
  }), {}),
  S201('MeterValues', 'MeterValues', (s) => ({ evseId: 1, meterValue: meterValue201(s) }), {}),
  S201('DataTransfer', 'DataTransfer', () => ({ vendorId: 'Acme', messageId: 'Bench', data: 'hello' }), { status: 'Accepted' }),
  S201('FirmwareStatusNotification', 'FirmwareStatusNotification', () => ({ status: 'Idle' }), {}),
  S201('SecurityEventNotification', 'SecurityEventNotification', () => ({ type: 'SettingSystemTime', timestamp: now() }), {}),
  S201('LogStatusNotification', 'LogStatusNotification', () => ({ status: 'Idle' }), {}),
  S201('NotifyEvent', 'NotifyEvent', () => ({
    generatedAt: now(), seqNo: 0,
    eventData: [{ eventId: 1, timestamp: now(), trigger: 'Alerting', actualValue: '1', eventNotificationType: 'HardWiredNotification', component: { name: 'Connector' }, variable: { name: 'Problem' } }],
  }), {}),
  S201('NotifyReport', 'NotifyReport', () => ({
    requestId: 1, generatedAt: now(), seqNo: 0, tbc: false,
    reportData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }] },
      { component: { name: 'SampledDataCtrlr' }, variable: { name: 'TxUpdatedInterval' }, variableAttribute: [{ type: 'Actual', value: '60', mutability: 'ReadWrite' }] },
    ],
  }), {}),
  S201('NotifyEVChargingNeeds', 'NotifyEVChargingNeeds', () => ({
    evseId: 1, chargingNeeds: { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 20_000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } },
  }), { status: 'Accepted' }),
  S201('NotifyChargingLimit', 'NotifyChargingLimit', () => ({ evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false } }), {}),
  S201('ClearedChargingLimit', 'ClearedChargingLimit', () => ({ chargingLimitSource: 'EMS', evseId: 1 }), {}),
  S201('ReportChargingProfiles', 'ReportChargingProfiles', () => ({
    requestId: 1, chargingLimitSource: 'CSO', evseId: 1, tbc: false,
    chargingProfile: [{ id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule: TIME, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }] }],
  }), {}),
];

/**
 * OCPP 2.1 messages of the 2.1 phase of the ops bench (ops.ts `measureOcpp21`): the frequent one is
 * NotifyPeriodicEventStream, a SEND (no answer), sent every few seconds while a stream is open.
 */
export interface Sample21 {
  name: string;
  action: string;
  /** SEND (message type 6): processed, never answered. */
  send?: boolean;
  request: (s: SampleState) => Record<string, unknown>;
}
export const SAMPLES_21: Sample21[] = [
  { name: 'OpenPeriodicEventStream', action: 'OpenPeriodicEventStream', request: () => ({ constantStreamData: { id: 1, variableMonitoringId: 1, params: { interval: 10, values: 2 } } }) },
  { name: 'NotifyPeriodicEventStream (SEND)', action: 'NotifyPeriodicEventStream', send: true, request: (s) => ({ id: 1, pending: 0, basetime: new Date(Date.parse(TIME) + s.n * 20_000).toISOString(), data: [{ t: 0, v: String(7200 + s.n) }, { t: 10, v: String(7100 + s.n) }] }) },
  { name: 'NotifyDERAlarm', action: 'NotifyDERAlarm', request: () => ({ controlType: 'HVMustTrip', gridEventFault: 'OverVoltage', alarmEnded: false, timestamp: now() }) },
  { name: 'GetCertificateChainStatus', action: 'GetCertificateChainStatus', request: () => ({ certificateStatusRequests: [{ certificateHashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'ab'.repeat(32), issuerKeyHash: 'cd'.repeat(32), serialNumber: '01' }, source: 'OCSP', urls: ['http://ocsp.example.com'] }] }) },
  { name: 'ClosePeriodicEventStream', action: 'ClosePeriodicEventStream', request: () => ({ id: 1 }) },
];

export const samplesFor = (protocol: BenchProtocol) => (protocol === 'ocpp1.6' ? SAMPLES_16 : SAMPLES_201);
export const sampleNamed = (protocol: BenchProtocol, name: string) => samplesFor(protocol).find((s) => s.name === name);

/** Answers a charge point gives to the CSMS calls the scripted day makes (operator calls). */
export const CHARGE_POINT_ANSWERS: Record<string, (payload: Record<string, unknown>) => Record<string, unknown>> = {
  GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'MeterValueSampleInterval', readonly: false, value: '60' }] }),
  ChangeConfiguration: () => ({ status: 'Accepted' }),
  GetVariables: () => ({ getVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '300' }] }),
  SetVariables: () => ({ setVariableResult: [{ attributeStatus: 'Accepted', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }),
  TriggerMessage: () => ({ status: 'Rejected' }),
};

/** Operator calls of the scripted day, per protocol: action and payload. */
export const OPERATOR_CALLS: Record<BenchProtocol, Array<{ action: string; payload: Record<string, unknown> }>> = {
  'ocpp1.6': [
    { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval', 'MeterValueSampleInterval'] } },
    { action: 'ChangeConfiguration', payload: { key: 'MeterValueSampleInterval', value: '60' } },
  ],
  'ocpp2.0.1': [
    { action: 'GetVariables', payload: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] } },
    { action: 'SetVariables', payload: { setVariableData: [{ attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] } },
  ],
};
