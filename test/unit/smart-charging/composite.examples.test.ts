/**
 * Worked examples for the composite schedule engine. Every expectation below is computed by hand
 * (the arithmetic is in the comments), never copied from the engine's output.
 */
import { computeCompositeSchedule, CompositeScheduleError } from '../../../shared/smart-charging/composite';
import type {
  ChargingProfile16,
  ChargingProfilePurpose16,
  ChargingRateUnit,
  CompositeRequest,
  InstalledProfile16,
  InstalledProfile201,
} from '../../../shared/smart-charging/types';

const START = '2024-05-01T00:00:00.000Z'; // a Wednesday
const T0 = Date.parse(START);
const H = 3600;
const DAY = 86400;
/** ISO time `s` seconds after START. */
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

type PeriodSpec = [startPeriod: number, limit: number, numberPhases?: number];

interface ProfileSpec {
  id?: number;
  connectorId?: number;
  purpose?: ChargingProfilePurpose16;
  stackLevel?: number;
  kind?: ChargingProfile16['chargingProfileKind'];
  recurrencyKind?: ChargingProfile16['recurrencyKind'];
  validFrom?: string;
  validTo?: string;
  transactionId?: number;
  startSchedule?: string;
  duration?: number;
  unit?: ChargingRateUnit;
  minChargingRate?: number;
  periods: PeriodSpec[];
}

let nextId = 1;
/** A 1.6 SetChargingProfile.req; defaults: TxDefaultProfile on connector 0, Absolute from START, in A. */
function aProfile(spec: ProfileSpec): InstalledProfile16 {
  const kind = spec.kind ?? 'Absolute';
  const cp: ChargingProfile16 = {
    chargingProfileId: spec.id ?? nextId++,
    stackLevel: spec.stackLevel ?? 0,
    chargingProfilePurpose: spec.purpose ?? 'TxDefaultProfile',
    chargingProfileKind: kind,
    chargingSchedule: {
      chargingRateUnit: spec.unit ?? 'A',
      chargingSchedulePeriod: spec.periods.map(([startPeriod, limit, numberPhases]) =>
        numberPhases === undefined ? { startPeriod, limit } : { startPeriod, limit, numberPhases },
      ),
    },
  };
  if (spec.recurrencyKind) cp.recurrencyKind = spec.recurrencyKind;
  if (spec.validFrom) cp.validFrom = spec.validFrom;
  if (spec.validTo) cp.validTo = spec.validTo;
  if (spec.transactionId !== undefined) cp.transactionId = spec.transactionId;
  if (spec.duration !== undefined) cp.chargingSchedule.duration = spec.duration;
  if (spec.minChargingRate !== undefined) cp.chargingSchedule.minChargingRate = spec.minChargingRate;
  const startSchedule = spec.startSchedule ?? (kind === 'Relative' ? undefined : START);
  if (startSchedule) cp.chargingSchedule.startSchedule = startSchedule;
  return { connectorId: spec.connectorId ?? 0, csChargingProfiles: cp };
}

function request(over: Partial<CompositeRequest>): CompositeRequest {
  return { profiles: [], connectorId: 1, start: START, duration: 2 * H, ...over };
}

/** The periods as [startPeriod, limit] pairs (numberPhases checked separately where relevant). */
function periodsOf(req: CompositeRequest): [number, number | null][] {
  return computeCompositeSchedule(req).chargingSchedule.chargingSchedulePeriod.map((p) => [p.startPeriod, p.limit]);
}

