/**
 * The generated per-action validators (shared/ocpp/validators, Ajv standalone code used by the
 * route Lambdas) against the runtime Ajv path (shared/ocpp/validation.ts, used by the router):
 * committed = regenerated, and both give the same verdict, CALLERROR code, message and errors on
 * valid payloads (bench samples and payloads built from each schema) and systematically broken ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateValidators, HAND_WRITTEN, standalone, VALIDATORS_DIR } from '../../infra/tools/generate-validators';
import { ROUTES } from '../../shared/ocpp/routes';
import { errorFrameFor } from '../../shared/ocpp/inbound';
import type { SchemaVersion as OcppVersion } from '../../shared/ocpp/protocol';
import schemas16 from '../../shared/ocpp/schemas/ocpp1_6.json';
import schemas201 from '../../shared/ocpp/schemas/ocpp2_0_1.json';
import { checkPayload, isKnownAction as runtimeIsKnownAction, runtimeValidation, schemaKey } from '../../shared/ocpp/validation';
import { failureOf, payloadError, type ActionValidators, type Kind, type ValidateFn } from '../../shared/ocpp/validators';
import { generatedValidation } from '../../shared/ocpp/validators/route';
import { samplesFor, type SampleState } from '../bench/samples';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Schema = Record<string, any>;
const VERSIONS: OcppVersion[] = ['1.6', '2.0.1', '2.1'];
const SETS: Record<OcppVersion, Schema[]> = { '1.6': schemas16 as Schema[], '2.0.1': schemas201 as Schema[], '2.1': require('../../shared/ocpp/schemas/ocpp2_1.json') }; // eslint-disable-line @typescript-eslint/no-require-imports
const schemaOf = (version: OcppVersion, action: string, kind: Kind) => SETS[version].find((s) => { const k = schemaKey(s.$id); return k.action === action && k.kind === kind; });
const validatorsOf = (action: string): ActionValidators => require(`../../shared/ocpp/validators/${action}`).default; // eslint-disable-line @typescript-eslint/no-require-imports

/** A schema-driven payload: only required properties (`full` false) or every property (`full` true). */
function build(schema: Schema, root: Schema, full: boolean, depth = 0): unknown {
  if (schema.$ref) return build(root.definitions[schema.$ref.replace('#/definitions/', '')], root, full, depth);
  if (schema.enum) return schema.enum[schema.enum.length - 1];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, p] of Object.entries<Schema>(schema.properties ?? {})) {
        if ((full && depth < 6) || schema.required?.includes(k)) out[k] = build(p, root, full, depth + 1);
      }
      return out;
    }
    case 'array': return Array.from({ length: Math.max(schema.minItems ?? 0, 1) }, () => build(schema.items ?? {}, root, full, depth + 1));
    case 'string':
      if (schema.format === 'date-time') return '2026-01-02T03:04:05.678Z';
      if (schema.format === 'uri') return 'https://example.com/x';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'integer': return schema.minimum ?? 3;
    case 'number': return schema.multipleOf ? 0.3 : (schema.minimum ?? 2.5);
    case 'boolean': return true;
    default: return {};
  }
}

