import type { ErrorObject } from 'ajv';
import { OcppError, type ErrorCode } from '../errors';
import type { SchemaVersion } from '../protocol';

/**
 * What both validation paths share, without Ajv or the schema sets: the Ajv keyword → CALLERROR
 * code table, the message text, and the OcppError a charge point receives. The runtime path
 * (../validation.ts: Ajv compiles any action's schema on first use; the router, api and commands
 * Lambdas) and the generated path (./<Action>.ts: Ajv standalone code for one charge-point-
 * initiated action, `npm run schemas`; the route Lambdas) both end here, so their CALLERRORs are
 * byte-identical (test/unit/validators.test.ts).
 *
 * Ajv keyword → CALLERROR code, decided from the OCPP-J definitions (1.6 §4.2.3, 2.0.1 part 4 §4.3):
 * - FormatViolation "payload is syntactically incorrect / not conform the PDU structure":
 *   unknown properties, payload not an object.
 * - OccurrenceConstraintViolation "a field violates occurrence constraints": missing required
 *   fields, too few/many array items.
 * - TypeConstraintViolation "a field violates data type constraints (e.g. "somestring": 12)":
 *   wrong JSON type, and string length / format, because CiString25Type, dateTime etc. are the
 *   data types of OCPP.
 * - PropertyConstraintViolation "a field contains an invalid value": enum members, numeric
 *   bounds, patterns.
 * ocpp-rpc maps lengths and bounds to FormatViolation; we do not, since the payload's structure
 * is right in those cases and OCPP-J reserves FormatViolation for structure.
 */
export const KEYWORD_CODES: Record<string, ErrorCode> = {
  additionalProperties: 'FormatViolation',
  propertyNames: 'FormatViolation',
  required: 'OccurrenceConstraintViolation',
  minItems: 'OccurrenceConstraintViolation',
  maxItems: 'OccurrenceConstraintViolation',
  uniqueItems: 'OccurrenceConstraintViolation',
  minProperties: 'OccurrenceConstraintViolation',
  maxProperties: 'OccurrenceConstraintViolation',
  type: 'TypeConstraintViolation',
  maxLength: 'TypeConstraintViolation',
  minLength: 'TypeConstraintViolation',
  format: 'TypeConstraintViolation',
  enum: 'PropertyConstraintViolation',
  const: 'PropertyConstraintViolation',
  minimum: 'PropertyConstraintViolation',
  maximum: 'PropertyConstraintViolation',
  exclusiveMinimum: 'PropertyConstraintViolation',
  exclusiveMaximum: 'PropertyConstraintViolation',
  multipleOf: 'PropertyConstraintViolation',
  pattern: 'PropertyConstraintViolation',
};

export type Kind = 'req' | 'conf';

/** An Ajv validate function, compiled at runtime or generated as standalone code. */
export type ValidateFn = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** One action's validators per OCPP version whose schema set has that action. */
export type ActionValidators = Partial<Record<SchemaVersion, { req: ValidateFn; conf?: ValidateFn }>>;

export interface ValidationFailure {
  code: ErrorCode;
  message: string;
  errors: ErrorObject[];
}

/** How answerCall validates: the runtime path (any action) or one route's generated validators. */
export interface CallValidation {
  /** Is this an action of that OCPP version at all (in either direction)? */
  isKnownAction(version: SchemaVersion, action: string): boolean;
  /** Undefined when valid, otherwise the CALLERROR code and a readable message. */
  check(version: SchemaVersion, action: string, kind: Kind, payload: unknown): ValidationFailure | undefined;
}

export function noSchema(version: SchemaVersion, action: string, kind: Kind): ValidationFailure {
  return { code: 'NotImplemented', message: `No schema for ${action}.${kind} in OCPP ${version}`, errors: [] };
}

/** Runs one validate function and turns its first error into the failure a charge point sees. */
export function failureOf(fn: ValidateFn, payload: unknown): ValidationFailure | undefined {
  if (fn(payload)) return undefined;
  const errors = fn.errors ?? [];
  const first = errors[0];
  const code = first ? (KEYWORD_CODES[first.keyword] ?? 'FormatViolation') : 'FormatViolation';
  return { code, message: describe(first), errors };
}

/** The OcppError a charge point should receive for an invalid payload. */
export function payloadError(failure: ValidationFailure): OcppError {
  return new OcppError(failure.code, failure.message, { errors: failure.errors.slice(0, 3).map(brief) });
}

export function describe(e: ErrorObject | undefined): string {
  if (!e) return 'Payload is invalid';
  const at = e.instancePath || '(payload)';
  if (e.keyword === 'additionalProperties') return `${at} has unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${at} ${e.message}`;
}

function brief(e: ErrorObject) {
  return { path: e.instancePath, keyword: e.keyword, message: e.message };
}
