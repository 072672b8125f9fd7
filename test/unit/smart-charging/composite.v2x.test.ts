/**
 * OCPP 2.1 V2X in the composite engine: discharge limits (dischargeLimit ≤ 0, legacy negative
 * limits), periods without a charging limit, setpoints. The rule (docs/smart-charging.md
 * "Discharging"): charging limit = min over the groups that set one; dischargeLimit = max over the
 * groups that set one (the least discharging allowed); setpoint = the most specific group's
 * (Tx/TxDefault > EVSE external > station external > station max), clamped into [dischargeLimit, limit].
 * Expectations are computed by hand (examples) or by a per-instant reference (properties).
 */
import fc from 'fast-check';
import { computeCompositeSchedule } from '../../../shared/smart-charging/composite';
import type { ChargingProfilePurpose201, ChargingRateUnit, CompositePeriod, InstalledProfile201 } from '../../../shared/smart-charging/types';

const START = '2024-05-01T00:00:00.000Z';
type V2xPeriod = { startPeriod: number; limit?: number; dischargeLimit?: number; setpoint?: number; numberPhases?: number };

let nextId = 1;
function profile(purpose: ChargingProfilePurpose201, periods: V2xPeriod[], opts: { evseId?: number; stackLevel?: number; unit?: ChargingRateUnit } = {}): InstalledProfile201 {
  return {
    evseId: opts.evseId ?? (purpose === 'TxDefaultProfile' || purpose === 'ChargingStationExternalConstraints' ? 1 : 0),
    chargingProfile: {
      id: nextId++, stackLevel: opts.stackLevel ?? 0, chargingProfilePurpose: purpose, chargingProfileKind: 'Absolute',
      chargingSchedule: [{ id: 1, startSchedule: START, chargingRateUnit: opts.unit ?? 'W', chargingSchedulePeriod: periods as InstalledProfile201['chargingProfile']['chargingSchedule'][0]['chargingSchedulePeriod'] }],
    },
  };
}
const composite = (profiles: InstalledProfile201[], unit: ChargingRateUnit = 'W', duration = 3600): CompositePeriod[] =>
  computeCompositeSchedule({ profiles, connectorId: 1, start: START, duration, chargingRateUnit: unit }).chargingSchedule.chargingSchedulePeriod;

describe('composite schedule with V2X (2.1) periods', () => {
  it('takes the least discharging of the groups and clamps the setpoint into it', () => {
    // TxDefault allows -7000 W with setpoint -5000 W; station max allows only -4000 W → setpoint -4000.
    const periods = composite([
      profile('TxDefaultProfile', [{ startPeriod: 0, limit: 11000, dischargeLimit: -7000, setpoint: -5000 }]),
      profile('ChargingStationMaxProfile', [{ startPeriod: 0, limit: 22000, dischargeLimit: -4000 }]),
    ]);
    expect(periods).toEqual([{ startPeriod: 0, limit: 11000, dischargeLimit: -4000, setpoint: -4000 }]);
  });

  it('reads a negative limit as a legacy discharge limit with no charging', () => {
    expect(composite([profile('TxDefaultProfile', [{ startPeriod: 0, limit: -10 }], { unit: 'A' })], 'A')).toEqual([{ startPeriod: 0, limit: 0, dischargeLimit: -10 }]);
    // with a dischargeLimit as well, the more restrictive of the two (-6 is less discharging than -10)
    expect(composite([profile('TxDefaultProfile', [{ startPeriod: 0, limit: -10, dischargeLimit: -6 }], { unit: 'A' })], 'A')).toEqual([{ startPeriod: 0, limit: 0, dischargeLimit: -6 }]);
  });

  it('a period without limit does not constrain charging; a setpoint alone is reported as is', () => {
    expect(composite([profile('TxDefaultProfile', [{ startPeriod: 0, setpoint: 3000 }])])).toEqual([{ startPeriod: 0, limit: null, setpoint: 3000 }]);
    // the station max limit still caps the setpoint
    expect(composite([profile('TxDefaultProfile', [{ startPeriod: 0, setpoint: 3000 }]), profile('ChargingStationMaxProfile', [{ startPeriod: 0, limit: 2000 }])])).toEqual([{ startPeriod: 0, limit: 2000, setpoint: 2000 }]);
  });

  it('the most specific group sets the setpoint; discharging is absent where no group allows it', () => {
    const periods = composite([
      profile('ChargingStationExternalConstraints', [{ startPeriod: 0, limit: 9000, setpoint: 8000 }]),
      profile('TxDefaultProfile', [{ startPeriod: 0, limit: 7000, setpoint: 1000 }, { startPeriod: 1800, limit: 7000, dischargeLimit: -3000, setpoint: -2000 }]),
    ]);
    expect(periods).toEqual([{ startPeriod: 0, limit: 7000, setpoint: 1000 }, { startPeriod: 1800, limit: 7000, dischargeLimit: -3000, setpoint: -2000 }]);
  });

  it('converts discharge limits rounding toward zero (never allowing more discharge)', () => {
    // -7000 W / (230 V × 3) = -10.144… A → -10.1 A (not -10.2); 7000 W → 10.1 A.
    expect(composite([profile('TxDefaultProfile', [{ startPeriod: 0, limit: 7000, dischargeLimit: -7000, setpoint: -7000 }])], 'A')).toEqual([{ startPeriod: 0, limit: 10.1, dischargeLimit: -10.1, setpoint: -10.1 }]);
  });

  it('a higher stack level without discharge hides a lower one that allowed it', () => {
    const periods = composite([
      profile('TxDefaultProfile', [{ startPeriod: 0, limit: 7000, dischargeLimit: -7000 }], { stackLevel: 0 }),
      profile('TxDefaultProfile', [{ startPeriod: 0, limit: 5000 }], { stackLevel: 1 }),
    ]);
    expect(periods).toEqual([{ startPeriod: 0, limit: 5000 }]);
  });
});