describe('OCPP 1.6 §3.13.7 example: daily TxDefaultProfile, 6 kW between 08:00 and 20:00', () => {
  // The profile exactly as printed in the spec (id 100, stack 0, Recurring Daily from 2013-01-01T00:00Z).
  const specExample: InstalledProfile16 = {
    connectorId: 0,
    csChargingProfiles: {
      chargingProfileId: 100,
      stackLevel: 0,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Recurring',
      recurrencyKind: 'Daily',
      chargingSchedule: {
        duration: 86400,
        startSchedule: '2013-01-01T00:00Z',
        chargingRateUnit: 'W',
        chargingSchedulePeriod: [
          { startPeriod: 0, limit: 11000, numberPhases: 3 },
          { startPeriod: 28800, limit: 6000, numberPhases: 3 },
          { startPeriod: 72000, limit: 11000, numberPhases: 3 },
        ],
      },
    },
  };

  it('asked at 06:00 for 24 h in its own unit: 11 kW, 6 kW from 08:00, 11 kW from 20:00 (through midnight)', () => {
    const result = computeCompositeSchedule(
      request({ profiles: [specExample], start: '2024-05-01T06:00:00Z', duration: DAY }),
    );
    expect(result.chargingSchedule).toEqual({
      startSchedule: '2024-05-01T06:00:00Z',
      duration: DAY,
      chargingRateUnit: 'W', // no unit requested: the unit of the only applicable profile
      chargingSchedulePeriod: [
        { startPeriod: 0, limit: 11000, numberPhases: 3 },
        { startPeriod: 2 * H, limit: 6000, numberPhases: 3 }, // 08:00 - 06:00
        { startPeriod: 14 * H, limit: 11000, numberPhases: 3 }, // 20:00 - 06:00; 24:00 restarts at 11 kW: merged
      ],
    });
  });

  it('in amperes: W / (230 V × 3 phases), rounded down to 0.1 A', () => {
    // 11000 / 690 = 15.942… → 15.9 ; 6000 / 690 = 8.695… → 8.6
    expect(
      periodsOf(request({ profiles: [specExample], start: '2024-05-01T00:00:00Z', duration: DAY, chargingRateUnit: 'A' })),
    ).toEqual([
      [0, 15.9],
      [8 * H, 8.6],
      [20 * H, 15.9],
    ]);
  });

  it('applies to every connector because it is installed on connector 0, and to the charge point (connector 0)', () => {
    for (const connectorId of [0, 1, 7]) {
      expect(periodsOf(request({ profiles: [specExample], connectorId, start: '2024-05-01T07:00:00Z', duration: 2 * H }))).toEqual([
        [0, 11000],
        [H, 6000],
      ]);
    }
  });
});

describe('stacking within a purpose', () => {
  it('validTo in the middle of a period: the higher level stops there and the lower level shows through', () => {
    const base = aProfile({ stackLevel: 0, periods: [[0, 32]] });
    const high = aProfile({ stackLevel: 1, validTo: at(1800), periods: [[0, 10], [H, 20]] });
    expect(periodsOf(request({ profiles: [base, high] }))).toEqual([
      [0, 10],
      [1800, 32],
    ]);
  });

  it('validFrom in the middle of a period: the higher level starts mid-period with that period\'s limit', () => {
    const base = aProfile({ stackLevel: 0, periods: [[0, 32]] });
    const high = aProfile({ stackLevel: 1, validFrom: at(1800), periods: [[0, 10], [H, 20]] });
    expect(periodsOf(request({ profiles: [base, high] }))).toEqual([
      [0, 32],
      [1800, 10],
      [H, 20],
    ]);
  });

  it('a higher level with a duration gives way to the lower level after its duration', () => {
    const base = aProfile({ stackLevel: 0, periods: [[0, 32]] });
    const high = aProfile({ stackLevel: 4, duration: 1200, periods: [[0, 6]] });
    expect(periodsOf(request({ profiles: [high, base] }))).toEqual([
      [0, 6],
      [1200, 32],
    ]);
  });

  it('the higher stack level wins even when its limit is higher', () => {
    const base = aProfile({ stackLevel: 0, periods: [[0, 8]] });
    const high = aProfile({ stackLevel: 2, periods: [[0, 16]] });
    expect(periodsOf(request({ profiles: [base, high] }))).toEqual([[0, 16]]);
  });

  it('same purpose, stackLevel and connector: the later-installed one replaces the earlier', () => {
    const first = aProfile({ id: 1, stackLevel: 1, periods: [[0, 8]] });
    const second = aProfile({ id: 2, stackLevel: 1, periods: [[0, 16]] });
    expect(periodsOf(request({ profiles: [first, second] }))).toEqual([[0, 16]]);
    expect(periodsOf(request({ profiles: [second, first] }))).toEqual([[0, 8]]);
  });

  it('same id: the later one replaces the earlier even at another stack level', () => {
    const first = aProfile({ id: 9, stackLevel: 5, periods: [[0, 8]] });
    const second = aProfile({ id: 9, stackLevel: 1, periods: [[0, 16]] });
    expect(periodsOf(request({ profiles: [first, second] }))).toEqual([[0, 16]]);
  });

  it('a schedule whose first period starts late does not apply before it', () => {
    const p = aProfile({ periods: [[600, 10]] });
    expect(periodsOf(request({ profiles: [p], duration: H }))).toEqual([
      [0, null],
      [600, 10],
    ]);
  });
});

