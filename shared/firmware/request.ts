import { isValidIdentity } from '../auth/identity';
import type { OcppVersion } from '../ocpp/protocol';
import { InvalidRequestError, isDateTime } from '../workflows/validation';

export { InvalidRequestError };

/**
 * A firmware update request as the operator (API, CLI, Step Functions console) states it, checked
 * and normalised once: 1.6 §6.61 UpdateFirmware.req fields (location, retrieveDate, retries,
 * retryInterval), plus the 2.0.1 L01 extras, plus the rollout settings.
 */
export interface FirmwareRequest {
  location: string;
  retrieveDate: string;
  retries?: number;
  retryInterval?: number;
  /**
   * 2.0.1 L01 / L02: when to install, and the signed-firmware fields. A 1.6 charge point gets a
   * request with signingCertificate + signature (both required there) as the security extension's
   * SignedUpdateFirmware (installDate included); without them installDate is not sent to it.
   */
  installDate?: string;
  signingCertificate?: string;
  signature?: string;
}

/** A signed firmware request: it goes to a 1.6 charge point as the security extension's SignedUpdateFirmware. */
export const isSignedFirmware = (f: Pick<FirmwareRequest, 'signature' | 'signingCertificate'>) => f.signature !== undefined || f.signingCertificate !== undefined;

/**
 * Why a firmware request cannot go to a charge point of this version, if it cannot: 1.6
 * SignedUpdateFirmware.req requires both signingCertificate and signature (2.0.1 L01 takes either).
 */
export function firmwareRequestProblem(version: OcppVersion, f: FirmwareRequest): string | undefined {
  if (version === '1.6' && isSignedFirmware(f) && (f.signature === undefined || f.signingCertificate === undefined)) {
    return 'A signed firmware update of an OCPP 1.6 charge point (SignedUpdateFirmware) needs both signingCertificate and signature';
  }
  return undefined;
}

export interface FleetSelector {
  vendor?: string;
  model?: string;
  firmwareVersion?: string;
}

export interface RolloutRequest {
  jobId?: string;
  chargePointIds?: string[];
  selector?: FleetSelector;
  firmware: FirmwareRequest;
  maxConcurrency: number;
  toleratedFailurePercentage: number;
  /** How long a charge point may take from UpdateFirmware to its final status (after retrieveDate). */
  timeoutSeconds: number;
}

export const MAX_ROLLOUT_CHARGE_POINTS = 5000; // keeps the Map's item list well under Step Functions' 256 KB state limit
export const DEFAULT_TIMEOUT_SECONDS = 3600;
export const DEFAULT_MAX_CONCURRENCY = 10;


function int(b: Record<string, unknown>, key: string, min: number, max: number, fallback?: number): number | undefined {
  const v = b[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new InvalidRequestError(`${key} must be an integer from ${min} to ${max}`);
  return v;
}

function optionalString(b: Record<string, unknown>, key: string, max: number): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !v || v.length > max) throw new InvalidRequestError(`${key} must be a non-empty string of at most ${max} characters`);
  return v;
}

const KNOWN = ['jobId', 'chargePointIds', 'selector', 'location', 'retrieveDate', 'retries', 'retryInterval', 'installDate', 'signingCertificate', 'signature',
  'maxConcurrency', 'toleratedFailurePercentage', 'timeoutSeconds', 'firmware'];

