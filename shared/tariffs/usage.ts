import type { SessionPeriod, SessionUsage } from './engine';

/**
 * What a session used, from what the station reported (docs/tariffs.md "Energy from the register"):
 * the energy register readings (meterStart, the sampled Energy.Active.Import.Register values,
 * meterStop) turned into contiguous periods for the tariff engine. Pure: the clock is `now`.
 *
 * Robustness rules (no single reading is trusted):
 * - readings are put in time order (offline-queued messages arrive late) and identical ones dropped
 *   (a retried message); times outside the session are clamped to it;
 * - energy is never negative: a reading below the highest so far opens a new stretch (a register
 *   reset, counted from its first reading on); if a later reading comes back to or above the old
 *   highest, the low one was a glitch (an out-of-order or wrong value) and is ignored;
 * - a meterStart of 0 from a transaction started offline, or any meterStart when a reading with
 *   context Transaction.Begin exists, is replaced by that Begin reading (else the first sampled one
 *   for the offline case): a station that started without its meter must not bill the whole register;
 * - a missing meterStart / meterStop: the first / last reading stands in; no readings: no energy.
 */
export interface RegisterPoint { t: number; wh: number; context?: string }

export interface UsageInput {
  startedAt: string;
  /** Absent while the session runs: the running usage goes up to `now`. */
  stoppedAt?: string;
  meterStart?: number;
  meterStop?: number;
  /** Started offline (2.0.1 `offline`, or a 1.6 start known to be queued). */
  offline?: boolean;
  readings: RegisterPoint[];
  /** Charging-state changes (true = charging, false = parked); absent = charging throughout. */
  states?: Array<{ t: number; charging: boolean }>;
  reservation?: SessionUsage['reservation'];
  now: number;
}

export interface Usage extends SessionUsage {
  start: number;
  end: number;
  energyWh: number;
  /** Readings the rules set aside (glitches), for the record. */
  ignoredReadings: number;
  resets: number;
}

export function sessionUsage(u: UsageInput): Usage {
  const start = Date.parse(u.startedAt);
  const stopped = u.stoppedAt !== undefined ? Date.parse(u.stoppedAt) : NaN;
  const end = Math.max(start, Number.isFinite(stopped) ? stopped : u.now);
  const clamp = (t: number) => Math.min(end, Math.max(start, t));

  const sampled = u.readings
    .filter((r) => Number.isFinite(r.t) && Number.isFinite(r.wh) && r.wh >= 0)
    .map((r, i) => ({ ...r, t: clamp(r.t), i }))
    .sort((a, b) => a.t - b.t || a.i - b.i);

  let meterStart = u.meterStart;
  const begin = sampled.find((r) => r.context === 'Transaction.Begin');
  if (begin && (meterStart === undefined || meterStart !== begin.wh)) meterStart = begin.wh;
  else if (meterStart === 0 && u.offline && sampled.length && sampled[0].wh > 0) meterStart = sampled[0].wh;

  const points: RegisterPoint[] = [];
  if (meterStart !== undefined && Number.isFinite(meterStart) && meterStart >= 0) points.push({ t: start, wh: meterStart });
  for (const r of sampled) points.push({ t: r.t, wh: r.wh });
  if (u.meterStop !== undefined && Number.isFinite(u.meterStop) && u.meterStop >= 0 && Number.isFinite(stopped)) points.push({ t: end, wh: u.meterStop });
  // Identical consecutive readings (retries, the same value as Begin and meterStart) add nothing.
  const deduped = points.filter((p, i) => i === 0 || p.t !== points[i - 1].t || p.wh !== points[i - 1].wh);

  // Energy per point: what it adds over the stretch so far (see the rules above).
  const added: number[] = deduped.map(() => 0);
  let top = deduped[0]?.wh ?? 0;
  let ignored = 0, resets = 0;
  let pendingReset: { index: number; oldTop: number } | undefined;
  for (let i = 1; i < deduped.length; i++) {
    const wh = deduped[i].wh;
    if (pendingReset && wh >= pendingReset.oldTop) {
      // The drop was a glitch: undo the stretch it opened and count from the old highest.
      for (let j = pendingReset.index; j < i; j++) added[j] = 0;
      ignored += 1; resets -= 1;
      top = pendingReset.oldTop;
      pendingReset = undefined;
    }
    if (wh >= top) { added[i] = wh - top; top = wh; continue; }
    // Below the highest so far: a reset (or a glitch, decided by the readings that follow).
    pendingReset = { index: i, oldTop: pendingReset?.oldTop ?? top };
    resets += 1;
    added[i] = 0; // energy between the reset and its first reading is not proven
    top = wh;
  }

  const periods: SessionPeriod[] = [];
  const cuts = [...new Set([start, ...deduped.map((p) => p.t), ...(u.states ?? []).map((s) => clamp(s.t)), end])].sort((a, b) => a - b);
  const states = [...(u.states ?? [])].sort((a, b) => a.t - b.t);
  let si = 0, charging = true;
  /** Called with increasing t. */
  const chargingAt = (t: number) => { while (si < states.length && states[si].t <= t) charging = states[si++].charging; return charging; };
  // Energy of a point belongs to the stretch before it (from the previous point's time).
  const energyAt = new Map<number, number>();
  for (let i = 1; i < deduped.length; i++) energyAt.set(deduped[i].t, (energyAt.get(deduped[i].t) ?? 0) + added[i]);
  let carry = 0; // energy of readings at the same time as the previous cut (a zero-length stretch)
  let ni = 0; // index of the first reading at or after b
  let pi = -1; // index of the last reading at or before a
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k], b = cuts[k + 1];
    if (k === 0) carry += energyAt.get(a) ?? 0;
    while (pi + 1 < deduped.length && deduped[pi + 1].t <= a) pi++;
    while (ni < deduped.length && deduped[ni].t < b) ni++;
    // Energy up to b spread over the time since the previous reading; a state cut in between takes its share.
    const next = deduped[ni];
    const prev = pi >= 0 ? deduped[pi] : undefined;
    let energy = carry;
    carry = 0;
    if (next && next.t === b) {
      const from = prev ? prev.t : start;
      const whole = energyAt.get(b) ?? 0;
      // only the part of the stretch [from, b] inside [a, b]
      energy += from < a ? whole * ((b - a) / (b - from)) : whole;
    } else if (next && prev && next.t > b) {
      const whole = energyAt.get(next.t) ?? 0;
      energy += whole * ((b - a) / (next.t - prev.t));
    }
    periods.push({ start: a, end: b, energyWh: Math.max(0, energy), charging: chargingAt(a) });
  }
  if (!periods.length) periods.push({ start, end, energyWh: Math.max(0, carry), charging: states.length && states[0].t <= start ? chargingAt(start) : true });
  const energyWh = periods.reduce((s, p) => s + p.energyWh, 0);
  return { start, end, periods, reservation: u.reservation, energyWh: Math.round(energyWh * 1000) / 1000, ignoredReadings: ignored, resets };
}
