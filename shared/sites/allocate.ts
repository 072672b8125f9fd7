/**
 * Site load management, the pure part (docs/sites.md): how a site's limit is shared among the
 * connectors/EVSEs of its charge points, and in which order the changes are sent so the sum holds
 * while they are under way. No I/O, no clock.
 *
 * Accounting (the guarantee): every connector counts at the limit the CSMS has installed for it
 * (its composite from the CSMS model; unconstrained = its maximum), an offline charge point at the
 * last limit it accepted, a charge point that rejected a profile at its maximum. The sum of those
 * never exceeds the site limit once an allocation is in force.
 *
 * Units: per-phase amperes. The current constraint counts a connector's amperes fully whatever its
 * phases (a 1-phase station loads one phase of the site, and we do not know which); the power
 * constraint counts A × voltage × the station's phases (1.6 §7.12, as the composite engine
 * converts). All limits are multiples of 0.1 A (the granularity of OCPP limits, §7.14), rounded down.
 */

export type Strategy = 'equal' | 'fifo' | 'priority';

export interface SiteLimits {
  /** Per-phase amperes at the grid connection. */
  maxCurrentA?: number;
  /** Watts at the grid connection. */
  maxPowerW?: number;
  /** Phases of the grid connection (used for reserveA in W), default 3. */
  phases?: 1 | 3;
  /** Line voltage, default 230. */
  voltage?: number;
  strategy?: Strategy;
  /** The least a connector with a transaction is given (IEC 61851-1: 6 A), default 6. */
  minCurrentA?: number;
  /** Held back from the site limit (per phase), default 0. */
  reserveA?: number;
}

export interface ConnectorInput {
  /** 1.6 connectorId / 2.0.1 evseId (> 0). */
  location: number;
  /** The most this connector can draw (its hardware limit), per phase. */
  maxCurrentA: number;
  /** The limit the CSMS model has installed now (its composite); undefined = unconstrained. */
  installedA?: number;
  transaction?: { transactionId: string; startedAt: string };
  /** Measured current (meter values), when known: an EV drawing less than its share frees the rest. */
  drawnA?: number;
  /**
   * The limit is not known to be installed on the station's current connection (it reconnected
   * since, or the last answer was lost): send the target even when the model already shows it.
   */
  resend?: boolean;
}

export interface StationInput {
  chargePointId: string;
  /** Phases the station draws on, default the site's. */
  phases?: 1 | 3;
  online: boolean;
  /** The station rejected a limit: it counts at its maximum and is not given new ones until it accepts again. */
  rejected?: boolean;
  /** strategy "priority": higher first, default 0. */
  priority?: number;
  connectors: ConnectorInput[];
}

export type LimitReason = 'share' | 'minimum' | 'drawn' | 'paused' | 'idle' | 'offline' | 'rejected';

export interface ConnectorLimit {
  chargePointId: string;
  location: number;
  /** Per-phase amperes this connector is counted at (the target for the ones we control). */
  limitA: number;
  reason: LimitReason;
  transactionId?: string;
  /** false for offline / rejected stations: their limit is counted, not sent. */
  controlled: boolean;
}

export interface Allocation {
  limits: ConnectorLimit[];
  /** The site's usable current after the reserve, per phase (and W when maxPowerW is set). */
  budgetA: number;
  budgetW?: number;
  usedA: number;
  usedW: number;
  /** The fixed part (offline, rejected) alone exceeds the budget: nothing else can draw. */
  overcommitted: boolean;
}

export const DEFAULTS = { phases: 3 as const, voltage: 230, strategy: 'equal' as Strategy, minCurrentA: 6, reserveA: 0 };

/** The headroom above the measured current an EV keeps when it draws less than its share. */
export const DRAW_HEADROOM_A = 2;

const deci = (a: number) => Math.max(0, Math.floor(a * 10 + 1e-7));
const amps = (d: number) => d / 10;

export const connectorKey = (chargePointId: string, location: number) => `${chargePointId}#${location}`;

export class SiteConfigError extends Error {}

interface Slot {
  station: StationInput;
  conn: ConnectorInput;
  /** Volts × phases: watts per ampere. */
  wpa: number;
  cap: number; // deci-amps
  min: number; // deci-amps
  value: number; // deci-amps
  /** The cap comes from the measured current (below the connector's maximum). */
  drawn: boolean;
}

/**
 * The limits for every connector of the site's stations. Connectors without a transaction get 0;
 * with a transaction, at least minCurrentA (or their maximum, if lower), admitted oldest first (by
 * priority first, strategy "priority"): when even that cannot be held, the newest are paused (0).
 * What is left is shared by the strategy: "equal" (water-filling: the same limit for all, capped
 * at each one's maximum), "fifo" (oldest session first up to its maximum), "priority" (higher
 * priority first, equal within a priority).
 */
