/**
 * Part 5: composite schedule engine timings (shared/smart-charging/composite.ts), pure CPU.
 * k OCPP 1.6 profiles × P periods spread over 7 days, asked for a 7-day composite on connector 1.
 * Every profile is distinct and applies (its own id and stack level; purposes rotate between
 * ChargePointMaxProfile, TxDefaultProfile on connector 0 and on connector 1); higher stack levels
 * start later in the week, so each profile is in force somewhere and none can be skipped; period
 * starts are offset per profile so breakpoints rarely coincide.
 */
import { progress } from './io';
import { median } from './stats';

export interface CompositeRow {
  profiles: number;
  periods: number;
  /** Median over `runs` calls, after warm-up. */
  ms: number;
  p90Ms: number;
  runs: number;
  /** Microseconds per profile-period (flat when the work is linear). */
  usPerPeriod: number;
  resultPeriods: number;
}

export interface CompositeBenchResult {
  available: boolean;
  note?: string;
  rows: CompositeRow[];
  /** log(t2/t1)/log(n2/n1) between 10 and 100 profiles (1 = linear). */
  growthExponentProfiles?: number;
  /** Same between 24 and 96 periods at 100 profiles. */
  growthExponentPeriods?: number;
}

const DAY = 86_400;
const START = '2026-03-02T00:00:00.000Z';

export function profilesFor(k: number, periods: number) {
  const purposes = [
    { purpose: 'ChargePointMaxProfile', connectorId: 0 },
    { purpose: 'TxDefaultProfile', connectorId: 0 },
    { purpose: 'TxDefaultProfile', connectorId: 1 },
  ];
  return Array.from({ length: k }, (_, i) => {
    const { purpose, connectorId } = purposes[i % purposes.length];
    // Higher stack levels start later, so every profile is the one in force somewhere in the week.
    const offset = Math.floor((i * 7 * DAY) / (2 * k));
    const duration = 7 * DAY - offset;
    const step = Math.floor(duration / periods);
    return {
      connectorId,
      csChargingProfiles: {
        chargingProfileId: i + 1,
        stackLevel: i,
        chargingProfilePurpose: purpose,
        chargingProfileKind: 'Absolute',
        chargingSchedule: {
          startSchedule: new Date(Date.parse(START) + offset * 1000).toISOString(),
          duration,
          chargingRateUnit: 'A',
          chargingSchedulePeriod: Array.from({ length: periods }, (_, j) => ({
            startPeriod: j === 0 ? 0 : j * step + (i % 11) * 60,
            limit: 6 + ((i * 7 + j * 13) % 26),
          })),
        },
      },
    };
  });
}

export async function measureComposite(opts: { budgetMsPerCase: number; maxRuns: number }): Promise<CompositeBenchResult> {
  let compute: ((req: unknown) => { chargingSchedule: { chargingSchedulePeriod: unknown[] } }) | undefined;
  try {
    const mod = await import('../../shared/smart-charging/composite');
    compute = (mod as { computeCompositeSchedule?: typeof compute }).computeCompositeSchedule;
  } catch (e) {
    return { available: false, note: `shared/smart-charging/composite.ts could not be loaded: ${String((e as Error).message).split('\n')[0]}`, rows: [] };
  }
  if (typeof compute !== 'function') return { available: false, note: 'shared/smart-charging/composite.ts does not export computeCompositeSchedule', rows: [] };

  const cases: Array<[number, number]> = [[1, 48], [10, 48], [100, 48], [100, 24], [100, 96]];
  const rows: CompositeRow[] = [];
  for (const [k, periods] of cases) {
    progress(`composite: ${k} profiles × ${periods} periods`);
    const req = { profiles: profilesFor(k, periods), connectorId: 1, start: START, duration: 7 * DAY, chargingRateUnit: 'A' };
    let resultPeriods = 0;
    for (let i = 0; i < 5; i++) resultPeriods = compute(req).chargingSchedule.chargingSchedulePeriod.length;
    const times: number[] = [];
    const until = Date.now() + opts.budgetMsPerCase;
    while (times.length < opts.maxRuns && (times.length < 5 || Date.now() < until)) {
      const t0 = process.hrtime.bigint();
      compute(req);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const sorted = [...times].sort((a, b) => a - b);
    const ms = median(times);
    rows.push({ profiles: k, periods, ms, p90Ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)], runs: times.length, usPerPeriod: (ms * 1000) / (k * periods), resultPeriods });
  }
  const at = (k: number, p: number) => rows.find((r) => r.profiles === k && r.periods === p)?.ms;
  const exp = (a?: number, b?: number, ratio = 10) => (a && b ? Math.log(b / a) / Math.log(ratio) : undefined);
  return { available: true, rows, growthExponentProfiles: exp(at(10, 48), at(100, 48)), growthExponentPeriods: exp(at(100, 24), at(100, 96), 4) };
}
