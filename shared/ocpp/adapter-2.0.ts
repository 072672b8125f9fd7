/**
 * OCPP 2.0 (2018, "v1p0") ↔ 2.0.1 adapter. No npm package ships the 2.0 schemas, so 2.0
 * payloads are normalised to 2.0.1 here, validated against the official 2.0.1 schemas and
 * answered in 2.0 shape. Grounded in the OCA 2.0 JSON schemas and in what the public station
 * emulator romfrolov/station-emulator (subprotocol `ocpp2.0`) really sends. Every difference
 * handled here is listed, with its reason, in docs/ocpp-2.0-differences.md; unit tests in
 * test/unit/adapter-2.0.test.ts pin each one.
 *
 * Rules: a 2.0 value without a 2.0.1 equivalent is never dropped silently — it is kept under
 * `customData` (the one 2.0.1 type that admits extra properties) with vendorId "ocpp2.0";
 * a 2.0.1 call that a 2.0 station could not understand is refused (NotExpressibleIn20)
 * instead of being sent half-translated. Payloads are never mutated in place.
 */
type Payload = Record<string, unknown>;
type Adapter = (p: Payload) => Payload;

/** vendorId of the customData that carries 2.0-only values through 2.0.1 validation. */
export const OCPP20_VENDOR_ID = 'ocpp2.0';

/** A 2.0.1 request that has no faithful 2.0 form (e.g. ChangeAvailability of one connector). */
export class NotExpressibleIn20 extends Error {
  constructor(readonly action: string, reason: string) {
    super(`${action} cannot be sent to an OCPP 2.0 charge point: ${reason}`);
    this.name = 'NotExpressibleIn20';
  }
}