export function allocate(site: SiteLimits, stations: readonly StationInput[]): Allocation {
  if (site.maxCurrentA === undefined && site.maxPowerW === undefined) throw new SiteConfigError('a site needs maxCurrentA or maxPowerW');
  const voltage = site.voltage ?? DEFAULTS.voltage;
  const sitePhases = site.phases ?? DEFAULTS.phases;
  const strategy = site.strategy ?? DEFAULTS.strategy;
  const minA = site.minCurrentA ?? DEFAULTS.minCurrentA;
  const reserve = site.reserveA ?? DEFAULTS.reserveA;
  // Budgets in deci-amps and deci-watts (×10), so sums are exact integers for the current.
  const budgetA = site.maxCurrentA === undefined ? Infinity : deci(site.maxCurrentA - reserve);
  const budgetW = site.maxPowerW === undefined ? Infinity : Math.max(0, (site.maxPowerW - reserve * voltage * sitePhases) * 10);

  const out: ConnectorLimit[] = [];
  let usedA = 0;
  let usedW = 0;
  const active: Slot[] = [];
  for (const station of stations) {
    const wpa = voltage * (station.phases ?? sitePhases);
    for (const conn of station.connectors) {
      const cap = deci(conn.maxCurrentA);
      const base = { chargePointId: station.chargePointId, location: conn.location, transactionId: conn.transaction?.transactionId };
      if (!station.online || station.rejected) {
        // Offline: the last limit it accepted; rejected: its maximum. Counted, not sent.
        const v = station.rejected ? cap : Math.min(cap, conn.installedA === undefined ? cap : deci(conn.installedA));
        usedA += v;
        usedW += v * wpa;
        out.push({ ...base, limitA: amps(v), reason: station.rejected ? 'rejected' : 'offline', controlled: false });
      } else if (!conn.transaction) {
        out.push({ ...base, limitA: 0, reason: 'idle', controlled: true });
      } else {
        let c = cap;
        if (conn.drawnA !== undefined) c = Math.min(cap, Math.max(deci(minA), deci(conn.drawnA + DRAW_HEADROOM_A)));
        active.push({ station, conn, wpa, cap: c, min: Math.min(c, deci(minA)), value: 0, drawn: c < cap });
      }
    }
  }
  let remA = budgetA - usedA;
  let remW = budgetW - usedW;
  const overcommitted = remA < 0 || remW < 0;
  const fits = (dA: number, dW: number) => dA <= remA && dW <= remW + 1e-6;

  const byAge = (a: Slot, b: Slot) =>
    (strategy === 'priority' ? (b.station.priority ?? 0) - (a.station.priority ?? 0) : 0) ||
    (a.conn.transaction!.startedAt < b.conn.transaction!.startedAt ? -1 : a.conn.transaction!.startedAt > b.conn.transaction!.startedAt ? 1 : 0) ||
    (connectorKey(a.station.chargePointId, a.conn.location) < connectorKey(b.station.chargePointId, b.conn.location) ? -1 : 1);
  const order = [...active].sort(byAge);

  // Admission: oldest first at their minimum; from the first that does not fit on, all are paused.
  const admitted: Slot[] = [];
  for (const s of order) {
    if (overcommitted || !fits(s.min, s.min * s.wpa)) break;
    s.value = s.min;
    remA -= s.min;
    remW -= s.min * s.wpa;
    admitted.push(s);
  }

  if (strategy === 'fifo') {
    for (const s of admitted) raiseTo(s, s.cap);
  } else if (strategy === 'priority') {
    const levels = [...new Set(admitted.map((s) => s.station.priority ?? 0))].sort((a, b) => b - a);
    for (const p of levels) waterFill(admitted.filter((s) => (s.station.priority ?? 0) === p));
  } else {
    waterFill(admitted);
  }

  function raiseTo(s: Slot, target: number) {
    // The most of (target - value) that fits both constraints.
    let d = Math.max(0, target - s.value);
    d = Math.min(d, remA);
    if (Number.isFinite(remW)) d = Math.min(d, Math.floor((remW + 1e-6) / s.wpa));
    if (d <= 0) return;
    s.value += d;
    remA -= d;
    remW -= d * s.wpa;
  }

  /** The highest common level L (deci-amps) with every slot at max(value, min(cap, L)) within the budgets. */
  function waterFill(group: Slot[]) {
    if (!group.length) return;
    const cost = (L: number) => {
      let a = 0;
      let w = 0;
      for (const s of group) {
        const d = Math.max(0, Math.min(s.cap, L) - s.value);
        a += d;
        w += d * s.wpa;
      }
      return { a, w };
    };
    let lo = 0;
    let hi = Math.max(...group.map((s) => s.cap));
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      const c = cost(mid);
      if (fits(c.a, c.w)) lo = mid;
      else hi = mid - 1;
    }
    for (const s of group) raiseTo(s, Math.min(s.cap, lo));
    // What the common level leaves (less than one step per slot) goes to the oldest, one 0.1 A each.
    for (const s of group) raiseTo(s, Math.min(s.cap, s.value + 1));
  }

  for (const s of active) {
    usedA += s.value;
    usedW += s.value * s.wpa;
    out.push({
      chargePointId: s.station.chargePointId,
      location: s.conn.location,
      transactionId: s.conn.transaction!.transactionId,
      limitA: amps(s.value),
      reason: s.value === 0 ? 'paused' : s.value <= s.min ? 'minimum' : s.drawn && s.value === s.cap ? 'drawn' : 'share',
      controlled: true,
    });
  }
  return {
    limits: out,
    budgetA: Number.isFinite(budgetA) ? amps(budgetA) : Infinity,
    budgetW: Number.isFinite(budgetW) ? budgetW / 10 : undefined,
    usedA: amps(usedA),
    usedW: usedW / 10,
    overcommitted,
  };
}