describe('recurrence', () => {
  it('daily with a 12 h duration: applies 06:00–18:00 every day, unconstrained (null) otherwise', () => {
    const p = aProfile({
      kind: 'Recurring',
      recurrencyKind: 'Daily',
      startSchedule: '2024-01-01T06:00:00Z',
      duration: 12 * H,
      periods: [[0, 10]],
    });
    expect(periodsOf(request({ profiles: [p], duration: 2 * DAY }))).toEqual([
      [0, null],
      [6 * H, 10],
      [18 * H, null],
      [30 * H, 10], // 06:00 next day = 24 h + 6 h
      [42 * H, null],
    ]);
  });

  it('weekly across the week boundary: Sunday evening limit, then the week restarts on Monday 00:00', () => {
    // Anchored on Monday 2024-05-06T00:00Z. Periods: 16 A from Monday, 8 A from Sunday 00:00
    // (6 days = 518400 s), and one period at 700000 s, beyond the week, which must be ignored.
    const p = aProfile({
      kind: 'Recurring',
      recurrencyKind: 'Weekly',
      startSchedule: '2024-05-06T00:00:00Z',
      periods: [[0, 16], [518400, 8], [700000, 2]],
    });
    const result = computeCompositeSchedule(
      request({ profiles: [p], start: '2024-05-12T20:00:00Z', duration: 8 * H }),
    );
    expect(result.chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 8 }, // Sunday 20:00
      { startPeriod: 4 * H, limit: 16 }, // Monday 00:00
    ]);
  });

  it('a recurring profile does not apply before its startSchedule', () => {
    const p = aProfile({ kind: 'Recurring', recurrencyKind: 'Daily', startSchedule: at(H), periods: [[0, 10]] });
    expect(periodsOf(request({ profiles: [p] }))).toEqual([
      [0, null],
      [H, 10],
    ]);
  });
});

describe('relative profiles', () => {
  it('TxProfile relative to a transaction that started yesterday', () => {
    // Transaction started 24 h before START; schedule: 32 A, 16 A from 25 h, ends at 28 h.
    // In the window: offset 24 h → 32 A; +1 h → 16 A; +4 h → schedule over → null.
    const p = aProfile({
      connectorId: 1,
      purpose: 'TxProfile',
      kind: 'Relative',
      duration: 28 * H,
      periods: [[0, 32], [25 * H, 16]],
    });
    const transaction = { connectorId: 1, transactionId: 77, startedAt: at(-DAY) };
    expect(periodsOf(request({ profiles: [p], transaction, duration: 5 * H }))).toEqual([
      [0, 32],
      [H, 16],
      [4 * H, null],
    ]);
  });

  it('relative TxDefault is anchored at the transaction start on that connector, else at the requested start', () => {
    const p = aProfile({ kind: 'Relative', duration: H, periods: [[0, 6]] });
    const transaction = { connectorId: 1, transactionId: 1, startedAt: at(-1800) };
    // with the transaction: applies from -30 min to +30 min
    expect(periodsOf(request({ profiles: [p], transaction }))).toEqual([
      [0, 6],
      [1800, null],
    ]);
    // transaction on another connector: anchored at START, applies for the first hour
    expect(periodsOf(request({ profiles: [p], transaction: { ...transaction, connectorId: 2 } }))).toEqual([
      [0, 6],
      [H, null],
    ]);
    // no transaction
    expect(periodsOf(request({ profiles: [p] }))).toEqual([
      [0, 6],
      [H, null],
    ]);
  });
});