// Property: one profile per group, each Absolute from START with one or two periods, in W.
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const v2xPeriod = fc.record({
  limit: maybe(fc.integer({ min: -20000, max: 22000 })),
  dischargeLimit: maybe(fc.integer({ min: -20000, max: 0 })),
  setpoint: maybe(fc.integer({ min: -20000, max: 22000 })),
});
const GROUPS: ChargingProfilePurpose201[] = ['ChargingStationMaxProfile', 'ChargingStationExternalConstraints', 'TxDefaultProfile'];
const model = fc.tuple(...GROUPS.map(() => maybe(fc.tuple(v2xPeriod, v2xPeriod, fc.integer({ min: 1, max: 59 })))));

describe('composite V2X properties', () => {
  it('at every instant equals the per-instant reference of the rule', () => {
    fc.assert(
      fc.property(model, (groups) => {
        const profiles: InstalledProfile201[] = [];
        groups.forEach((g, i) => {
          if (!g) return;
          const clean = (p: Record<string, number | undefined>) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
          profiles.push(profile(GROUPS[i], [{ startPeriod: 0, ...clean(g[0]) }, { startPeriod: g[2] * 60, ...clean(g[1]) }]));
        });
        const periods = composite(profiles);
        for (let minute = 0; minute < 60; minute++) {
          const t = minute * 60 + 30;
          const actual = [...periods].reverse().find((p) => p.startPeriod <= t)!;
          // reference: the period of each group at t, in group order (least to most specific)
          const terms = groups.flatMap((g) => (g ? [t >= g[2] * 60 ? g[1] : g[0]] : []));
          const charge = terms.flatMap((p) => (p.limit === undefined ? [] : [Math.max(0, p.limit)]));
          const discharge = terms.flatMap((p) => [...(p.dischargeLimit === undefined ? [] : [p.dischargeLimit]), ...(p.limit !== undefined && p.limit < 0 ? [p.limit] : [])]);
          // the period of a group that has one: it covers the stretch even with no field set
          const limit = charge.length ? Math.min(...charge) : null;
          const dischargeLimit = discharge.length ? Math.max(...discharge) : undefined;
          let setpoint = terms.map((p) => p.setpoint).filter((s) => s !== undefined).pop();
          if (setpoint !== undefined && limit !== null) setpoint = Math.min(setpoint, limit);
          if (setpoint !== undefined && dischargeLimit !== undefined) setpoint = Math.max(setpoint, dischargeLimit);
          expect({ t, limit: actual.limit, dischargeLimit: actual.dischargeLimit, setpoint: actual.setpoint }).toEqual({ t, limit, dischargeLimit, setpoint });
          if (actual.dischargeLimit !== undefined) expect(actual.dischargeLimit).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