function isObject(v: unknown): v is Payload {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Adds 2.0-only values to an object's customData (created with our vendorId when absent). */
function keep20(target: Payload, extra: Payload): Payload {
  const entries = Object.entries(extra).filter(([, v]) => v !== undefined);
  if (!entries.length) return target;
  const existing = isObject(target.customData) ? target.customData : { vendorId: OCPP20_VENDOR_ID };
  return { ...target, customData: { ...existing, ...Object.fromEntries(entries) } };
}

const mapArray = <T>(v: unknown, fn: (x: Payload) => T): unknown => (Array.isArray(v) ? v.map((x) => (isObject(x) ? fn(x) : x)) : v);

/* ───────────── shared type conversions, 2.0 → 2.0.1 ───────────── */

/** 2.0 SignedMeterValueType {meterValueSignature, signatureMethod, encodingMethod, encodedMeterValue} → 2.0.1 {signedMeterData, signingMethod, encodingMethod, publicKey}. */
function signedMeterValueFrom20(s: Payload): Payload {
  if (!('meterValueSignature' in s) && !('encodedMeterValue' in s) && !('signatureMethod' in s)) return s; // already 2.0.1
  const { meterValueSignature, signatureMethod, encodedMeterValue, encodingMethod, ...rest } = s;
  return keep20({
    ...rest,
    signedMeterData: encodedMeterValue,
    signingMethod: signatureMethod,
    encodingMethod,
    publicKey: rest.publicKey ?? '', // 2.0 has no public key field; 2.0.1 requires one (may be empty)
  }, { meterValueSignature });
}

function meterValuesFrom20(mv: unknown): unknown {
  return mapArray(mv, (m) => ({
    ...m,
    sampledValue: mapArray(m.sampledValue, (sv) => (isObject(sv.signedMeterValue) ? { ...sv, signedMeterValue: signedMeterValueFrom20(sv.signedMeterValue) } : sv)),
  }));
}

/** 2.0 component given as a plain string (the station emulator does this) → ComponentType. */
function componentFrom20(c: unknown): unknown {
  if (typeof c !== 'string') return c;
  const text = c.trim();
  if (text.startsWith('{')) {
    // The emulator stringifies the component object it received and echoes that text back.
    try {
      const parsed = JSON.parse(text);
      if (isObject(parsed) && typeof parsed.name === 'string') return parsed;
    } catch {
      /* not JSON: a name */
    }
  }
  return { name: c };
}

const CHARGING_STATE_FROM_20: Record<string, string> = { EVDetected: 'EVConnected' };
const STOPPED_REASON_FROM_20: Record<string, string> = { UnlockCommand: 'Other' };

/** 2.0 TransactionType {id, chargingState, timeSpentCharging, stoppedReason, remoteStartId} → 2.0.1 TransactionType {transactionId, …}. */
function transactionFrom20(t: Payload): Payload {
  const { id, ...rest } = t;
  let out: Payload = 'transactionId' in t ? { ...t } : { transactionId: id, ...rest };
  if (typeof out.chargingState === 'string' && CHARGING_STATE_FROM_20[out.chargingState]) {
    out = { ...out, chargingState: CHARGING_STATE_FROM_20[out.chargingState] };
  }
  if (typeof out.stoppedReason === 'string' && STOPPED_REASON_FROM_20[out.stoppedReason]) {
    out = keep20({ ...out, stoppedReason: STOPPED_REASON_FROM_20[out.stoppedReason] }, { stoppedReason: out.stoppedReason });
  }
  return out;
}

/* ───────────── inbound requests: 2.0 station → CSMS ───────────── */

const requestAdapters: Partial<Record<string, Adapter>> = {
  TransactionEvent: (p) => {
    const { transactionData, ...rest } = p;
    let out: Payload = { ...rest };
    if (isObject(transactionData)) out.transactionInfo = transactionFrom20(transactionData);
    else if (isObject(p.transactionInfo)) out.transactionInfo = transactionFrom20(p.transactionInfo);
    if (out.meterValue !== undefined) out.meterValue = meterValuesFrom20(out.meterValue);
    // 2.0: cableMaxCurrent is a number; 2.0.1: an integer (A). Whole-ampere values pass unchanged.
    if (typeof out.cableMaxCurrent === 'number' && !Number.isInteger(out.cableMaxCurrent)) {
      out = keep20({ ...out, cableMaxCurrent: Math.floor(out.cableMaxCurrent) }, { cableMaxCurrent: out.cableMaxCurrent });
    }
    return out;
  },
  MeterValues: (p) => (p.meterValue === undefined ? p : { ...p, meterValue: meterValuesFrom20(p.meterValue) }),
  Authorize: (p) => {
    const { '15118CertificateHashData': hashData, evseId, ...rest } = p;
    let out: Payload = { ...rest };
    if (hashData !== undefined) {
      // 2.0 OCSPRequestData.responderURL is optional; 2.0.1 requires it (may be empty).
      out.iso15118CertificateHashData = mapArray(hashData, (h) => ({ ...h, responderURL: h.responderURL ?? '' }));
    }
    // 2.0 lets the station say on which EVSEs the token is presented; 2.0.1 has no such field.
    if (evseId !== undefined) out = keep20(out, { evseId });
    return out;
  },
  NotifyReport: (p) => ({
    ...p,
    reportData: mapArray(p.reportData, (rd) => ({
      ...rd,
      component: componentFrom20(rd.component),
      // 2.0 VariableAttributeType.persistence → 2.0.1 persistent
      variableAttribute: mapArray(rd.variableAttribute, (a) => {
        if (!('persistence' in a)) return a;
        const { persistence, ...rest } = a;
        return { ...rest, persistent: rest.persistent ?? persistence };
      }),
    })),
  }),
  NotifyEvent: (p) => ({
    ...p,
    eventData: mapArray(p.eventData, (e) => {
      if ('eventNotificationType' in e) return e; // already 2.0.1
      const { variableMonitoringEvent, ...rest } = e;
      // 2.0 reports the monitor that fired as variableMonitoringEvent {id, value, type, severity,
      // transaction}; 2.0.1 keeps its id and says what kind of monitor it was. 2.0 cannot tell
      // preconfigured from custom monitors: CustomMonitor (set through SetVariableMonitoring).
      if (isObject(variableMonitoringEvent)) {
        return keep20({ ...rest, variableMonitoringId: variableMonitoringEvent.id, eventNotificationType: 'CustomMonitor' }, { variableMonitoringEvent });
      }
      return { ...rest, eventNotificationType: 'HardWiredNotification' };
    }),
  }),
  FirmwareStatusNotification: (p) => {
    const mapped = typeof p.status === 'string' ? FIRMWARE_STATUS_FROM_20[p.status] : undefined;
    return mapped ? keep20({ ...p, status: mapped }, { status: p.status }) : p;
  },
};

/**
 * 2.0 firmware statuses that 2.0.1 dropped, mapped to the 2.0.1 status of the same step
 * (certificate problems are reported by 2.0.1 stations as security events instead).
 * PublishFailed (L03 local publishing) has no 2.0.1 FirmwareStatus and stays unmapped.
 */
const FIRMWARE_STATUS_FROM_20: Record<string, string> = {
  CertificateVerified: 'SignatureVerified',
  InvalidCertificate: 'InvalidSignature',
  RevokedCertificate: 'InvalidSignature',
};

/* ───────────── our responses: CSMS → 2.0 station ───────────── */

/** 2.0.1 IdTokenInfo → 2.0 (no evseId inside; groupIdToken without additionalInfo). */
function idTokenInfoTo20(info: Payload): Payload {
  const { evseId: _evseId, customData: _c, ...rest } = info;
  if (isObject(rest.groupIdToken)) {
    const { additionalInfo: _a, customData: _gc, ...group } = rest.groupIdToken;
    rest.groupIdToken = group;
  }
  return rest;
}

const responseAdapters: Partial<Record<string, Adapter>> = {
  // 2.0 AuthorizeResponse carries the EVSEs a token is valid on at the top level.
  Authorize: (p) => {
    if (!isObject(p.idTokenInfo)) return p;
    const evseId = p.idTokenInfo.evseId;
    return { ...p, idTokenInfo: idTokenInfoTo20(p.idTokenInfo), ...(evseId !== undefined ? { evseId } : {}) };
  },
  TransactionEvent: (p) => (isObject(p.idTokenInfo) ? { ...p, idTokenInfo: idTokenInfoTo20(p.idTokenInfo) } : p),
};

/* ───────────── our requests: CSMS → 2.0 station ───────────── */

const ID_TOKEN_TYPES_20 = new Set(['Central', 'eMAID', 'ISO14443', 'KeyCode', 'Local', 'NoAuthorization', 'ISO15693']);

function idTokenTo20(action: string, t: unknown): unknown {
  if (isObject(t) && typeof t.type === 'string' && !ID_TOKEN_TYPES_20.has(t.type)) {
    throw new NotExpressibleIn20(action, `idToken type ${t.type} does not exist in OCPP 2.0`);
  }
  return t;
}

/** 2.0.1 ChargingProfile (chargingSchedule: array of 1–3 with ids) → 2.0 (one schedule object, no id). */
function chargingProfileTo20(action: string, cp: unknown): unknown {
  if (!isObject(cp) || !Array.isArray(cp.chargingSchedule)) return cp;
  if (cp.chargingSchedule.length !== 1) throw new NotExpressibleIn20(action, 'OCPP 2.0 charging profiles hold exactly one charging schedule');
  const schedule = cp.chargingSchedule[0] as Payload;
  if (schedule.salesTariff !== undefined) throw new NotExpressibleIn20(action, 'OCPP 2.0 charging schedules have no salesTariff');
  const { id: _scheduleId, ...schedule20 } = schedule;
  return { ...cp, chargingSchedule: schedule20 };
}

const TRIGGERS_20 = new Set(['BootNotification', 'LogStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues',
  'SignChargingStationCertificate', 'SignV2GCertificate', 'StatusNotification', 'TransactionEvent']);

const outboundRequestAdapters: Partial<Record<string, Adapter>> = {
  // 2.0: {evseId (0 = the whole station), operationalStatus}; 2.0.1: {evse?: {id, connectorId?}, operationalStatus}.
  ChangeAvailability: (p) => {
    const { evse, ...rest } = p;
    if (isObject(evse) && evse.connectorId !== undefined) throw new NotExpressibleIn20('ChangeAvailability', 'OCPP 2.0 changes the availability of a whole EVSE or station, not of one connector');
    return { ...rest, evseId: isObject(evse) ? evse.id : 0 };
  },
  Reset: (p) => {
    if (p.evseId !== undefined) throw new NotExpressibleIn20('Reset', 'OCPP 2.0 resets only the whole charging station (no evseId)');
    return p;
  },
  RequestStartTransaction: (p) => {
    if (p.groupIdToken !== undefined) throw new NotExpressibleIn20('RequestStartTransaction', 'OCPP 2.0 has no groupIdToken');
    const out: Payload = { ...p, idToken: idTokenTo20('RequestStartTransaction', p.idToken) };
    if (p.chargingProfile !== undefined) out.chargingProfile = chargingProfileTo20('RequestStartTransaction', p.chargingProfile);
    return out;
  },
  SetChargingProfile: (p) => ({ ...p, chargingProfile: chargingProfileTo20('SetChargingProfile', p.chargingProfile) }),
  TriggerMessage: (p) => {
    if (typeof p.requestedMessage === 'string' && !TRIGGERS_20.has(p.requestedMessage)) {
      throw new NotExpressibleIn20('TriggerMessage', `requestedMessage ${p.requestedMessage} does not exist in OCPP 2.0`);
    }
    return p;
  },
};

/* ───────────── their responses: 2.0 station → CSMS ───────────── */

const SET_VARIABLE_STATUS_FROM_20: Record<string, string> = { InvalidValue: 'Rejected', OutOfRange: 'Rejected' };

const inboundResponseAdapters: Partial<Record<string, Adapter>> = {
  // The station emulator answers {remoteStartId, status}: 2.0.1 has no remoteStartId in the answer.
  RequestStartTransaction: (p) => {
    if (!('remoteStartId' in p)) return p;
    const { remoteStartId, ...rest } = p;
    return keep20(rest, { remoteStartId });
  },
  GetVariables: (p) => ({
    ...p,
    getVariableResult: mapArray(p.getVariableResult, (r) => ({ ...r, component: componentFrom20(r.component) })),
  }),
  SetVariables: (p) => ({
    ...p,
    setVariableResult: mapArray(p.setVariableResult, (r) => {
      const out: Payload = { ...r, component: componentFrom20(r.component) };
      const mapped = typeof r.attributeStatus === 'string' ? SET_VARIABLE_STATUS_FROM_20[r.attributeStatus] : undefined;
      // 2.0 InvalidValue / OutOfRange: 2.0.1 says Rejected and gives the reason in attributeStatusInfo.
      return mapped ? { ...out, attributeStatus: mapped, attributeStatusInfo: out.attributeStatusInfo ?? { reasonCode: r.attributeStatus } } : out;
    }),
  }),
};

/* ───────────── entry points ───────────── */

function apply(table: Partial<Record<string, Adapter>>, action: string, payload: unknown): unknown {
  const fn = Object.hasOwn(table, action) ? table[action] : undefined;
  return fn && isObject(payload) ? fn(payload) : payload;
}

/** 2.0 station → CSMS: its request, normalised to 2.0.1 before validation. */
export function adaptRequestFrom20(action: string, payload: unknown): unknown {
  return apply(requestAdapters, action, payload);
}

/** CSMS → 2.0 station: our (2.0.1-valid) answer in 2.0 shape. */
export function adaptResponseTo20(action: string, payload: unknown): unknown {
  return apply(responseAdapters, action, payload);
}

/** CSMS → 2.0 station: a 2.0.1 request payload in the shape a 2.0 station expects; throws NotExpressibleIn20. */
export function adaptRequestTo20(action: string, payload: unknown): unknown {
  return apply(outboundRequestAdapters, action, payload);
}

/** 2.0 station → CSMS: its answer to our call, normalised to 2.0.1 before validation. */
export function adaptResponseFrom20(action: string, payload: unknown): unknown {
  return apply(inboundResponseAdapters, action, payload);
}

/** Actions whose payloads differ between 2.0 and 2.0.1 in each direction (for docs and tests). */
export const ADAPTED = {
  requestsFrom20: Object.keys(requestAdapters),
  responsesTo20: Object.keys(responseAdapters),
  requestsTo20: Object.keys(outboundRequestAdapters),
  responsesFrom20: Object.keys(inboundResponseAdapters),
};
