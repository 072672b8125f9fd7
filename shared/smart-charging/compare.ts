/**
 * Comparisons between what a charge point reports and what the CSMS's model says, pure:
 *  - `compareSchedules`: a reported composite schedule (1.6 §5.7 / 2.0.1 K08) against the CSMS's
 *    own composite for the same window, stretch by stretch;
 *  - `compareProfiles`: profiles a station reported (2.0.1 K09 ReportChargingProfiles) against the
 *    profiles the CSMS believes are installed.
 */
import type { InstalledProfile } from './types';

export interface SchedulePeriodLike {
  startPeriod: number;
  limit: number | null;
  numberPhases?: number;
}
export interface ScheduleLike {
  duration: number;
  chargingRateUnit: string;
  chargingSchedulePeriod: SchedulePeriodLike[];
}

/** One stretch [startPeriod, endPeriod) (seconds from the common start) where the two disagree. */
export interface ScheduleDifference {
  startPeriod: number;
  endPeriod: number;
  reported: number | null;
  csms: number | null;
}

export interface ScheduleComparison {
  /** Same limit everywhere in the window (a stretch the CSMS has unconstrained is null). */
  equal: boolean;
  /**
   * True when every difference is a stretch the CSMS's model leaves unconstrained (null) — what a
   * charge point that reports its own hardware limit there looks like.
   */
  equalWhereConstrained: boolean;
  differences: ScheduleDifference[];
}

const EPS = 1e-6;

function limitAt(periods: SchedulePeriodLike[], t: number): number | null {
  let limit: number | null = null;
  for (const p of periods) {
    if (p.startPeriod <= t) limit = p.limit;
    else break;
  }
  return limit;
}

const same = (a: number | null, b: number | null) => (a === null || b === null ? a === b : Math.abs(a - b) <= EPS);

/**
 * Compares two schedules that start at the same instant and are in the same unit, over the
 * reported window. Before its first period a schedule counts as null.
 */
export function compareSchedules(reported: ScheduleLike, csms: ScheduleLike): ScheduleComparison {
  const end = reported.duration;
  const r = [...reported.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
  const c = [...csms.chargingSchedulePeriod].sort((a, b) => a.startPeriod - b.startPeriod);
  const cuts = [...new Set([0, ...r.map((p) => p.startPeriod), ...c.map((p) => p.startPeriod)])]
    .filter((t) => t >= 0 && t < Math.max(end, EPS))
    .sort((a, b) => a - b);
  const differences: ScheduleDifference[] = [];
  cuts.forEach((from, i) => {
    const to = i + 1 < cuts.length ? cuts[i + 1] : Math.max(end, from);
    const a = limitAt(r, from);
    const b = limitAt(c, from);
    if (same(a, b)) return;
    const last = differences[differences.length - 1];
    if (last && last.endPeriod === from && same(last.reported, a) && same(last.csms, b)) last.endPeriod = to;
    else differences.push({ startPeriod: from, endPeriod: to, reported: a, csms: b });
  });
  if (reported.chargingRateUnit !== csms.chargingRateUnit) {
    // Should not happen (the CSMS computes in the reported unit); say so rather than compare apples and pears.
    return { equal: false, equalWhereConstrained: false, differences };
  }
  return { equal: differences.length === 0, equalWhereConstrained: differences.every((d) => d.csms === null), differences };
}

/** Canonical JSON of a profile: keys sorted, date-times as epoch ms, customData ignored. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      if (k === 'customData') continue;
      out[k] = canonical((v as Record<string, unknown>)[k]);
    }
    return out;
  }
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  return v;
}
export const sameProfile = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

export interface ProfilesComparison {
  equal: boolean;
  /** In the CSMS's model (and within the request's criteria) but not reported by the station. */
  missingOnStation: number[];
  /** Reported by the station (set by the CSO) but unknown to the CSMS's model. */
  unknownToCsms: number[];
  /** Same id on both sides, different content (location, purpose, schedule…). */
  different: number[];
}

const idOf = (p: InstalledProfile) => ('chargingProfile' in p ? p.chargingProfile.id : p.csChargingProfiles.chargingProfileId);

export function compareProfiles(reported: InstalledProfile[], model: InstalledProfile[]): ProfilesComparison {
  const byId = new Map(model.map((p) => [idOf(p), p]));
  const seen = new Set<number>();
  const unknownToCsms: number[] = [];
  const different: number[] = [];
  for (const r of reported) {
    const id = idOf(r);
    seen.add(id);
    const m = byId.get(id);
    if (!m) unknownToCsms.push(id);
    else if (!sameProfile(r, m)) different.push(id);
  }
  const missingOnStation = model.map(idOf).filter((id) => !seen.has(id));
  const sort = (a: number[]) => a.sort((x, y) => x - y);
  return {
    equal: !missingOnStation.length && !unknownToCsms.length && !different.length,
    missingOnStation: sort(missingOnStation),
    unknownToCsms: sort(unknownToCsms),
    different: sort(different),
  };
}
