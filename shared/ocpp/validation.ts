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

let sharedAjv: Ajv | undefined;
/**
 * One Ajv for both versions: schemas are compiled without being added to its registry
 * (addUsedSchema false), so the two sets' identical `$id`s never meet. The official schemas are
 * pinned (test/unit/schemas.test.ts), so they are not checked against the meta-schema.
 */
function ajv(): Ajv {
  if (!sharedAjv) {
    sharedAjv = new Ajv({ strictSchema: false, allErrors: false, validateSchema: false, addUsedSchema: false });
    addFormats(sharedAjv);
    // Decimal fields with multipleOf 0.1 fail on binary floats (0.3 / 0.1): compare with a tolerance.
    sharedAjv.removeKeyword('multipleOf');
    sharedAjv.addKeyword({
      keyword: 'multipleOf',
      type: 'number',
      errors: false,
      metaSchema: { type: 'number' },
      compile: (step: number) => (n: number) => Math.abs(Math.round(n / step) - n / step) < 1e-6,
    });
  }
  return sharedAjv;
}

/** One version's schemas; each is compiled when its action is first seen (every OCA schema is self-contained). */
class SchemaSet {
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly byId: Map<string, object>;
  readonly actions: ReadonlySet<string>;

  constructor(schemas: Array<{ $id: string }>) {
    this.byId = new Map(schemas.map((s) => [s.$id, s]));
    this.actions = new Set(schemas.map((s) => s.$id.replace(/^urn:/, '').replace(/\.(req|conf)$/, '')));
  }

  validator(action: string, kind: Kind): ValidateFunction | undefined {
    const key = `urn:${action}.${kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const schema = this.byId.get(key);
      if (!schema) return undefined;
      fn = ajv().compile(schema);
      this.compiled.set(key, fn);
    }
    return fn;
  }
}

const sets: Partial<Record<OcppVersion, SchemaSet>> = {};
/** Each version's set is built on first use: a Lambda serving one generation never loads the other. */
function schemaSet(version: OcppVersion): SchemaSet {
  return (sets[version] ??= new SchemaSet((version === '1.6' ? schemas16 : schemas201) as Array<{ $id: string }>));
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