export interface PlanStep {
  chargePointId: string;
  location: number;
  /** What the connector counts at now (undefined = unconstrained: its maximum). */
  fromA?: number;
  toA: number;
}

export interface ChangePlan {
  /** Sent first; every one only lowers, so the sum can only fall while they are applied. */
  lowers: PlanStep[];
  /** Sent only once every lower was accepted; their targets sum within the site, so any prefix does too. */
  raises: PlanStep[];
}

/**
 * The calls that take the site from what is installed to `allocation`, lowering before raising.
 * A connector whose installed limit already equals its target is left alone, unless it is marked
 * `resend` (then it is sent with the lowers: the same limit raises nothing).
 */
export function changePlan(stations: readonly StationInput[], allocation: Allocation): ChangePlan {
  const installed = new Map<string, number | undefined>();
  const resend = new Set<string>();
  for (const st of stations) {
    for (const c of st.connectors) {
      installed.set(connectorKey(st.chargePointId, c.location), c.installedA);
      if (c.resend) resend.add(connectorKey(st.chargePointId, c.location));
    }
  }
  const lowers: PlanStep[] = [];
  const raises: PlanStep[] = [];
  for (const l of allocation.limits) {
    if (!l.controlled) continue;
    const fromA = installed.get(connectorKey(l.chargePointId, l.location));
    const step = { chargePointId: l.chargePointId, location: l.location, fromA, toA: l.limitA };
    if (fromA === undefined || l.limitA < fromA) lowers.push(step);
    else if (l.limitA > fromA) raises.push(step);
    // Re-sent as it is: it cannot raise what the connector counts at, so it goes with the lowers.
    else if (resend.has(connectorKey(l.chargePointId, l.location))) lowers.push(step);
  }
  return { lowers, raises };
}

/** A measured current moves the cap only by at least this much (hysteresis: no profile per meter value). */
export const DRAW_HYSTERESIS_A = 2;
/** An EV drawing within this of its limit may want more: its cap is lifted. */
export const DRAW_NEAR_LIMIT_A = 1;

/**
 * Periodic re-allocation from meter values, with hysteresis. `limitA` is what the connector holds,
 * `drawnA` the measured current its cap follows now (undefined: not capped by its draw).
 * Returns the new `drawnA` to allocate with (null: lift the cap), or undefined when the change is
 * too small to be worth a re-allocation:
 * - not capped: capped once the EV leaves at least DRAW_HYSTERESIS_A unused above the headroom
 *   (measured + DRAW_HEADROOM_A ≤ limit − DRAW_HYSTERESIS_A);
 * - capped: lifted when the EV draws within DRAW_NEAR_LIMIT_A of its limit (it may want more),
 *   moved when the measurement moved by DRAW_HYSTERESIS_A or more, otherwise left.
 * Safety does not depend on it: whatever the draw, the limits installed sum within the site.
 */
export function drawUpdate(limitA: number, drawnA: number | undefined, measuredA: number): number | null | undefined {
  if (!Number.isFinite(measuredA) || measuredA < 0) return undefined;
  if (drawnA === undefined) return measuredA + DRAW_HEADROOM_A <= limitA - DRAW_HYSTERESIS_A + 1e-9 ? measuredA : undefined;
  if (measuredA >= limitA - DRAW_NEAR_LIMIT_A - 1e-9) return null;
  return Math.abs(measuredA - drawnA) >= DRAW_HYSTERESIS_A - 1e-9 ? measuredA : undefined;
}

/**
 * The current a connector draws, from the newest MeterValue with Current.Import readings (per
 * phase, the highest; 1.6 value text, 2.0.1 number with its multiplier), in A. undefined: none.
 */
export function measuredCurrent(meterValue: unknown[]): number | undefined {
  let best: { t: number; a: number } | undefined;
  for (const mv of meterValue as Array<{ timestamp?: string; sampledValue?: Array<Record<string, unknown>> }>) {
    const t = Date.parse(mv.timestamp ?? '');
    let a: number | undefined;
    for (const sv of mv.sampledValue ?? []) {
      if (sv.measurand !== 'Current.Import') continue;
      const uom = sv.unitOfMeasure as { unit?: string; multiplier?: number } | undefined;
      const unit = (sv.unit as string | undefined) ?? uom?.unit ?? 'A';
      if (unit !== 'A') continue;
      const v = Number(sv.value) * 10 ** (uom?.multiplier ?? 0);
      if (Number.isFinite(v)) a = Math.max(a ?? 0, v);
    }
    if (a !== undefined && (!best || !(t < best.t))) best = { t: Number.isNaN(t) ? 0 : t, a };
  }
  return best?.a;
}