/** Every (path, sub-schema) of a payload built with `full`, for mutations at each level. */
function* nodes(value: unknown, schema: Schema, root: Schema, path: Array<string | number> = []): Generator<{ path: Array<string | number>; schema: Schema; value: unknown }> {
  if (schema.$ref) return yield* nodes(value, root.definitions[schema.$ref.replace('#/definitions/', '')], root, path);
  yield { path, schema, value };
  if (Array.isArray(value) && value.length) yield* nodes(value[0], schema.items ?? {}, root, [...path, 0]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* nodes(v, schema.properties?.[k] ?? {}, root, [...path, k]);
}

const clone = <T>(v: T): T => structuredClone(v);
function at(payload: unknown, path: Array<string | number>, f: (parent: any, key: string | number) => void): unknown {
  const copy = clone(payload) as any;
  if (!path.length) return copy;
  let p = copy;
  for (const k of path.slice(0, -1)) p = p[k];
  f(p, path[path.length - 1]);
  return copy;
}
const resolve = (s: Schema, root: Schema): Schema => (s.$ref ? resolve(root.definitions[s.$ref.replace('#/definitions/', '')], root) : s);

/** Valid and broken payloads for one schema. */
function payloadsFor(schema: Schema): unknown[] {
  const minimal = build(schema, schema, false);
  const full = build(schema, schema, true);
  const out: unknown[] = [minimal, full, null, 'text', 42, [], { ...(full as object), unknownField: 1 }];
  for (const { path, schema: s0, value } of nodes(full, schema, schema)) {
    const s = resolve(s0, schema);
    const wrong = typeof value === 'string' ? 12 : typeof value === 'number' ? 'twelve' : typeof value === 'boolean' ? 'yes' : Array.isArray(value) ? { a: 1 } : value && typeof value === 'object' ? [] : 'x';
    if (path.length) out.push(at(full, path, (p, k) => { p[k] = wrong; }));
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      out.push(path.length ? at(full, path, (p, k) => { p[k] = { ...p[k], notInSchema: true }; }) : { ...(value as object), notInSchema: true });
      for (const req of s.required ?? []) out.push(at(full, [...path, req], (p, k) => { delete p[k]; }));
    }
    if (!path.length) continue;
    if (s.enum) out.push(at(full, path, (p, k) => { p[k] = 'NotAMember'; }));
    if (s.maxLength) out.push(at(full, path, (p, k) => { p[k] = 'y'.repeat(s.maxLength + 1); }), at(full, path, (p, k) => { p[k] = 'y'.repeat(s.maxLength); }));
    if (s.format === 'date-time') out.push(at(full, path, (p, k) => { p[k] = '2026-13-40T25:00:00Z'; }), at(full, path, (p, k) => { p[k] = '2026-01-02 03:04:05+01:00'; }));
    if (s.format === 'uri') out.push(at(full, path, (p, k) => { p[k] = 'not a uri'; }));
    if (s.type === 'integer') out.push(at(full, path, (p, k) => { p[k] = 1.5; }), at(full, path, (p, k) => { p[k] = -1; }));
    if (s.multipleOf) out.push(at(full, path, (p, k) => { p[k] = 0.35; }), at(full, path, (p, k) => { p[k] = 7.1; }), at(full, path, (p, k) => { p[k] = Number.NaN; }));
    if (s.minimum !== undefined) out.push(at(full, path, (p, k) => { p[k] = s.minimum - 1; }));
    if (s.maximum !== undefined) out.push(at(full, path, (p, k) => { p[k] = s.maximum + 1; }));
    if (s.type === 'array') {
      out.push(at(full, path, (p, k) => { p[k] = []; }));
      if (s.maxItems) out.push(at(full, path, (p, k) => { p[k] = Array.from({ length: s.maxItems + 1 }, () => p[k][0]); }));
    }
  }
  return out;
}

const ROUTE_ACTIONS = Object.keys(ROUTES).sort();