describe('TxProfile and TxDefaultProfile', () => {
  const txDefault = aProfile({ connectorId: 0, stackLevel: 5, periods: [[0, 6]] });
  const txProfile = aProfile({
    connectorId: 1,
    purpose: 'TxProfile',
    stackLevel: 0,
    transactionId: 42,
    startSchedule: at(600),
    duration: 1200,
    periods: [[0, 20]],
  });
  const transaction = { connectorId: 1, transactionId: 42, startedAt: at(-60) };

  it('TxProfile overrides TxDefault wherever it applies, whatever the stack levels and limits', () => {
    expect(periodsOf(request({ profiles: [txDefault, txProfile], transaction, duration: H }))).toEqual([
      [0, 6],
      [600, 20],
      [1800, 6],
    ]);
  });

  it('TxProfile is ignored without a transaction, with another transactionId, or on another connector', () => {
    const expected = [[0, 6]];
    expect(periodsOf(request({ profiles: [txDefault, txProfile], duration: H }))).toEqual(expected);
    expect(
      periodsOf(request({ profiles: [txDefault, txProfile], transaction: { ...transaction, transactionId: 43 }, duration: H })),
    ).toEqual(expected);
    expect(
      periodsOf(request({ profiles: [txDefault, txProfile], connectorId: 2, transaction: { ...transaction, connectorId: 2 }, duration: H })),
    ).toEqual(expected);
  });

  it('a TxProfile without transactionId applies to the transaction on its connector (ids compared as strings)', () => {
    const anyTx = aProfile({ connectorId: 1, purpose: 'TxProfile', periods: [[0, 12]] });
    expect(periodsOf(request({ profiles: [txDefault, anyTx], transaction }))).toEqual([[0, 12]]);
    const strTx = { ...transaction, transactionId: '42' };
    expect(periodsOf(request({ profiles: [txDefault, txProfile], transaction: strTx, duration: H }))).toEqual([
      [0, 6],
      [600, 20],
      [1800, 6],
    ]);
  });

  it('a connector-0 request ignores TxProfiles', () => {
    expect(periodsOf(request({ profiles: [txDefault, txProfile], connectorId: 0, transaction, duration: H }))).toEqual([[0, 6]]);
  });
});

describe('connector-specific TxDefaultProfile vs connector 0', () => {
  const station = aProfile({ connectorId: 0, stackLevel: 3, periods: [[0, 10]] });

  it('replaces the connector-0 one for that connector wherever it is valid, even at a lower stack level', () => {
    const specific = aProfile({ connectorId: 1, stackLevel: 0, validFrom: at(H), validTo: at(2 * H), periods: [[0, 20]] });
    expect(periodsOf(request({ profiles: [station, specific], connectorId: 1, duration: 3 * H }))).toEqual([
      [0, 10],
      [H, 20],
      [2 * H, 10],
    ]);
    // other connectors keep the connector-0 profile
    expect(periodsOf(request({ profiles: [station, specific], connectorId: 2, duration: 3 * H }))).toEqual([[0, 10]]);
    // and so does the charge point as a whole
    expect(periodsOf(request({ profiles: [station, specific], connectorId: 0, duration: 3 * H }))).toEqual([[0, 10]]);
  });

  it('while valid, the connector-0 profile does not show through where the specific schedule has no period', () => {
    // valid forever (no validTo) but its schedule only covers 00:30–00:40
    const specific = aProfile({ connectorId: 1, startSchedule: at(1800), duration: 600, periods: [[0, 20]] });
    expect(periodsOf(request({ profiles: [station, specific], duration: H }))).toEqual([
      [0, null],
      [1800, 20],
      [2400, null],
    ]);
  });
});