/** Checks a rollout request; accepts the API's flat shape or `firmware: {...}` nested. */
export function parseRolloutRequest(body: unknown): RolloutRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('The request must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KNOWN.includes(k));
  if (unknown.length) throw new InvalidRequestError(`Unknown field(s): ${unknown.join(', ')}`);
  const f = (b.firmware && typeof b.firmware === 'object' && !Array.isArray(b.firmware) ? b.firmware : b) as Record<string, unknown>;

  if (typeof f.location !== 'string' || !f.location) throw new InvalidRequestError('location (the firmware URL) is required');
  if (f.location.length > 512) throw new InvalidRequestError('location must be at most 512 characters');
  try {
    new URL(f.location);
  } catch {
    throw new InvalidRequestError('location must be an absolute URI, e.g. https://fw.example.com/acme-2.1.bin or ftp://…');
  }
  if (!isDateTime(f.retrieveDate)) throw new InvalidRequestError('retrieveDate must be an ISO 8601 date-time with a time zone, e.g. 2024-05-01T02:00:00Z');
  if (f.installDate !== undefined && !isDateTime(f.installDate)) throw new InvalidRequestError('installDate must be an ISO 8601 date-time with a time zone');
  const firmware: FirmwareRequest = {
    location: f.location,
    retrieveDate: f.retrieveDate,
    retries: int(f, 'retries', 0, 1000),
    retryInterval: int(f, 'retryInterval', 0, 86_400 * 7),
    installDate: f.installDate as string | undefined,
    signingCertificate: optionalString(f, 'signingCertificate', 5500),
    signature: optionalString(f, 'signature', 800),
  };
  for (const k of Object.keys(firmware) as Array<keyof FirmwareRequest>) if (firmware[k] === undefined) delete firmware[k];

  const hasIds = b.chargePointIds !== undefined && b.chargePointIds !== null;
  const hasSelector = b.selector !== undefined && b.selector !== null;
  if (hasIds === hasSelector) throw new InvalidRequestError('Give either chargePointIds (a list) or selector ({ model?, vendor?, firmwareVersion? }), not both');
  let chargePointIds: string[] | undefined;
  let selector: FleetSelector | undefined;
  if (hasIds) {
    const ids = b.chargePointIds;
    if (!Array.isArray(ids) || ids.length === 0) throw new InvalidRequestError('chargePointIds must be a non-empty list');
    if (ids.length > MAX_ROLLOUT_CHARGE_POINTS) throw new InvalidRequestError(`At most ${MAX_ROLLOUT_CHARGE_POINTS} charge points per rollout; split larger fleets`);
    const bad = ids.filter((id) => typeof id !== 'string' || !isValidIdentity(id));
    if (bad.length) throw new InvalidRequestError(`Invalid charge point id(s): ${bad.slice(0, 5).map((x) => JSON.stringify(x)).join(', ')}`);
    chargePointIds = [...new Set(ids as string[])];
  } else {
    const s = b.selector;
    if (typeof s !== 'object' || Array.isArray(s)) throw new InvalidRequestError('selector must be an object');
    const sel = s as Record<string, unknown>;
    const extra = Object.keys(sel).filter((k) => !['vendor', 'model', 'firmwareVersion'].includes(k));
    if (extra.length) throw new InvalidRequestError(`Unknown selector field(s): ${extra.join(', ')} (use vendor, model, firmwareVersion)`);
    selector = { vendor: optionalString(sel, 'vendor', 50), model: optionalString(sel, 'model', 50), firmwareVersion: optionalString(sel, 'firmwareVersion', 50) };
    for (const k of Object.keys(selector) as Array<keyof FleetSelector>) if (selector[k] === undefined) delete selector[k];
    if (!Object.keys(selector).length) throw new InvalidRequestError('selector needs at least one of vendor, model, firmwareVersion');
  }
  const jobId = b.jobId === undefined || b.jobId === null ? undefined : b.jobId;
  if (jobId !== undefined && (typeof jobId !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(jobId))) throw new InvalidRequestError('jobId must be 1-80 letters, digits, - or _');
  return {
    jobId: jobId as string | undefined,
    chargePointIds,
    selector,
    firmware,
    maxConcurrency: int(b, 'maxConcurrency', 0, 1000, DEFAULT_MAX_CONCURRENCY)!,
    toleratedFailurePercentage: int(b, 'toleratedFailurePercentage', 0, 100, 0)!,
    timeoutSeconds: int(b, 'timeoutSeconds', 1, 30 * 86_400, DEFAULT_TIMEOUT_SECONDS)!,
  };
}

/** Does a charge point's boot information match the selector? */
export function matchesSelector(boot: Record<string, unknown> | undefined, s: FleetSelector): boolean {
  if (!boot) return false;
  return (s.vendor === undefined || boot.vendor === s.vendor)
    && (s.model === undefined || boot.model === s.model)
    && (s.firmwareVersion === undefined || boot.firmwareVersion === s.firmwareVersion);
}
