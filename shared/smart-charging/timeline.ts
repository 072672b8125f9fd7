/**
 * Time-line primitives of the composite engine, all on epoch milliseconds and half-open
 * intervals [from, to):
 *  - `profilePieces`: where, inside a window, one profile applies and with which limit;
 *  - `paint`: lets a profile fill only the still-uncovered gaps (stack-level precedence).
 * No sampling: work is proportional to the number of periods (× recurrences) in the window.
 */
import { ChargingRateUnit, NormalizedProfile } from './types';
import { convertLimit, convertTowardZero } from './units';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

export interface Interval {
  from: number;
  to: number;
}

/** A stretch where one profile applies, its limit already in the result unit. */
export interface Piece extends Interval {
  limit: number;
  numberPhases?: number;
  /** 2.1 (V2X), in the result unit: ≤ 0. */
  dischargeLimit?: number;
  setpoint?: number;
  /** minChargingRate of the profile in the result unit, if it has one. */
  minChargingRate?: number;
  profile: NormalizedProfile;
}

export interface PieceContext {
  unit: ChargingRateUnit;
  voltage: number;
  phases: number;
  /** Anchor (epoch ms) of Relative profiles: the transaction start, else the requested start. */
  relativeAnchor: number;
}

/**
 * Where a schedule is anchored (its second 0):
 *  - Relative: `ctx.relativeAnchor` (startSchedule, if any, is ignored);
 *  - Absolute / Recurring: startSchedule; when absent (malformed), validFrom, else as Relative.
 */
export function scheduleAnchor(p: NormalizedProfile, ctx: PieceContext): number {
  if (p.kind === 'Relative') return ctx.relativeAnchor;
  return p.schedule.startSchedule ?? p.validFrom ?? ctx.relativeAnchor;
}

/** Recurrence length in ms, or undefined when the profile does not recur. */
export function recurrenceMs(p: NormalizedProfile): number | undefined {
  if (p.kind !== 'Recurring') return undefined;
  if (p.recurrencyKind === 'Daily') return DAY_MS;
  if (p.recurrencyKind === 'Weekly') return WEEK_MS;
  return undefined; // Recurring without recurrencyKind: behaves as a single (Absolute) occurrence
}

/**
 * Appends to `out`, sorted and disjoint, the pieces of [lo, hi) where `p` applies: inside its
 * validity [validFrom, validTo) and inside a period of its schedule. A schedule applies from its
 * anchor for `duration` seconds (forever if absent); a recurring one restarts every day/week from
 * its anchor (not before it) and each occurrence is cut at the recurrence length.
 */
export function profilePieces(p: NormalizedProfile, lo: number, hi: number, ctx: PieceContext, out: Piece[]): void {
  const from = p.validFrom === undefined ? lo : Math.max(lo, p.validFrom);
  const to = p.validTo === undefined ? hi : Math.min(hi, p.validTo);
  if (from >= to) return;
  const periods = p.schedule.periods;
  if (periods.length === 0) return;

  const anchor = scheduleAnchor(p, ctx);
  const rec = recurrenceMs(p);
  let length = p.schedule.duration === undefined ? Infinity : p.schedule.duration * 1000;
  if (rec !== undefined) length = Math.min(length, rec);
  if (!(length > 0)) return;

  // Pre-convert the limits once per profile (not once per occurrence).
  const n = periods.length;
  const limits = new Array<number>(n);
  const discharge = new Array<number | undefined>(n);
  const setpoints = new Array<number | undefined>(n);
  for (let i = 0; i < n; i++) {
    const q = periods[i];
    const phases = q.numberPhases ?? ctx.phases;
    limits[i] = convertLimit(q.limit, p.schedule.unit, ctx.unit, ctx.voltage, phases);
    // Discharge limits and setpoints are rounded toward zero: a converted discharge limit never allows more.
    discharge[i] = q.dischargeLimit === undefined ? undefined : convertTowardZero(q.dischargeLimit, p.schedule.unit, ctx.unit, ctx.voltage, phases);
    setpoints[i] = q.setpoint === undefined ? undefined : convertTowardZero(q.setpoint, p.schedule.unit, ctx.unit, ctx.voltage, phases);
  }
  const minRate =
    p.schedule.minChargingRate === undefined
      ? undefined
      : convertLimit(p.schedule.minChargingRate, p.schedule.unit, ctx.unit, ctx.voltage, ctx.phases);

  let base = anchor;
  if (rec !== undefined && from > anchor) base = anchor + Math.floor((from - anchor) / rec) * rec;
  for (;;) {
    if (base >= to) return;
    const end = base + length; // end of this occurrence
    if (end > from) {
      for (let i = 0; i < n; i++) {
        const ps = base + periods[i].startPeriod * 1000;
        if (ps >= end || ps >= to) break;
        const pe = Math.min(i + 1 < n ? base + periods[i + 1].startPeriod * 1000 : Infinity, end);
        const a = Math.max(ps, from);
        const b = Math.min(pe, to);
        if (a < b) {
          const piece: Piece = { from: a, to: b, limit: limits[i], profile: p };
          if (periods[i].numberPhases !== undefined) piece.numberPhases = periods[i].numberPhases;
          if (discharge[i] !== undefined) piece.dischargeLimit = discharge[i];
          if (setpoints[i] !== undefined) piece.setpoint = setpoints[i];
          if (minRate !== undefined) piece.minChargingRate = minRate;
          out.push(piece);
        }
      }
    }
    if (rec === undefined) return;
    base += rec;
  }
}

/**
 * Paints `pieces` (sorted, disjoint) into the uncovered `gaps` (sorted, disjoint): the parts of
 * pieces inside gaps are appended to `out`; returns the gaps that remain uncovered.
 */
export function paint<T extends Interval>(gaps: readonly Interval[], pieces: readonly T[], out?: T[]): Interval[] {
  const left: Interval[] = [];
  const n = pieces.length;
  let j = 0;
  for (const g of gaps) {
    let cur = g.from;
    while (j < n && pieces[j].to <= cur) j++;
    while (j < n && pieces[j].from < g.to) {
      const piece = pieces[j];
      const a = Math.max(piece.from, cur);
      const b = Math.min(piece.to, g.to);
      if (a > cur) left.push({ from: cur, to: a });
      if (b > a && out) out.push(a === piece.from && b === piece.to ? piece : { ...piece, from: a, to: b });
      if (b > cur) cur = b;
      if (piece.to <= g.to) j++;
      else break; // the piece runs into the next gap
    }
    if (cur < g.to) left.push({ from: cur, to: g.to });
  }
  return left;
}

/** Sorted union of intervals. */
export function union(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.from < i.to).sort((x, y) => x.from - y.from);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.from <= last.to) {
      if (i.to > last.to) last.to = i.to;
    } else out.push({ from: i.from, to: i.to });
  }
  return out;
}