describe('ChargePointMaxProfile', () => {
  const cpMax = aProfile({ connectorId: 0, purpose: 'ChargePointMaxProfile', periods: [[0, 32], [H, 16]] });
  const txDefault = aProfile({ connectorId: 0, stackLevel: 2, periods: [[0, 20]] });

  it('caps the Tx/TxDefault limit: the composite is the minimum', () => {
    expect(periodsOf(request({ profiles: [cpMax, txDefault] }))).toEqual([
      [0, 20],
      [H, 16],
    ]);
  });

  it('applies alone when there is no Tx/TxDefault profile, and caps the whole charge point (connector 0)', () => {
    expect(periodsOf(request({ profiles: [cpMax] }))).toEqual([
      [0, 32],
      [H, 16],
    ]);
    expect(periodsOf(request({ profiles: [cpMax, txDefault], connectorId: 0 }))).toEqual([
      [0, 20],
      [H, 16],
    ]);
  });

  it('is ignored when installed on a connector other than 0 (the spec allows only connector 0)', () => {
    const onConnector = aProfile({ connectorId: 1, purpose: 'ChargePointMaxProfile', periods: [[0, 1]] });
    expect(periodsOf(request({ profiles: [onConnector, txDefault] }))).toEqual([[0, 20]]);
  });
});

