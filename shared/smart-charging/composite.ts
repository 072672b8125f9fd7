/**
 * Composite charging schedule (OCPP 1.6 §3.13, 2.0.1 K08), pure: no I/O, no clock.
 * The rules are explained in docs/smart-charging.md; in short:
 *
 *  composite(t) = min( StationMax(t), ExternalConstraints@0(t), ExternalConstraints@evse(t),
 *                      Tx(t) if a TxProfile applies at t, else TxDefault(t) )
 *
 * where each term is the limit of the highest-stackLevel profile of that group applying at t,
 * and a term with no applying profile does not constrain (null when every term is absent).
 *
 * OCPP 2.1 V2X (docs/smart-charging.md "Discharging"): a period's `dischargeLimit` (≤ 0; a legacy
 * negative `limit` counts as one, with charging limit 0) combines as the maximum over the terms
 * (the least discharging any allows; absent where no term allows discharging); a period without a
 * `limit` does not constrain charging; the `setpoint` is the most specific term's (Tx/TxDefault,
 * then EVSE, then station external constraints, then station max), clamped into [dischargeLimit, limit].
 *
 * Algorithm: for each group, profiles are taken from the highest stack level down and each one
 * paints only the stretches still uncovered (so a lower level shows through wherever a higher one
 * does not apply); then the groups' time-lines are merged on their breakpoints. Work is linear in
 * the number of periods (× recurrences) inside the window, plus one sort of the breakpoints.
 */
import { installAll } from './install';
import { normalizeProfile, parseTime } from './normalize';
import { Interval, paint, Piece, PieceContext, profilePieces, union } from './timeline';
import {
  ChargingRateUnit,
  CompositePeriod,
  CompositeRequest,
  CompositeResult,
  CompositeScheduleError,
  NormalizedProfile,
} from './types';
import { DEFAULT_PHASES, DEFAULT_VOLTAGE } from './units';

export { installProfile, installAll } from './install';
export { CompositeScheduleError } from './types';
export type {
  CompositePeriod,
  CompositeRequest,
  CompositeResult,
  CompositeSchedule,
  InstalledProfile,
  InstalledProfile16,
  InstalledProfile201,
} from './types';

/** The profiles that can constrain the requested connector, by role. */
interface Groups {
  stationMax: NormalizedProfile[];
  externalStation: NormalizedProfile[];
  externalEvse: NormalizedProfile[];
  tx: NormalizedProfile[];
  txDefaultSpecific: NormalizedProfile[];
  txDefaultStation: NormalizedProfile[];
}

export function computeCompositeSchedule(req: CompositeRequest): CompositeResult {
  const start = parseTime(req.start, 'start');
  if (typeof req.duration !== 'number' || !Number.isFinite(req.duration) || req.duration < 0) {
    throw new CompositeScheduleError(`duration must be a non-negative number of seconds: ${String(req.duration)}`);
  }
  const end = start + req.duration * 1000;
  // A zero-length request still reports the limit in force at `start`.
  const evalEnd = end > start ? end : start + 1;
  const connectorId = req.connectorId;

  // The transaction counts only when it is on the requested connector (never for connector 0).
  const tx = req.transaction && connectorId > 0 && req.transaction.connectorId === connectorId ? req.transaction : undefined;
  const relativeAnchor = tx ? parseTime(tx.startedAt, 'transaction.startedAt') : start;

  const groups = classify(req, connectorId, tx?.transactionId);
  const unit = req.chargingRateUnit ?? defaultUnit(groups, start, evalEnd);
  const ctx: PieceContext = {
    unit,
    voltage: req.voltage ?? DEFAULT_VOLTAGE,
    phases: req.phases ?? DEFAULT_PHASES,
    relativeAnchor,
  };
  const window: Interval[] = [{ from: start, to: evalEnd }];

  const layers: Piece[][] = [
    paintLayer([groups.stationMax], window, ctx),
    paintLayer([groups.externalStation], window, ctx),
    paintLayer([groups.externalEvse], window, ctx),
    // TxProfile where one applies, else the connector's TxDefault, else (only where no
    // connector-specific TxDefault is valid) the connector-0 TxDefault.
    paintLayer(
      [groups.tx, groups.txDefaultSpecific, validityOf(groups.txDefaultSpecific), groups.txDefaultStation],
      window,
      ctx,
    ),
  ].filter((l) => l.length > 0);

  const { periods, minChargingRate } = mergeLayers(layers, start, evalEnd);
  const chargingSchedule: CompositeResult['chargingSchedule'] = {
    startSchedule: req.start,
    duration: req.duration,
    chargingRateUnit: unit,
    chargingSchedulePeriod: periods,
  };
  if (minChargingRate !== undefined) chargingSchedule.minChargingRate = minChargingRate;
  return { chargingSchedule };
}

function classify(req: CompositeRequest, connectorId: number, transactionId: number | string | undefined): Groups {
  const groups: Groups = {
    stationMax: [],
    externalStation: [],
    externalEvse: [],
    tx: [],
    txDefaultSpecific: [],
    txDefaultStation: [],
  };
  const installed = installAll(req.profiles ?? []);
  for (let i = 0; i < installed.length; i++) {
    const p = normalizeProfile(installed[i], i, req.chargingRateUnit);
    if (!p) continue;
    const here = connectorId > 0 && p.location === connectorId;
    switch (p.purpose) {
      case 'StationMax':
        if (p.location === 0) groups.stationMax.push(p); // a max profile on a connector is invalid: ignored
        break;
      case 'ExternalConstraints':
        if (p.location === 0) groups.externalStation.push(p);
        else if (here) groups.externalEvse.push(p);
        break;
      case 'TxDefault':
        if (p.location === 0) groups.txDefaultStation.push(p);
        else if (here) groups.txDefaultSpecific.push(p);
        break;
      case 'Tx':
        if (here && transactionId !== undefined && (p.transactionId === undefined || p.transactionId === String(transactionId))) {
          groups.tx.push(p);
        }
        break;
    }
  }
  return groups;
}

