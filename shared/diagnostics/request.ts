import { isValidIdentity } from '../auth/identity';
import { InvalidRequestError, isDateTime } from '../workflows/validation';

/**
 * A diagnostics request as the operator states it: 1.6 §6.31 GetDiagnostics.req fields (location,
 * startTime, stopTime, retries, retryInterval); 2.0.1 N01 GetLog maps them to log.remoteLocation,
 * oldestTimestamp, latestTimestamp. Without `location`, the CSMS provides the upload target.
 */
export interface DiagnosticsRequest {
  jobId?: string;
  chargePointId: string;
  /** An upload location of the operator's own (e.g. ftp://…); the file then stays there. */
  location?: string;
  startTime?: string;
  stopTime?: string;
  retries?: number;
  retryInterval?: number;
  /**
   * GetLog's log type: DiagnosticsLog (the 2.0.x default) or SecurityLog. For a 1.6 charge point it
   * selects the security extension's GetLog (without it: GetDiagnostics).
   */
  logType?: 'DiagnosticsLog' | 'SecurityLog';
  /** How long the upload may take after the request was accepted. */
  timeoutSeconds: number;
}

export const DEFAULT_UPLOAD_TIMEOUT_S = 1800;
const KNOWN = ['jobId', 'chargePointId', 'location', 'startTime', 'stopTime', 'retries', 'retryInterval', 'logType', 'timeoutSeconds'];

export function parseDiagnosticsRequest(body: unknown): DiagnosticsRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new InvalidRequestError('The request must be a JSON object');
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KNOWN.includes(k));
  if (unknown.length) throw new InvalidRequestError(`Unknown field(s): ${unknown.join(', ')}`);
  if (!isValidIdentity(b.chargePointId)) throw new InvalidRequestError('chargePointId is required');
  if (b.location !== undefined) {
    if (typeof b.location !== 'string' || !b.location || b.location.length > 512) throw new InvalidRequestError('location must be a URI of at most 512 characters');
    try {
      new URL(b.location);
    } catch {
      throw new InvalidRequestError('location must be an absolute URI, e.g. ftp://user:pass@logs.example.com/uploads/');
    }
  }
  for (const k of ['startTime', 'stopTime']) if (b[k] !== undefined && !isDateTime(b[k])) throw new InvalidRequestError(`${k} must be an ISO 8601 date-time with a time zone`);
  if (b.startTime && b.stopTime && Date.parse(b.startTime as string) > Date.parse(b.stopTime as string)) throw new InvalidRequestError('startTime must not be after stopTime');
  const int = (k: string, min: number, max: number) => {
    if (b[k] === undefined) return undefined;
    if (typeof b[k] !== 'number' || !Number.isInteger(b[k]) || (b[k] as number) < min || (b[k] as number) > max) throw new InvalidRequestError(`${k} must be an integer from ${min} to ${max}`);
    return b[k] as number;
  };
  if (b.logType !== undefined && b.logType !== 'DiagnosticsLog' && b.logType !== 'SecurityLog') throw new InvalidRequestError('logType must be DiagnosticsLog or SecurityLog');
  if (b.jobId !== undefined && (typeof b.jobId !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(b.jobId))) throw new InvalidRequestError('jobId must be 1-80 letters, digits, - or _');
  return JSON.parse(JSON.stringify({
    jobId: b.jobId,
    chargePointId: b.chargePointId,
    location: b.location,
    startTime: b.startTime,
    stopTime: b.stopTime,
    retries: int('retries', 0, 1000),
    retryInterval: int('retryInterval', 0, 86_400),
    logType: b.logType,
    timeoutSeconds: int('timeoutSeconds', 1, 7 * 86_400) ?? DEFAULT_UPLOAD_TIMEOUT_S,
  }));
}