describe('units', () => {
  it('converts A and W with 230 V and the period numberPhases (default: request phases, then 3)', () => {
    const txDefaultW = aProfile({ unit: 'W', periods: [[0, 11040, 3]] }); // 11040 / (230 × 3) = 16 A
    const cpMaxA = aProfile({ purpose: 'ChargePointMaxProfile', unit: 'A', periods: [[0, 10, 1], [H, 20, 1]] });
    // in A: min(16, 10) = 10 (1 phase, from the CP max period) then min(16, 20) = 16 (3 phases)
    expect(computeCompositeSchedule(request({ profiles: [txDefaultW, cpMaxA], chargingRateUnit: 'A' })).chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 10, numberPhases: 1 },
      { startPeriod: H, limit: 16, numberPhases: 3 },
    ]);
    // in W: CP max 10 A × 230 V × 1 = 2300 W, 20 A × 230 × 1 = 4600 W; TxDefault 11040 W
    expect(computeCompositeSchedule(request({ profiles: [txDefaultW, cpMaxA], chargingRateUnit: 'W' })).chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 2300, numberPhases: 1 },
      { startPeriod: H, limit: 4600, numberPhases: 1 },
    ]);
  });

  it('numberPhases comes from the period giving the minimum; on a tie, the smallest stated', () => {
    const txDefault = aProfile({ periods: [[0, 16, 3], [H, 10, 3]] });
    const cpMax = aProfile({ purpose: 'ChargePointMaxProfile', periods: [[0, 16, 1], [H, 12, 1]] });
    // 0–1 h: 16 (3 ph) vs 16 (1 ph) tie → 1 ; from 1 h: 10 (3 ph) < 12 (1 ph) → 3
    expect(computeCompositeSchedule(request({ profiles: [txDefault, cpMax] })).chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: 16, numberPhases: 1 },
      { startPeriod: H, limit: 10, numberPhases: 3 },
    ]);
  });

  it('uses the request voltage and phases when a period has no numberPhases', () => {
    const p = aProfile({ unit: 'A', periods: [[0, 10]] });
    // 10 A × 120 V × 1 phase = 1200 W; default 10 × 230 × 3 = 6900 W
    expect(periodsOf(request({ profiles: [p], chargingRateUnit: 'W', voltage: 120, phases: 1 }))).toEqual([[0, 1200]]);
    expect(periodsOf(request({ profiles: [p], chargingRateUnit: 'W' }))).toEqual([[0, 6900]]);
  });

  it('defaults to the unit of the first applicable profile (install order), else A', () => {
    const w = aProfile({ unit: 'W', periods: [[0, 6900]] });
    const a = aProfile({ purpose: 'ChargePointMaxProfile', unit: 'A', periods: [[0, 32]] });
    expect(computeCompositeSchedule(request({ profiles: [w, a] })).chargingSchedule.chargingRateUnit).toBe('W');
    expect(computeCompositeSchedule(request({ profiles: [a, w] })).chargingSchedule.chargingRateUnit).toBe('A');
    // a W profile for another connector is not applicable
    const other = aProfile({ connectorId: 5, unit: 'W', periods: [[0, 1]] });
    expect(computeCompositeSchedule(request({ profiles: [other, a] })).chargingSchedule.chargingRateUnit).toBe('A');
    expect(computeCompositeSchedule(request({ profiles: [] })).chargingSchedule.chargingRateUnit).toBe('A');
  });

  it('minChargingRate: the largest of the applicable profiles, converted', () => {
    const a = aProfile({ stackLevel: 0, minChargingRate: 6, periods: [[0, 32]] });
    const w = aProfile({ purpose: 'ChargePointMaxProfile', unit: 'W', minChargingRate: 4830, periods: [[0, 22080]] });
    // 4830 W / 690 = 7 A > 6 A ; limit min(32, 22080 / 690 = 32) = 32
    const r = computeCompositeSchedule(request({ profiles: [a, w], chargingRateUnit: 'A' })).chargingSchedule;
    expect(r.minChargingRate).toBe(7);
    expect(r.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 32 }]);
    // a profile hidden under a higher stack level does not count
    const hidden = aProfile({ stackLevel: 0, minChargingRate: 10, periods: [[0, 32]] });
    const top = aProfile({ stackLevel: 1, minChargingRate: 6, periods: [[0, 16]] });
    expect(computeCompositeSchedule(request({ profiles: [hidden, top] })).chargingSchedule.minChargingRate).toBe(6);
    expect('minChargingRate' in computeCompositeSchedule(request({ profiles: [] })).chargingSchedule).toBe(false);
  });
});

describe('null and zero', () => {
  it('no profiles: one unconstrained period', () => {
    expect(computeCompositeSchedule(request({ profiles: [] })).chargingSchedule.chargingSchedulePeriod).toEqual([
      { startPeriod: 0, limit: null },
    ]);
  });

  it('a gap between profiles is null, never 0; a profile saying 0 gives 0', () => {
    const first = aProfile({ stackLevel: 1, duration: 600, periods: [[0, 0]] });
    const later = aProfile({ stackLevel: 2, startSchedule: at(H), periods: [[0, 8]] });
    expect(periodsOf(request({ profiles: [first, later] }))).toEqual([
      [0, 0],
      [600, null],
      [H, 8],
    ]);
  });

  it('a zero-length request reports the limit in force at its start', () => {
    const p = aProfile({ periods: [[0, 8]] });
    const r = computeCompositeSchedule(request({ profiles: [p], duration: 0 })).chargingSchedule;
    expect(r.duration).toBe(0);
    expect(r.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 8 }]);
  });

  it('rejects an unparsable start or a negative duration', () => {
    expect(() => computeCompositeSchedule(request({ start: 'yesterday' }))).toThrow(CompositeScheduleError);
    expect(() => computeCompositeSchedule(request({ duration: -1 }))).toThrow(CompositeScheduleError);
  });
});