/** Unit of the first profile (install order) that can constrain this request in the window; else A. */
function defaultUnit(groups: Groups, from: number, to: number): ChargingRateUnit {
  let first: NormalizedProfile | undefined;
  for (const list of Object.values(groups) as NormalizedProfile[][]) {
    for (const p of list) {
      const valid = (p.validFrom === undefined || p.validFrom < to) && (p.validTo === undefined || p.validTo > from);
      if (valid && (!first || p.installOrder < first.installOrder)) first = p;
    }
  }
  return first?.schedule.unit ?? 'A';
}

/** The stretches where at least one of `profiles` is valid (validFrom/validTo only). */
function validityOf(profiles: NormalizedProfile[]): Interval[] {
  return union(profiles.map((p) => ({ from: p.validFrom ?? -Infinity, to: p.validTo ?? Infinity })));
}

function byPrecedence(a: NormalizedProfile, b: NormalizedProfile): number {
  return b.stackLevel - a.stackLevel || b.installOrder - a.installOrder;
}

/**
 * Builds one group's time-line. `steps` are applied in order, each only on what earlier steps left
 * uncovered: a profile list is painted highest stack level first (ties: the newer profile); an
 * interval list blocks its stretches (nothing from later steps may show through there).
 */
function paintLayer(steps: (NormalizedProfile[] | Interval[])[], window: Interval[], ctx: PieceContext): Piece[] {
  const out: Piece[] = [];
  let gaps = window;
  for (const step of steps) {
    if (gaps.length === 0) break;
    if (step.length === 0) continue;
    if (!('stackLevel' in step[0])) {
      gaps = paint(gaps, step as Interval[]);
      continue;
    }
    const profiles = (step as NormalizedProfile[]).slice().sort(byPrecedence);
    for (const p of profiles) {
      if (gaps.length === 0) break;
      const pieces: Piece[] = [];
      profilePieces(p, gaps[0].from, gaps[gaps.length - 1].to, ctx, pieces);
      if (pieces.length > 0) gaps = paint(gaps, pieces, out);
    }
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i].from < out[i - 1].from) return out.sort((a, b) => a.from - b.from);
  }
  return out;
}

/**
 * Minimum over the layers on every stretch between breakpoints; adjacent equal periods merged.
 * Each layer is sorted and disjoint, so the breakpoints come from a k-way walk, without sorting.
 */
function mergeLayers(
  layers: Piece[][],
  start: number,
  end: number,
): { periods: CompositePeriod[]; minChargingRate?: number } {
  const idx = new Array<number>(layers.length).fill(0);
  const periods: CompositePeriod[] = [];
  let minChargingRate: number | undefined;
  let last: CompositePeriod | undefined;
  let t = start;
  while (t < end) {
    let limit = Infinity;
    let phases: number | undefined;
    let discharge: number | undefined;
    let setpoint: number | undefined;
    let next = end;
    for (let L = 0; L < layers.length; L++) {
      const layer = layers[L];
      let i = idx[L];
      while (i < layer.length && layer[i].to <= t) i++;
      idx[L] = i;
      const piece = layer[i];
      if (!piece) continue;
      if (piece.from > t) {
        if (piece.from < next) next = piece.from;
        continue;
      }
      if (piece.to < next) next = piece.to;
      if (piece.limit < limit) {
        limit = piece.limit;
        phases = piece.numberPhases;
      } else if (piece.limit === limit && piece.numberPhases !== undefined) {
        // Tie between groups: the most restrictive stated phase count.
        phases = phases === undefined ? piece.numberPhases : Math.min(phases, piece.numberPhases);
      }
      // V2X (2.1): the least discharging allowed by any group; the setpoint of the most specific group (layers are in that order).
      if (piece.dischargeLimit !== undefined) discharge = discharge === undefined ? piece.dischargeLimit : Math.max(discharge, piece.dischargeLimit);
      if (piece.setpoint !== undefined) setpoint = piece.setpoint;
      if (piece.minChargingRate !== undefined) {
        minChargingRate = minChargingRate === undefined ? piece.minChargingRate : Math.max(minChargingRate, piece.minChargingRate);
      }
    }
    const value = limit === Infinity ? null : limit;
    const numberPhases = value === null ? undefined : phases;
    if (setpoint !== undefined) {
      if (value !== null && setpoint > value) setpoint = value;
      if (discharge !== undefined && setpoint < discharge) setpoint = discharge;
    }
    if (!last || last.limit !== value || last.numberPhases !== numberPhases || last.dischargeLimit !== discharge || last.setpoint !== setpoint) {
      last = { startPeriod: (t - start) / 1000, limit: value };
      if (numberPhases !== undefined) last.numberPhases = numberPhases;
      if (discharge !== undefined) last.dischargeLimit = discharge;
      if (setpoint !== undefined) last.setpoint = setpoint;
      periods.push(last);
    }
    t = next;
  }
  return { periods, minChargingRate };
}
