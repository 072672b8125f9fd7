/**
 * Property tests of the composite schedule engine against a deliberately naive reference: the
 * reference evaluates the rules of docs/smart-charging.md at one instant at a time, straight from
 * an abstract profile description, with none of the engine's interval machinery. Profiles are
 * rendered to 1.6 or 2.0.1 wire shapes, so normalisation is exercised too.
 */
import fc from 'fast-check';
import { computeCompositeSchedule } from '../../../shared/smart-charging/composite';
import type {
  ChargingRateUnit,
  CompositePeriod,
  CompositeRequest,
  CompositeResult,
  InstalledProfile,
} from '../../../shared/smart-charging/types';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const DAY_S = 86400;
const MIN = 60;

type Purpose = 'Max' | 'Ext' | 'TxDefault' | 'Tx';

interface PeriodSpec {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

/** Abstract profile; all times in seconds relative to T0. */
interface Spec {
  id: number;
  wire: '1.6' | '2.0.1';
  location: number;
  purpose: Purpose;
  stackLevel: number;
  kind: 'Absolute' | 'Recurring' | 'Relative';
  recurrencyKind?: 'Daily' | 'Weekly';
  validFrom?: number;
  validTo?: number;
  transactionId?: number;
  startSchedule?: number;
  duration?: number;
  unit: ChargingRateUnit;
  periods: PeriodSpec[];
  minChargingRate?: number;
}

interface ReqSpec {
  connectorId: number;
  start: number;
  duration: number;
  unit?: ChargingRateUnit;
  transaction?: { connectorId: number; transactionId: number; startedAt: number };
  voltage?: number;
  phases?: number;
}

const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

// ---------------------------------------------------------------------------------------------
// Rendering to wire shapes

function render(s: Spec): InstalledProfile {
  const periods = s.periods.map((p) => ({ ...p }));
  const common = {
    stackLevel: s.stackLevel,
    chargingProfileKind: s.kind,
    ...(s.recurrencyKind ? { recurrencyKind: s.recurrencyKind } : {}),
    ...(s.validFrom !== undefined ? { validFrom: iso(s.validFrom) } : {}),
    ...(s.validTo !== undefined ? { validTo: iso(s.validTo) } : {}),
  };
  const schedule = {
    chargingRateUnit: s.unit,
    chargingSchedulePeriod: periods,
    ...(s.startSchedule !== undefined ? { startSchedule: iso(s.startSchedule) } : {}),
    ...(s.duration !== undefined ? { duration: s.duration } : {}),
    ...(s.minChargingRate !== undefined ? { minChargingRate: s.minChargingRate } : {}),
  };
  if (s.wire === '1.6') {
    const purpose = { Max: 'ChargePointMaxProfile', TxDefault: 'TxDefaultProfile', Tx: 'TxProfile' } as const;
    return {
      connectorId: s.location,
      csChargingProfiles: {
        chargingProfileId: s.id,
        chargingProfilePurpose: purpose[s.purpose as 'Max' | 'TxDefault' | 'Tx'],
        ...(s.transactionId !== undefined ? { transactionId: s.transactionId } : {}),
        ...common,
        chargingSchedule: schedule,
      },
    };
  }
  const purpose = {
    Max: 'ChargingStationMaxProfile',
    Ext: 'ChargingStationExternalConstraints',
    TxDefault: 'TxDefaultProfile',
    Tx: 'TxProfile',
  } as const;
  return {
    evseId: s.location,
    chargingProfile: {
      id: s.id,
      chargingProfilePurpose: purpose[s.purpose],
      ...(s.transactionId !== undefined ? { transactionId: String(s.transactionId) } : {}),
      ...common,
      chargingSchedule: [{ id: 1, ...schedule }],
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Naive reference, one instant at a time

const samePurpose = (a: Purpose, b: Purpose) => a === b;

function installNaively(specs: Spec[]): Spec[] {
  let model: Spec[] = [];
  for (const s of specs) {
    model = model.filter(
      (m) => !(m.id === s.id || (samePurpose(m.purpose, s.purpose) && m.stackLevel === s.stackLevel && m.location === s.location)),
    );
    model.push(s);
  }
  return model;
}

function isValidAt(s: Spec, t: number): boolean {
  return (s.validFrom === undefined || t >= T0 + s.validFrom * 1000) && (s.validTo === undefined || t < T0 + s.validTo * 1000);
}

function txOnConnector(r: ReqSpec) {
  return r.transaction && r.connectorId > 0 && r.transaction.connectorId === r.connectorId ? r.transaction : undefined;
}

function anchorOf(s: Spec, r: ReqSpec): number {
  if (s.kind === 'Relative') {
    const tx = txOnConnector(r);
    return T0 + (tx ? tx.startedAt : r.start) * 1000;
  }
  return T0 + s.startSchedule! * 1000;
}

function recurrenceOf(s: Spec): number | undefined {
  if (s.kind !== 'Recurring') return undefined;
  return (s.recurrencyKind === 'Weekly' ? 7 : 1) * DAY_S * 1000;
}

/** The period of `s` in force at instant t (epoch ms), or undefined if `s` does not apply then. */
function periodAt(s: Spec, t: number, r: ReqSpec): PeriodSpec | undefined {
  if (!isValidAt(s, t)) return undefined;
  let offset = t - anchorOf(s, r);
  if (offset < 0) return undefined;
  let length = s.duration === undefined ? Infinity : s.duration * 1000;
  const rec = recurrenceOf(s);
  if (rec !== undefined) {
    offset = offset % rec;
    length = Math.min(length, rec);
  }
  if (offset >= length) return undefined;
  let found: PeriodSpec | undefined;
  for (const p of s.periods) if (p.startPeriod * 1000 <= offset) found = p;
  return found;
}

interface Term {
  spec: Spec;
  period: PeriodSpec;
}

function winner(specs: Spec[], t: number, r: ReqSpec): Term | undefined {
  let best: Term | undefined;
  for (const spec of specs) {
    const period = periodAt(spec, t, r);
    if (period && (!best || spec.stackLevel >= best.spec.stackLevel)) best = { spec, period };
  }
  return best;
}

function groupsFor(model: Spec[], r: ReqSpec) {
  const c = r.connectorId;
  const tx = txOnConnector(r);
  return {
    max: model.filter((s) => s.purpose === 'Max' && s.location === 0),
    extStation: model.filter((s) => s.purpose === 'Ext' && s.location === 0),
    extEvse: model.filter((s) => s.purpose === 'Ext' && c > 0 && s.location === c),
    tx: model.filter(
      (s) =>
        s.purpose === 'Tx' &&
        c > 0 &&
        s.location === c &&
        tx !== undefined &&
        (s.transactionId === undefined || s.transactionId === tx.transactionId),
    ),
    txDefaultSpecific: model.filter((s) => s.purpose === 'TxDefault' && c > 0 && s.location === c),
    txDefaultStation: model.filter((s) => s.purpose === 'TxDefault' && s.location === 0),
  };
}

/** The winning profile of each constraining group at t (Tx if one applies, else TxDefault). */
function termsAt(model: Spec[], t: number, r: ReqSpec): Term[] {
  const g = groupsFor(model, r);
  const txTerm =
    winner(g.tx, t, r) ??
    (g.txDefaultSpecific.some((s) => isValidAt(s, t)) ? winner(g.txDefaultSpecific, t, r) : winner(g.txDefaultStation, t, r));
  return [winner(g.max, t, r), winner(g.extStation, t, r), winner(g.extEvse, t, r), txTerm].filter(
    (x): x is Term => x !== undefined,
  );
}

function unitOf(model: Spec[], r: ReqSpec): ChargingRateUnit {
  if (r.unit) return r.unit;
  const g = groupsFor(model, r);
  const candidates = new Set([...g.max, ...g.extStation, ...g.extEvse, ...g.tx, ...g.txDefaultSpecific, ...g.txDefaultStation]);
  const from = T0 + r.start * 1000;
  const to = from + Math.max(r.duration * 1000, 1);
  const first = model.find(
    (s) =>
      candidates.has(s) &&
      (s.validFrom === undefined || T0 + s.validFrom * 1000 < to) &&
      (s.validTo === undefined || T0 + s.validTo * 1000 > from),
  );
  return first?.unit ?? 'A';
}

/** Exact conversion, no rounding. */
function convertExact(limit: number, from: ChargingRateUnit, to: ChargingRateUnit, phases: number, r: ReqSpec): number {
  if (from === to) return limit;
  const factor = (r.voltage ?? 230) * phases;
  return to === 'W' ? limit * factor : limit / factor;
}

/** Documented output rounding of converted values: down to 0.1, positive values never to 0. */
function roundDown(x: number): number {
  const r = Math.floor(x * 10 + 1e-7) / 10;
  return r === 0 && x > 0 ? x : r;
}

function termLimit(term: Term, unit: ChargingRateUnit, r: ReqSpec, exact: boolean): number {
  const phases = term.period.numberPhases ?? r.phases ?? 3;
  const v = convertExact(term.period.limit, term.spec.unit, unit, phases, r);
  return exact || term.spec.unit === unit ? v : roundDown(v);
}

function referenceAt(model: Spec[], t: number, r: ReqSpec, unit: ChargingRateUnit): { limit: number | null; numberPhases?: number } {
  const terms = termsAt(model, t, r);
  if (terms.length === 0) return { limit: null };
  const limit = Math.min(...terms.map((term) => termLimit(term, unit, r, false)));
  // numberPhases: of the term giving the minimum; on a tie, the smallest stated one
  const stated = terms
    .filter((term) => termLimit(term, unit, r, false) === limit && term.period.numberPhases !== undefined)
    .map((term) => term.period.numberPhases!);
  return stated.length > 0 ? { limit, numberPhases: Math.min(...stated) } : { limit };
}

// ---------------------------------------------------------------------------------------------
// Reading the engine's answer

function toRequest(specs: Spec[], r: ReqSpec): CompositeRequest {
  const req: CompositeRequest = {
    profiles: specs.map(render),
    connectorId: r.connectorId,
    start: iso(r.start),
    duration: r.duration,
  };
  if (r.unit) req.chargingRateUnit = r.unit;
  if (r.transaction) {
    req.transaction = {
      connectorId: r.transaction.connectorId,
      transactionId: r.transaction.transactionId,
      startedAt: iso(r.transaction.startedAt),
    };
  }
  if (r.voltage !== undefined) req.voltage = r.voltage;
  if (r.phases !== undefined) req.phases = r.phases;
  return req;
}

function periodAtInstant(result: CompositeResult, r: ReqSpec, t: number): CompositePeriod {
  const offset = (t - (T0 + r.start * 1000)) / 1000;
  const periods = result.chargingSchedule.chargingSchedulePeriod;
  let found = periods[0];
  for (const p of periods) if (p.startPeriod <= offset) found = p;
  return found;
}

function valueAt(result: CompositeResult, r: ReqSpec, t: number): number | null {
  return periodAtInstant(result, r, t).limit;
}

/** Instants around every place where anything can change: ±0.5 s of each candidate boundary. */
function probeInstants(model: Spec[], r: ReqSpec, result: CompositeResult, randoms: number[]): number[] {
  const from = T0 + r.start * 1000;
  const to = from + r.duration * 1000;
  const boundaries: number[] = [from, to];
  for (const p of result.chargingSchedule.chargingSchedulePeriod) boundaries.push(from + p.startPeriod * 1000);
  for (const s of model) {
    if (s.validFrom !== undefined) boundaries.push(T0 + s.validFrom * 1000);
    if (s.validTo !== undefined) boundaries.push(T0 + s.validTo * 1000);
    const anchor = anchorOf(s, r);
    const rec = recurrenceOf(s);
    const offsets = s.periods.map((p) => p.startPeriod * 1000);
    if (s.duration !== undefined) offsets.push(s.duration * 1000);
    if (rec === undefined) {
      for (const o of offsets) boundaries.push(anchor + o);
    } else {
      for (let base = anchor; base < to; base += rec) {
        if (base + rec < from) continue;
        boundaries.push(base);
        for (const o of offsets) if (o < rec) boundaries.push(base + o);
      }
    }
  }
  const probes = boundaries.flatMap((b) => [b - 500, b + 500]);
  for (const f of randoms) probes.push(from + f * (to - from));
  return probes.filter((t) => t >= from && t < to);
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** `arb` in `present` out of `present + absent` cases, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, present: number, absent: number): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: arb, weight: present }, { arbitrary: fc.constant(undefined), weight: absent });

const minutesBetween = (lo: number, hi: number) => fc.integer({ min: lo / MIN, max: hi / MIN }).map((m) => m * MIN);

const periodsArb = (unit: ChargingRateUnit, allowZero: boolean) =>
  fc
    .tuple(
      fc.constantFrom(true, true, true, false), // first period starts at 0 (usual) or later
      fc.uniqueArray(minutesBetween(MIN, 2 * DAY_S), { maxLength: 5 }),
      fc.array(
        fc.record(
          {
            limit: unit === 'A' ? fc.integer({ min: allowZero ? 0 : 1, max: 80 }) : fc.integer({ min: allowZero ? 0 : 1, max: 40000 }),
            numberPhases: fc.integer({ min: 1, max: 3 }),
          },
          { requiredKeys: ['limit'] },
        ),
        { minLength: 7, maxLength: 7 },
      ),
      minutesBetween(MIN, 3600),
    )
    .map(([firstAtZero, starts, limits, late]) => {
      const startPeriods = [firstAtZero ? 0 : late, ...starts.filter((x) => x > late)].sort((a, b) => a - b);
      return startPeriods.map((startPeriod, i) => ({ startPeriod, ...limits[i] }));
    });

function specArb(allowZero: boolean): fc.Arbitrary<Omit<Spec, 'id'>> {
  return fc
    .record({
      purpose: fc.constantFrom<Purpose>('Max', 'Ext', 'TxDefault', 'TxDefault', 'Tx', 'Tx'),
      wire16: fc.boolean(),
      location: fc.constantFrom(0, 1, 1, 2),
      stackLevel: fc.integer({ min: 0, max: 4 }),
      kind: fc.constantFrom('Absolute', 'Recurring', 'Relative') as fc.Arbitrary<Spec['kind']>,
      recurrencyKind: fc.constantFrom('Daily', 'Weekly') as fc.Arbitrary<'Daily' | 'Weekly'>,
      validFrom: sometimes(minutesBetween(-2 * DAY_S, 2 * DAY_S), 1, 2),
      validFor: sometimes(minutesBetween(MIN, 2 * DAY_S), 1, 1),
      validTo: sometimes(minutesBetween(-DAY_S, 3 * DAY_S), 1, 3),
      transactionId: sometimes(fc.integer({ min: 1, max: 2 }), 1, 1),
      startSchedule: fc.oneof(minutesBetween(-DAY_S, DAY_S), minutesBetween(-9 * DAY_S, 2 * DAY_S)),
      duration: sometimes(minutesBetween(MIN, 3 * DAY_S), 1, 1),
      unit: fc.constantFrom<ChargingRateUnit>('A', 'W'),
      minChargingRate: sometimes(fc.integer({ min: 1, max: 10 }), 1, 2),
    })
    .chain((x) =>
      periodsArb(x.unit, allowZero).map((periods) => {
        const location = x.purpose === 'Max' ? 0 : x.purpose === 'Tx' ? Math.max(1, x.location) : x.location;
        const spec: Omit<Spec, 'id'> = {
          wire: x.purpose === 'Ext' || !x.wire16 ? '2.0.1' : '1.6',
          location,
          purpose: x.purpose,
          stackLevel: x.stackLevel,
          kind: x.kind,
          unit: x.unit,
          periods,
        };
        if (x.kind === 'Recurring') spec.recurrencyKind = x.recurrencyKind;
        if (x.kind !== 'Relative') spec.startSchedule = x.startSchedule;
        if (x.validFrom !== undefined) spec.validFrom = x.validFrom;
        if (x.validFrom !== undefined && x.validFor !== undefined) spec.validTo = x.validFrom + x.validFor;
        else if (x.validTo !== undefined) spec.validTo = x.validTo;
        if (x.purpose === 'Tx' && x.transactionId !== undefined) spec.transactionId = x.transactionId;
        if (x.duration !== undefined) spec.duration = x.duration;
        if (x.minChargingRate !== undefined) spec.minChargingRate = x.minChargingRate;
        return spec;
      }),
    );
}

const specsArb = (allowZero: boolean) =>
  fc
    .array(specArb(allowZero), { minLength: 1, maxLength: 10 })
    .chain((specs) =>
      // ids mostly distinct, sometimes reused (exercises replacement by id)
      fc.array(fc.integer({ min: 1, max: 14 }), { minLength: specs.length, maxLength: specs.length }).map((ids) =>
        specs.map((s, i) => ({ ...s, id: ids[i] })),
      ),
    );

const reqArb: fc.Arbitrary<ReqSpec> = fc
  .record({
    connectorId: fc.constantFrom(0, 1, 1, 1, 2),
    start: minutesBetween(-DAY_S, DAY_S),
    duration: fc.oneof(minutesBetween(MIN, 3 * DAY_S), fc.integer({ min: 0, max: 7200 })),
    unit: sometimes(fc.constantFrom<ChargingRateUnit>('A', 'W'), 1, 1),
    transaction: sometimes(
      fc.record({
        connectorId: fc.constantFrom(1, 1, 2),
        transactionId: fc.integer({ min: 1, max: 2 }),
        startedAt: minutesBetween(-3 * DAY_S, DAY_S),
      }),
      3,
      1,
    ),
    voltage: sometimes(fc.constantFrom(110, 120, 230, 400), 1, 1),
    phases: sometimes(fc.integer({ min: 1, max: 3 }), 1, 1),
  })
  .map((r) => {
    const out: ReqSpec = { connectorId: r.connectorId, start: r.start, duration: r.duration };
    if (r.unit) out.unit = r.unit;
    if (r.transaction) out.transaction = r.transaction;
    if (r.voltage !== undefined) out.voltage = r.voltage;
    if (r.phases !== undefined) out.phases = r.phases;
    return out;
  });

const randomsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { maxLength: 20 });

// 2.0.1 profiles carry only their own-unit schedule here, so the preferred-unit choice never
// differs from the abstract spec (that choice is covered by an example test).

const RUNS = { numRuns: 500 };

// ---------------------------------------------------------------------------------------------

describe('composite schedule properties', () => {
  it('periods start at 0, are strictly increasing inside the window, and no two neighbours are equal', () => {
    fc.assert(
      fc.property(specsArb(true), reqArb, (specs, r) => {
        const result = computeCompositeSchedule(toRequest(specs, r)).chargingSchedule;
        const periods = result.chargingSchedulePeriod;
        expect(periods.length).toBeGreaterThan(0);
        expect(periods[0].startPeriod).toBe(0);
        for (let i = 1; i < periods.length; i++) {
          expect(periods[i].startPeriod).toBeGreaterThan(periods[i - 1].startPeriod);
          expect(periods[i].startPeriod).toBeLessThan(r.duration);
          const same = periods[i].limit === periods[i - 1].limit && periods[i].numberPhases === periods[i - 1].numberPhases;
          expect(same).toBe(false);
        }
        for (const p of periods) if (p.limit === null) expect(p.numberPhases).toBeUndefined();
        expect(result.duration).toBe(r.duration);
        expect(result.startSchedule).toBe(iso(r.start));
      }),
      RUNS,
    );
  });

  it('at every instant the composite is ≤ the (converted) limit of the winning profile of each purpose, and null only when none applies', () => {
    fc.assert(
      fc.property(specsArb(true), reqArb, randomsArb, (specs, r, randoms) => {
        const result = computeCompositeSchedule(toRequest(specs, r));
        const model = installNaively(specs);
        const unit = unitOf(model, r);
        expect(result.chargingSchedule.chargingRateUnit).toBe(unit);
        for (const t of probeInstants(model, r, result, randoms)) {
          const v = valueAt(result, r, t);
          const terms = termsAt(model, t, r);
          if (terms.length === 0) {
            expect(v).toBeNull();
            continue;
          }
          expect(v).not.toBeNull();
          for (const term of terms) expect(v!).toBeLessThanOrEqual(termLimit(term, unit, r, true) + 1e-9);
        }
      }),
      RUNS,
    );
  });

  it('equals the naive per-instant reference (limit and numberPhases) at every probed instant', () => {
    fc.assert(
      fc.property(specsArb(true), reqArb, randomsArb, (specs, r, randoms) => {
        const result = computeCompositeSchedule(toRequest(specs, r));
        const model = installNaively(specs);
        const unit = unitOf(model, r);
        for (const t of probeInstants(model, r, result, randoms)) {
          const expected = referenceAt(model, t, r, unit);
          const actual = periodAtInstant(result, r, t);
          if (expected.limit === null) expect(actual.limit).toBeNull();
          else expect(actual.limit).toBeCloseTo(expected.limit, 9);
          expect(actual.numberPhases).toBe(expected.numberPhases);
        }
      }),
      RUNS,
    );
  });

  it('never reports 0 unless a profile in force says 0', () => {
    fc.assert(
      fc.property(specsArb(true), reqArb, randomsArb, (specs, r, randoms) => {
        const result = computeCompositeSchedule(toRequest(specs, r));
        const model = installNaively(specs);
        for (const t of probeInstants(model, r, result, randoms)) {
          if (valueAt(result, r, t) !== 0) continue;
          expect(termsAt(model, t, r).some((term) => term.period.limit === 0)).toBe(true);
        }
      }),
      RUNS,
    );
    // and with strictly positive limits, no period is 0 at all
    fc.assert(
      fc.property(specsArb(false), reqArb, (specs, r) => {
        const periods = computeCompositeSchedule(toRequest(specs, r)).chargingSchedule.chargingSchedulePeriod;
        for (const p of periods) expect(p.limit).not.toBe(0);
      }),
      RUNS,
    );
  });

  it('does not depend on the input order of profiles with distinct ids and distinct (purpose, stackLevel, connector)', () => {
    const distinct = specsArb(true).map((specs) => {
      const seen = new Set<string>();
      return specs
        .filter((s) => {
          const key = `${s.purpose}/${s.stackLevel}/${s.location}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        })
        .map((s, i) => ({ ...s, id: 100 + i }));
    });
    fc.assert(
      fc.property(
        distinct.chain((specs) =>
          fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length })),
        ),
        reqArb,
        fc.constantFrom<ChargingRateUnit>('A', 'W'),
        ([specs, shuffled], r, unit) => {
          const withUnit = { ...r, unit };
          expect(computeCompositeSchedule(toRequest(shuffled, withUnit))).toEqual(
            computeCompositeSchedule(toRequest(specs, withUnit)),
          );
        },
      ),
      RUNS,
    );
  });
});