describe('OCPP 2.0.1 profiles', () => {
  function aProfile201(
    evseId: number,
    purpose: InstalledProfile201['chargingProfile']['chargingProfilePurpose'],
    schedules: { unit: ChargingRateUnit; periods: PeriodSpec[] }[],
    extra: Partial<InstalledProfile201['chargingProfile']> = {},
  ): InstalledProfile201 {
    return {
      evseId,
      chargingProfile: {
        id: nextId++,
        stackLevel: 0,
        chargingProfilePurpose: purpose,
        chargingProfileKind: 'Absolute',
        chargingSchedule: schedules.map((s, i) => ({
          id: i + 1,
          startSchedule: START,
          chargingRateUnit: s.unit,
          chargingSchedulePeriod: s.periods.map(([startPeriod, limit, numberPhases]) =>
            numberPhases === undefined ? { startPeriod, limit } : { startPeriod, limit, numberPhases },
          ),
        })),
        ...extra,
      },
    };
  }

  it('TxProfile with a string transactionId; the schedule matching the requested unit is used', () => {
    const tx = aProfile201(1, 'TxProfile', [
      { unit: 'W', periods: [[0, 7000]] },
      { unit: 'A', periods: [[0, 13]] },
    ], { transactionId: 'tx-abc' });
    const transaction = { connectorId: 1, transactionId: 'tx-abc', startedAt: at(-60) };
    expect(periodsOf(request({ profiles: [tx], transaction, chargingRateUnit: 'A' }))).toEqual([[0, 13]]);
    expect(periodsOf(request({ profiles: [tx], transaction, chargingRateUnit: 'W' }))).toEqual([[0, 7000]]);
    // no unit requested: the first schedule, in its unit
    const r = computeCompositeSchedule(request({ profiles: [tx], transaction })).chargingSchedule;
    expect([r.chargingRateUnit, r.chargingSchedulePeriod]).toEqual(['W', [{ startPeriod: 0, limit: 7000 }]]);
    // another transaction: not applicable
    expect(periodsOf(request({ profiles: [tx], transaction: { ...transaction, transactionId: 'tx-other' } }))).toEqual([[0, null]]);
  });

  it('ChargingStationMaxProfile and ExternalConstraints (station-wide and per EVSE) all cap TxDefault', () => {
    const txDefault = aProfile201(0, 'TxDefaultProfile', [{ unit: 'A', periods: [[0, 32]] }]);
    const stationMax = aProfile201(0, 'ChargingStationMaxProfile', [{ unit: 'A', periods: [[0, 40], [H, 24]] }]);
    const extStation = aProfile201(0, 'ChargingStationExternalConstraints', [{ unit: 'A', periods: [[0, 40], [1800, 28]] }]);
    const extEvse1 = aProfile201(1, 'ChargingStationExternalConstraints', [{ unit: 'A', periods: [[0, 40], [5400, 20]] }]);
    const profiles = [txDefault, stationMax, extStation, extEvse1];
    // evse 1: min(32, 40|24 @1h, 40|28 @30m, 40|20 @1h30) = 32, 28 @30m, 24 @1h, 20 @1h30
    expect(periodsOf(request({ profiles, connectorId: 1 }))).toEqual([
      [0, 32],
      [1800, 28],
      [H, 24],
      [5400, 20],
    ]);
    // evse 2 is not limited by evse 1's external constraint
    expect(periodsOf(request({ profiles, connectorId: 2 }))).toEqual([
      [0, 32],
      [1800, 28],
      [H, 24],
    ]);
  });

  it('mixes with 1.6-shaped profiles in one request (one domain model)', () => {
    const max201 = aProfile201(0, 'ChargingStationMaxProfile', [{ unit: 'A', periods: [[0, 10]] }]);
    const txDefault16 = aProfile({ periods: [[0, 16]] });
    expect(periodsOf(request({ profiles: [txDefault16, max201] }))).toEqual([[0, 10]]);
  });
});
