import Ajv, { _, type KeywordDefinition, type Options, type ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isDateTime } from './formats';
import schemas16 from './schemas/ocpp1_6.json';
import schemas201 from './schemas/ocpp2_0_1.json';
import type { SchemaVersion } from './protocol';
import { failureOf, noSchema, payloadError, type CallValidation, type Kind, type ValidationFailure } from './validators';

export { KEYWORD_CODES, type ValidationFailure } from './validators';

/**
 * Validation against the official OCA JSON schemas (1.6 edition 2019-12 incl. the security
 * extension; 2.0.1), as bundled by ocpp-rpc, kept in ./schemas without their documentation keywords
 * (schema-strip.ts; a test pins them to the originals). Compiled once per process, lazily per schema.
 * This is the path of the Lambdas that validate any action (router, api, commands, workflows); a
 * route Lambda validates with the standalone code generated from the same schemas and the same
 * Ajv setup (./validators, `npm run schemas`). The keyword → CALLERROR code table and the
 * message text are shared (./validators/index.ts).
 */

/**
 * Ajv options of both paths; the generator adds `code: { source: true }`. inlineRefs 3: a $ref'd
 * definition of more than 3 keywords (an object type) is compiled to one function instead of a
 * copy per use, enum types stay inline (the generated TransactionEvent validator is 20 % smaller).
 * It changes only the errors' schemaPath, which no answer or message shows. strictTypes off: the
 * 2.1 set puts `additionalProperties` on schemas without `type` (a warning per schema, no effect).
 */
export const AJV_OPTIONS: Options = { strictSchema: false, strictTypes: false, allErrors: false, validateSchema: false, inlineRefs: 3 };

/**
 * Decimal fields with multipleOf 0.1 fail on binary floats (0.3 / 0.1): compare with a tolerance.
 * A `code` keyword (not `compile`), so that Ajv standalone can emit it for the generated validators.
 */
export const TOLERANT_MULTIPLE_OF: KeywordDefinition = {
  keyword: 'multipleOf',
  type: 'number',
  schemaType: 'number',
  metaSchema: { type: 'number' },
  code(cxt) {
    const { data, schema } = cxt;
    cxt.fail(_`!(Math.abs(Math.round(${data} / ${schema}) - ${data} / ${schema}) < 1e-6)`);
  },
};

/**
 * The two formats the OCA schemas use — date-time (./formats.ts, ajv-formats' full-mode check,
 * small enough for route bundles; generated code imports it through `code.formats`) and uri
 * (only in CSMS→charge point requests, from ajv-formats) — and the tolerant multipleOf.
 */
export function configureAjv(a: Ajv): Ajv {
  a.addFormat('date-time', isDateTime);
  a.addFormat('uri', fullFormats.uri);
  a.removeKeyword('multipleOf');
  a.addKeyword(TOLERANT_MULTIPLE_OF);
  return a;
}

let sharedAjv: Ajv | undefined;
/**
 * One Ajv for both versions: schemas are compiled without being added to its registry
 * (addUsedSchema false), so the two sets' identical `$id`s never meet. The official schemas are
 * pinned (test/unit/schemas.test.ts), so they are not checked against the meta-schema.
 */
function ajv(): Ajv {
  if (!sharedAjv) {
    sharedAjv = configureAjv(new Ajv({ ...AJV_OPTIONS, addUsedSchema: false }));
  }
  return sharedAjv;
}

/**
 * The action and kind a schema `$id` names: `urn:Authorize.req` / `.conf` (1.6, 2.0.1) or
 * `urn:AuthorizeRequest` / `AuthorizeResponse` (2.1, whose SEND-only NotifyPeriodicEventStream is
 * `urn:NotifyPeriodicEventStream`: a request without response).
 */
export function schemaKey(id: string): { action: string; kind: Kind } {
  const m = /^urn:(.+?)(?:\.(req|conf)|(Request|Response))?$/.exec(id)!;
  return { action: m[1], kind: m[2] === 'conf' || m[3] === 'Response' ? 'conf' : 'req' };
}

/** One version's schemas; each is compiled when its action is first seen (every OCA schema is self-contained). */
class SchemaSet {
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly byKey: Map<string, object>;
  readonly actions: ReadonlySet<string>;

  constructor(schemas: Array<{ $id: string }>) {
    this.byKey = new Map(schemas.map((s) => { const k = schemaKey(s.$id); return [`${k.action}.${k.kind}`, s]; }));
    this.actions = new Set(schemas.map((s) => schemaKey(s.$id).action));
  }

  validator(action: string, kind: Kind): ValidateFunction | undefined {
    const key = `${action}.${kind}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      const schema = this.byKey.get(key);
      if (!schema) return undefined;
      fn = ajv().compile(schema);
      this.compiled.set(key, fn);
    }
    return fn;
  }
}

/**
 * The 2.1 set is the official file unmodified (licence CC BY-ND 4.0), 1 MB with its documentation:
 * required only when a 2.1 payload is first validated, so no other process parses it.
 */
const SCHEMA_FILES: Record<SchemaVersion, () => Array<{ $id: string }>> = {
  '1.6': () => schemas16 as Array<{ $id: string }>,
  '2.0.1': () => schemas201 as Array<{ $id: string }>,
  '2.1': () => require('./schemas/ocpp2_1.json'), // eslint-disable-line @typescript-eslint/no-require-imports
};
const sets: Partial<Record<SchemaVersion, SchemaSet>> = {};
/** Each version's set is built on first use: a Lambda serving one generation never loads the others. */
function schemaSet(version: SchemaVersion): SchemaSet {
  return (sets[version] ??= new SchemaSet(SCHEMA_FILES[version]()));
}

/** Is this an action of that OCPP version at all (in either direction)? */
export function isKnownAction(version: SchemaVersion, action: string): boolean {
  return schemaSet(version).actions.has(action);
}

/** Returns undefined when valid, otherwise the CALLERROR code and a readable message. */
export function checkPayload(version: SchemaVersion, action: string, kind: Kind, payload: unknown): ValidationFailure | undefined {
  const fn = schemaSet(version).validator(action, kind);
  return fn ? failureOf(fn, payload) : noSchema(version, action, kind);
}

/** Throws the OcppError a charge point should receive for an invalid payload. */
export function assertPayload(version: SchemaVersion, action: string, kind: Kind, payload: unknown): void {
  const failure = checkPayload(version, action, kind, payload);
  if (failure) throw payloadError(failure);
}

/** answerCall's validation in the router (every action). */
export const runtimeValidation: CallValidation = { isKnownAction, check: checkPayload };
