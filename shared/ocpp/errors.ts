import type { OcppVersion } from './protocol';

/**
 * The CALLERROR codes of OCPP-J, in 2.0.1 spelling. 1.6 spells two of them differently
 * (FormationViolation, OccurenceConstraintViolation) and lacks the 2.0.1-only ones:
 * `wireCode` applies that per-version spelling in exactly one place.
 */
export type ErrorCode =
  | 'NotImplemented'
  | 'NotSupported'
  | 'InternalError'
  | 'ProtocolError'
  | 'SecurityError'
  | 'FormatViolation'
  | 'PropertyConstraintViolation'
  | 'OccurrenceConstraintViolation'
  | 'TypeConstraintViolation'
  | 'GenericError'
  | 'MessageTypeNotSupported'
  | 'RpcFrameworkError';

const SPELLING_16: Partial<Record<ErrorCode, string>> = {
  FormatViolation: 'FormationViolation',
  OccurrenceConstraintViolation: 'OccurenceConstraintViolation', // sic, OCPP-J 1.6 §4.2.3
  // 2.0.1-only codes have no 1.6 counterpart: the closest 1.6 meaning.
  MessageTypeNotSupported: 'NotSupported',
  RpcFrameworkError: 'ProtocolError',
};

export function wireCode(code: ErrorCode, version: OcppVersion): string {
  return version === '1.6' ? (SPELLING_16[code] ?? code) : code;
}

/** A failure that the charge point must learn about as a CALLERROR with this code. */
export class OcppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'OcppError';
  }
}

/** Description sent on the wire for unexpected failures: internal text never leaks to clients. */
export const INTERNAL_ERROR_DESCRIPTION = 'An internal error occurred while processing the message';