describe('generated validators', () => {
  it('are what `npm run schemas` generates from the committed schemas (run it after changing them)', () => {
    const generated = generateValidators();
    const committed = readdirSync(VALIDATORS_DIR).filter((f) => !HAND_WRITTEN.includes(f));
    expect(committed.sort()).toEqual([...generated.keys()].sort());
    for (const [name, content] of generated) expect([name, readFileSync(join(VALIDATORS_DIR, name), 'utf8')]).toEqual([name, content]);
  });

  it('exist for exactly the route actions, for each version whose schema set has the action', () => {
    expect([...generateValidators().keys()].map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(ROUTE_ACTIONS);
    for (const action of ROUTE_ACTIONS) {
      const versions = VERSIONS.filter((v) => schemaOf(v, action, 'req'));
      expect([action, Object.keys(validatorsOf(action)).sort()]).toEqual([action, versions]);
    }
  });

  it('know their own action in exactly the versions whose schema set has it, as the runtime path does', () => {
    for (const action of ROUTE_ACTIONS) {
      const route = generatedValidation(action, validatorsOf(action));
      for (const v of VERSIONS) expect([action, v, route.isKnownAction(v, action)]).toEqual([action, v, runtimeIsKnownAction(v, action)]);
    }
  });

  describe.each(ROUTE_ACTIONS)('%s', (action) => {
    const generated = generatedValidation(action, validatorsOf(action));
    it.each(VERSIONS)('agrees with the runtime path in OCPP %s (verdict, code, message, errors, CALLERROR frame)', (version) => {
      const state: SampleState = { idTag: 'TAG1', transactionId: version === '1.6' ? 7 : 'tx-7', seqNo: 1, meter: 1000, n: 1 };
      let compared = 0;
      let failures = 0;
      for (const kind of ['req', 'conf'] as const) {
        const schema = schemaOf(version, action, kind);
        // 2.1 is backward compatible: the 2.0.1 samples are valid 2.1 payloads too.
        const samples = samplesFor(version === '1.6' ? 'ocpp1.6' : 'ocpp2.0.1').filter((s) => s.action === action).map((s) => (kind === 'req' ? s.request(state) : s.response));
        const payloads = schema ? [...samples, ...payloadsFor(schema)] : [{}];
        for (const payload of payloads) {
          const want = checkPayload(version, action, kind, payload);
          const got = generated.check(version, action, kind, payload);
          expect([kind, payload, got]).toEqual([kind, payload, want]);
          if (want) {
            failures++;
            const protocol = version === '1.6' ? 'ocpp1.6' : version === '2.1' ? 'ocpp2.1' : 'ocpp2.0.1';
            expect(errorFrameFor('m1', payloadError(got!), { protocol, chargePointId: 'CP' })).toBe(errorFrameFor('m1', payloadError(want), { protocol, chargePointId: 'CP' }));
          }
          compared++;
        }
        for (const s of samples) expect([action, kind, s, got(generated, version, action, kind, s)]).toEqual([action, kind, s, undefined]);
      }
      // Actions not in this version: both paths answer NotImplemented for the one {} payload per kind.
      if (schemaOf(version, action, 'req')) expect(failures).toBeGreaterThan(3);
      else expect([compared, failures]).toEqual([2, 2]);
    });
  });

  it('answer NotImplemented for other actions and unknown versions, as the runtime path does for actions without a schema', () => {
    const generated = generatedValidation('Heartbeat', validatorsOf('Heartbeat'));
    expect(generated.check('1.6', 'Authorize', 'req', { idTag: 'x' })).toEqual({ code: 'NotImplemented', message: 'No schema for Authorize.req in OCPP 1.6', errors: [] });
    expect(generatedValidation('StartTransaction', validatorsOf('StartTransaction')).check('2.0.1', 'StartTransaction', 'req', {})).toEqual(runtimeValidation.check('2.0.1', 'StartTransaction', 'req', {}));
  });

  it('keep the tolerant multipleOf of the runtime path in standalone code (0.3 is a multiple of 0.1, 0.35 is not)', () => {
    // No charge-point-initiated action has a multipleOf (only 1.6 charging profiles): generate one in memory.
    const code = standalone('1.6', 'SetChargingProfile')!;
    // Generated code requires its helpers relative to shared/ocpp/validators, where it normally lives.
    const requireFromValidators = (id: string) => require(id.startsWith('.') ? join(VALIDATORS_DIR, id) : id); // eslint-disable-line @typescript-eslint/no-require-imports
    const v = new Function('require', `${code}\nreturn v16;`)(requireFromValidators).req as ValidateFn; // eslint-disable-line @typescript-eslint/no-implied-eval
    expect(code).toContain('Math.round(');
    const payload = (limit: number) => ({ connectorId: 1, csChargingProfiles: { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Absolute', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] } } });
    for (const limit of [0.3, 0.7, 16.1, 32, 0.35, 7.05, Number.NaN]) {
      expect([limit, failureOf(v, payload(limit))]).toEqual([limit, checkPayload('1.6', 'SetChargingProfile', 'req', payload(limit))]);
    }
    expect(v(payload(0.3))).toBe(true);
    expect(v(payload(0.35))).toBe(false);
    expect(v.errors?.[0]).toMatchObject({ keyword: 'multipleOf', message: 'must pass "multipleOf" keyword validation' });
  });
});

function got(v: ReturnType<typeof generatedValidation>, version: OcppVersion, action: string, kind: Kind, payload: unknown) {
  return v.check(version, action, kind, payload)?.message;
}
