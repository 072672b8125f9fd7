import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schemas16 from './schemas/ocpp1_6.json';
import schemas201 from './schemas/ocpp2_0_1.json';
import { OcppError, type ErrorCode } from './errors';
import type { OcppVersion } from './protocol';

/**
 * Validation against the official OCA JSON schemas (1.6 edition 2019-12 incl. the security
 * extension; 2.0.1), as bundled by ocpp-rpc, kept in ./schemas without their documentation keywords
 * (schema-strip.ts; a test pins them to the originals). Compiled once per process, lazily per schema.
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

type Kind = 'req' | 'conf';

class SchemaSet {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  readonly actions: ReadonlySet<string>;

  constructor(schemas: Array<{ $id: string }>) {
    this.ajv = new Ajv({ strictSchema: false, allErrors: false });
    addFormats(this.ajv);
    // Decimal fields with multipleOf 0.1 fail on binary floats (0.3 / 0.1): compare with a tolerance.
    this.ajv.removeKeyword('multipleOf');
    this.ajv.addKeyword({
      keyword: 'multipleOf',
      type: 'number',
      errors: false,
      metaSchema: { type: 'number' },
      compile: (step: number) => (n: number) => Math.abs(Math.round(n / step) - n / step) < 1e-6,
    });
    this.ajv.addSchema(schemas);
    this.actions = new Set(schemas.map((s) => s.$id.replace(/^urn:/, '').replace(/\.(req|conf)$/, '')));
  }

  validator(action: string, kind: Kind): ValidateFunction | undefined {
    const key = `urn:${action}.${kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.ajv.getSchema(key);
      if (fn) this.compiled.set(key, fn);
    }
    return fn;
  }
}

let sets: Record<OcppVersion, SchemaSet> | undefined;
function schemaSet(version: OcppVersion): SchemaSet {
  sets ??= {
    '1.6': new SchemaSet(schemas16 as Array<{ $id: string }>),
    '2.0.1': new SchemaSet(schemas201 as Array<{ $id: string }>),
  };
  return sets[version];
}

/** Is this an action of that OCPP version at all (in either direction)? */
export function isKnownAction(version: OcppVersion, action: string): boolean {
  return schemaSet(version).actions.has(action);
}

export interface ValidationFailure {
  code: ErrorCode;
  message: string;
  errors: ErrorObject[];
}

/** Returns undefined when valid, otherwise the CALLERROR code and a readable message. */
export function checkPayload(version: OcppVersion, action: string, kind: Kind, payload: unknown): ValidationFailure | undefined {
  const fn = schemaSet(version).validator(action, kind);
  if (!fn) {
    return { code: 'NotImplemented', message: `No schema for ${action}.${kind} in OCPP ${version}`, errors: [] };
  }
  if (fn(payload)) return undefined;
  const errors = fn.errors ?? [];
  const first = errors[0];
  const code = first ? (KEYWORD_CODES[first.keyword] ?? 'FormatViolation') : 'FormatViolation';
  return { code, message: describe(first), errors };
}

/** Throws the OcppError a charge point should receive for an invalid payload. */
export function assertPayload(version: OcppVersion, action: string, kind: Kind, payload: unknown): void {
  const failure = checkPayload(version, action, kind, payload);
  if (failure) throw new OcppError(failure.code, failure.message, { errors: failure.errors.slice(0, 3).map(brief) });
}

function describe(e: ErrorObject | undefined): string {
  if (!e) return 'Payload is invalid';
  const at = e.instancePath || '(payload)';
  if (e.keyword === 'additionalProperties') return `${at} has unknown property '${(e.params as { additionalProperty: string }).additionalProperty}'`;
  if (e.keyword === 'enum') return `${at} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  return `${at} ${e.message}`;
}

function brief(e: ErrorObject) {
  return { path: e.instancePath, keyword: e.keyword, message: e.message };
}
