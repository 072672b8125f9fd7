/**
 * Validation of composite-schedule requests from operators (HTTP API and the composite-schedule
 * Lambda), with messages that name the field. Profiles are checked against the official
 * SetChargingProfile request schema of their version, since each is shaped like that request.
 */
import { checkPayload } from '../ocpp/validation';
import type { ChargingRateUnit, CompositeRequest, CompositeTransaction, InstalledProfile } from './types';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** A year and a day: long enough for any schedule, short enough to bound the work. */
export const MAX_DURATION_S = 366 * 86400;
export const MAX_PROFILES = 1000;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function dateTime(v: unknown, field: string): string {
  if (typeof v !== 'string' || !ISO_DATE_TIME.test(v) || Number.isNaN(Date.parse(v))) {
    throw new InputError(`${field} must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T06:00:00Z`);
  }
  return v;
}

export function nonNegativeInteger(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new InputError(`${field} must be an integer ≥ 0`);
  return v;
}

export function duration(v: unknown, field = 'duration'): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_DURATION_S) {
    throw new InputError(`${field} must be a number of seconds from 0 to ${MAX_DURATION_S}`);
  }
  return v;
}

export function rateUnit(v: unknown, field = 'chargingRateUnit'): ChargingRateUnit | undefined {
  if (v === undefined) return undefined;
  if (v !== 'A' && v !== 'W') throw new InputError(`${field} must be "A" or "W"`);
  return v;
}

function unknownFields(o: Record<string, unknown>, allowed: string[], where = 'body') {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length) throw new InputError(`Unknown field(s) in the ${where}: ${extra.join(', ')} (allowed: ${allowed.join(', ')})`);
}

function profile(v: unknown, i: number): InstalledProfile {
  const field = `profiles[${i}]`;
  if (!isObject(v)) throw new InputError(`${field} must be an object`);
  const version = 'csChargingProfiles' in v ? '1.6' : 'chargingProfile' in v ? '2.0.1' : undefined;
  if (!version) {
    throw new InputError(`${field} must be shaped like a SetChargingProfile request: { "connectorId", "csChargingProfiles" } (1.6) or { "evseId", "chargingProfile" } (2.0.1)`);
  }
  const invalid = checkPayload(version, 'SetChargingProfile', 'req', v);
  if (invalid) throw new InputError(`${field} is not a valid OCPP ${version} SetChargingProfile request: ${invalid.message.replace(/^\(payload\)/, '').trim() || 'invalid'}`);
  return v as unknown as InstalledProfile;
}

function transaction(v: unknown): CompositeTransaction | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new InputError('transaction must be an object { "connectorId", "transactionId", "startedAt" }');
  unknownFields(v, ['connectorId', 'transactionId', 'startedAt'], 'transaction');
  const connectorId = nonNegativeInteger(v.connectorId, 'transaction.connectorId');
  const id = v.transactionId;
  if (!((typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && id.length > 0 && id.length <= 36))) {
    throw new InputError('transaction.transactionId must be an integer (1.6) or a string of 1 to 36 characters (2.0.1)');
  }
  return { connectorId, transactionId: id as number | string, startedAt: dateTime(v.startedAt, 'transaction.startedAt') };
}

function positive(v: unknown, field: string, max: number, integer = false): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max || (integer && !Number.isInteger(v))) {
    throw new InputError(`${field} must be ${integer ? 'an integer' : 'a number'} above 0 and at most ${max}`);
  }
  return v;
}

/** The stateless body of POST /api/composite-schedule. */
export function parseStatelessRequest(body: unknown): CompositeRequest {
  if (!isObject(body)) throw new InputError('The body must be a JSON object { "profiles", "connectorId", "start", "duration", … }');
  unknownFields(body, ['profiles', 'connectorId', 'start', 'duration', 'chargingRateUnit', 'transaction', 'voltage', 'phases']);
  if (!Array.isArray(body.profiles)) throw new InputError('profiles must be an array of SetChargingProfile requests (in install order; may be empty)');
  if (body.profiles.length > MAX_PROFILES) throw new InputError(`profiles may hold at most ${MAX_PROFILES} entries`);
  return {
    profiles: body.profiles.map(profile),
    connectorId: nonNegativeInteger(body.connectorId, 'connectorId'),
    start: dateTime(body.start, 'start'),
    duration: duration(body.duration),
    chargingRateUnit: rateUnit(body.chargingRateUnit),
    transaction: transaction(body.transaction),
    voltage: positive(body.voltage, 'voltage', 100_000),
    phases: positive(body.phases, 'phases', 3, true),
  };
}

export interface ChargePointCompositeParams {
  location: number;
  start?: string;
  duration?: number;
  chargingRateUnit?: ChargingRateUnit;
  compare: boolean;
}

/**
 * The query of GET /api/charge-points/{id}/composite-schedule (strings) or the charge-point form
 * of the Lambda event (JSON values): connectorId (alias evseId), start, duration, chargingRateUnit,
 * compare.
 */
export function parseChargePointParams(input: Record<string, unknown>, fromQueryString: boolean, allowed: string[]): ChargePointCompositeParams {
  unknownFields(input, allowed, fromQueryString ? 'query' : 'event');
  const num = (v: unknown) => (fromQueryString && typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (input.connectorId !== undefined && input.evseId !== undefined) throw new InputError('Give connectorId (1.6) or evseId (2.0.1), not both');
  const locField = input.evseId !== undefined ? 'evseId' : 'connectorId';
  if (input[locField] === undefined) throw new InputError('connectorId is required (the 1.6 connector or 2.0.1 EVSE; 0 = the whole charge point)');
  const compare = input.compare === undefined ? false : input.compare === true || input.compare === 'true' ? true : input.compare === false || input.compare === 'false' ? false : undefined;
  if (compare === undefined) throw new InputError('compare must be true or false');
  const out: ChargePointCompositeParams = {
    location: nonNegativeInteger(num(input[locField]), locField),
    start: input.start === undefined ? undefined : dateTime(input.start, 'start'),
    duration: input.duration === undefined ? undefined : duration(num(input.duration)),
    chargingRateUnit: rateUnit(input.chargingRateUnit),
    compare,
  };
  if (compare) {
    if (out.start !== undefined || out.duration !== undefined || out.chargingRateUnit !== undefined) {
      throw new InputError('compare=true uses the window and unit of the last GetCompositeSchedule answer: leave out start, duration and chargingRateUnit');
    }
  } else if (out.duration === undefined) {
    throw new InputError('duration is required (seconds)');
  }
  return out;
}
