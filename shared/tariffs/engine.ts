import { DAYS, type PriceComponent, type Tariff, type TariffDimensionType, type TariffRestrictions } from './model';

/**
 * The OCPI 2.2.1 tariff engine: pure, no I/O. Rules (docs/tariffs.md has the worked examples):
 *
 * - Per dimension (ENERGY, TIME, PARKING_TIME, FLAT), at every moment, the FIRST element in the list
 *   that has a price component of that dimension and whose restrictions all hold is used; none →
 *   that dimension is free at that moment. Restrictions are evaluated continuously: a period is
 *   cut wherever one may change (times of day, midnight, min/max_duration, min/max_kwh crossings
 *   — energy interpolated linearly within a period).
 * - TIME is time charging, PARKING_TIME time not charging, ENERGY per kWh, FLAT once per session.
 * - step_size rounds the dimension's total over the session up to a multiple of the step of the
 *   LAST component used, the difference billed at that component's price; it is also applied when
 *   the dimension stops having a component (switching to an element without it).
 *   PARKING_TIME that fits wholly within the time added by TIME's rounding is not billed.
 * - Reservation elements (restrictions.reservation) price only the reservation time (TIME) and its
 *   fee (FLAT); an expired reservation takes RESERVATION_EXPIRES elements first.
 * - VAT per component (omitted = none); min_price / max_price bound the totals excl. and incl.
 *   VAT separately. Amounts are given with 4 decimals (OCPI numbers).
 */
export interface SessionPeriod {
  /** UTC epoch milliseconds; periods are contiguous and in order (sorted here if not). */
  start: number;
  end: number;
  /** Energy delivered in the period, Wh (≥ 0). */
  energyWh: number;
  /** Charging (TIME) or not (PARKING_TIME). */
  charging: boolean;
  /** Sum of the current over all phases, A, when measured (else min/max_current never hold). */
  currentA?: number;
  /** Charging power, kW; derived from energy and duration when not given. */
  powerKw?: number;
}

export interface SessionUsage {
  periods: SessionPeriod[];
  reservation?: { start: number; end: number; expired?: boolean };
}

export interface CostLine {
  phase: 'session' | 'reservation';
  /** Index in tariff.elements. */
  element: number;
  type: TariffDimensionType;
  /** Billed volume: kWh (ENERGY), hours (TIME, PARKING_TIME), 1 (FLAT). */
  volume: number;
  price: number;
  vat?: number;
  exclVat: number;
  vatAmount: number;
}

export interface SessionCost {
  currency: string;
  totalExclVat: number;
  totalVat: number;
  totalInclVat: number;
  /** The total was raised to min_price / lowered to max_price. */
  bounded?: 'min_price' | 'max_price';
  totals: { energyKwh: number; chargingHours: number; parkingHours: number; reservationHours: number };
  breakdown: CostLine[];
}

const DAY = 86_400_000;
const UNIT: Record<TariffDimensionType, number> = { ENERGY: 1000, TIME: 3600, PARKING_TIME: 3600, FLAT: 1 };
const r4 = (x: number) => Math.round((x + Number.EPSILON) * 1e4) / 1e4;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const dayNumber = (date: string) => Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY);

/** UTC → local offset in ms for a zone, cached per UTC hour (zone changes happen on whole hours or half hours; one Intl call per hour of session). */
function offsetOf(zone: string | undefined): (t: number) => number {
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return () => 0;
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const cache = new Map<number, number>();
  return (t) => {
    const slot = Math.floor(t / 1_800_000);
    let o = cache.get(slot);
    if (o === undefined) {
      const at = slot * 1_800_000;
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(new Date(at))) if (part.type !== 'literal') p[part.type] = Number(part.value);
      o = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
      cache.set(slot, o);
    }
    return o;
  };
}

interface Compiled {
  index: number;
  r: TariffRestrictions;
  startMin?: number; endMin?: number; startDay?: number; endDay?: number; days?: Set<string>;
  components: Partial<Record<TariffDimensionType, PriceComponent>>;
}

interface Context { todMin: number; day: number; weekday: string; wh: number; elapsedS: number; currentA?: number; powerKw?: number }

function holds(c: Compiled, x: Context): boolean {
  const r = c.r;
  if (c.startMin !== undefined || c.endMin !== undefined) {
    const s = c.startMin ?? 0, e = c.endMin ?? 1440;
    if (s < e ? !(x.todMin >= s && x.todMin < e) : s > e ? !(x.todMin >= s || x.todMin < e) : false) return false;
  }
  if (c.startDay !== undefined && x.day < c.startDay) return false;
  if (c.endDay !== undefined && x.day >= c.endDay) return false;
  if (c.days && !c.days.has(x.weekday)) return false;
  if (r.min_kwh !== undefined && x.wh < r.min_kwh * 1000 - 1e-9) return false;
  if (r.max_kwh !== undefined && x.wh >= r.max_kwh * 1000 - 1e-9) return false;
  if (r.min_duration !== undefined && x.elapsedS < r.min_duration - 1e-9) return false;
  if (r.max_duration !== undefined && x.elapsedS >= r.max_duration - 1e-9) return false;
  if (r.min_current !== undefined && !(x.currentA !== undefined && x.currentA >= r.min_current)) return false;
  if (r.max_current !== undefined && !(x.currentA !== undefined && x.currentA < r.max_current)) return false;
  if (r.min_power !== undefined && !(x.powerKw !== undefined && x.powerKw >= r.min_power)) return false;
  if (r.max_power !== undefined && !(x.powerKw !== undefined && x.powerKw < r.max_power)) return false;
  return true;
}

function compile(tariff: Tariff): Compiled[] {
  return tariff.elements.map((e, index) => {
    const r = e.restrictions ?? {};
    const components: Compiled['components'] = {};
    for (const pc of e.price_components) components[pc.type] ??= pc; // the first of a type within an element
    return {
      index, r, components,
      startMin: r.start_time ? minutes(r.start_time) : undefined,
      endMin: r.end_time ? minutes(r.end_time) : undefined,
      startDay: r.start_date ? dayNumber(r.start_date) : undefined,
      endDay: r.end_date ? dayNumber(r.end_date) : undefined,
      days: r.day_of_week ? new Set(r.day_of_week) : undefined,
    };
  });
}

interface Dim { actual: number; billed: number; last?: { el: number; pc: PriceComponent }; pending: boolean }
const newDim = (): Dim => ({ actual: 0, billed: 0, pending: false });

class Bill {
  lines = new Map<string, CostLine>();
  constructor(readonly phase: CostLine['phase']) {}
  add(el: number, pc: PriceComponent, qty: number) {
    const key = `${el}|${pc.type}`;
    let l = this.lines.get(key);
    if (!l) { l = { phase: this.phase, element: el, type: pc.type, volume: 0, price: pc.price, vat: pc.vat, exclVat: 0, vatAmount: 0 }; this.lines.set(key, l); }
    l.volume += qty / UNIT[pc.type];
    const cost = (qty / UNIT[pc.type]) * pc.price;
    l.exclVat += cost;
    l.vatAmount += cost * (pc.vat ?? 0) / 100;
  }
  /** step_size: the dimension's total up to a multiple of the last component's step; returns the added quantity. */
  roundOut(d: Dim): number {
    if (!d.last || !d.pending) return 0;
    d.pending = false;
    const step = d.last.pc.step_size;
    if (!(step > 0)) return 0;
    const target = Math.ceil(d.actual / step - 1e-9) * step;
    const extra = target - d.billed;
    if (extra <= 1e-9) return 0;
    this.add(d.last.el, d.last.pc, extra);
    d.billed += extra;
    return extra;
  }
}

const TIMED: TariffDimensionType[] = ['ENERGY', 'TIME', 'PARKING_TIME'];

/** Prices one phase (the session or the reservation) over its periods with the given elements. */
function pricePhase(elements: Compiled[][], periods: SessionPeriod[], bill: Bill, offset: (t: number) => number) {
  const all = elements.flat();
  const minuteMarks = new Set<number>();
  let calendar = false;
  const durations = new Set<number>();
  const energies = new Set<number>();
  for (const c of all) {
    if (c.startMin !== undefined) minuteMarks.add(c.startMin);
    if (c.endMin !== undefined) minuteMarks.add(c.endMin);
    if (c.startMin !== undefined || c.endMin !== undefined || c.startDay !== undefined || c.endDay !== undefined || c.days) calendar = true;
    if (c.r.min_duration !== undefined) durations.add(c.r.min_duration * 1000);
    if (c.r.max_duration !== undefined) durations.add(c.r.max_duration * 1000);
    if (c.r.min_kwh !== undefined) energies.add(c.r.min_kwh * 1000);
    if (c.r.max_kwh !== undefined) energies.add(c.r.max_kwh * 1000);
  }
  minuteMarks.add(0);
  const marks = [...minuteMarks].sort((a, b) => a - b).map((m) => m * 60_000);
  const durationMarks = [...durations].sort((a, b) => a - b);
  const energyMarks = [...energies].sort((a, b) => a - b);

  const dims: Record<string, Dim> = { ENERGY: newDim(), TIME: newDim(), PARKING_TIME: newDim() };
  let flatDone = false;
  let timeExtra = 0;
  const first = periods[0]?.start ?? 0;
  let wh = 0;
  const pick = (type: TariffDimensionType, x: Context) => {
    for (const group of elements) for (const c of group) if (c.components[type] && holds(c, x)) return c;
    return undefined;
  };

  for (const p of periods) {
    const span = p.end - p.start;
    if (!(span > 0)) { wh += Math.max(0, p.energyWh); continue; }
    const energy = Math.max(0, p.energyWh);
    // Cut points, each with the energy so far there when it is an energy threshold (kept exact).
    const cuts: Array<{ t: number; wh?: number }> = [];
    if (calendar) {
      let t = p.start;
      while (t < p.end) {
        const off = offset(t);
        const local = t + off;
        const day = Math.floor(local / DAY);
        const tod = local - day * DAY;
        const next = marks.find((m) => m > tod + 1e-6);
        let cut = (next === undefined ? (day + 1) * DAY : day * DAY + next) - off;
        if (cut <= t) cut = t + 60_000;
        if (cut < p.end) cuts.push({ t: cut });
        t = cut;
      }
    }
    for (const d of durationMarks) { const at = first + d; if (at > p.start && at < p.end) cuts.push({ t: at }); }
    if (energy > 0) for (const e of energyMarks) if (e > wh && e < wh + energy) cuts.push({ t: p.start + ((e - wh) / energy) * span, wh: e });
    cuts.sort((x, y) => x.t - y.t);
    const powerKw = p.powerKw ?? (p.charging ? (energy / 1000) / (span / 3_600_000) : 0);
    const whStart = wh, whEnd = wh + energy;
    let a = p.start;
    for (const cut of [...cuts, { t: p.end, wh: whEnd }]) {
      const b = cut.t;
      if (b <= a) continue;
      const dur = b - a;
      const e = Math.max(0, (cut.wh ?? whStart + energy * ((b - p.start) / span)) - wh);
      const local = a + offset(a);
      const day = Math.floor(local / DAY);
      const x: Context = { todMin: (local - day * DAY) / 60_000, day, weekday: DAYS[((day % 7) + 11) % 7], wh, elapsedS: (a - first) / 1000, currentA: p.currentA, powerKw };
      if (!flatDone) {
        const c = pick('FLAT', x);
        if (c) { bill.add(c.index, c.components.FLAT!, 1); flatDone = true; }
      }
      const volume: Record<string, number> = { ENERGY: e, TIME: p.charging ? dur / 1000 : 0, PARKING_TIME: p.charging ? 0 : dur / 1000 };
      for (const type of TIMED) {
        const d = dims[type];
        const c = pick(type, x);
        if (!c) { const extra = bill.roundOut(d); if (type === 'TIME') timeExtra += extra; continue; }
        const v = volume[type];
        d.last = { el: c.index, pc: c.components[type]! };
        if (v > 0) { bill.add(c.index, d.last.pc, v); d.actual += v; d.billed += v; d.pending = true; }
      }
      wh += e;
      a = b;
    }
  }
  for (const type of TIMED) { const extra = bill.roundOut(dims[type]); if (type === 'TIME') timeExtra += extra; }
  // OCPI 2.2.1 step_size example #1: parking within the charging time added by rounding is not billed.
  const parked = dims.PARKING_TIME.actual;
  if (parked > 0 && parked <= timeExtra + 1e-9) for (const l of bill.lines.values()) if (l.type === 'PARKING_TIME') { l.exclVat = 0; l.vatAmount = 0; l.volume = 0; }
  return { wh, chargingS: dims.TIME.actual, parkingS: parked };
}

/** The cost of a session under a tariff (see the rules above). */
export function computeCost(tariff: Tariff, usage: SessionUsage): SessionCost {
  const compiled = compile(tariff);
  const offset = offsetOf(tariff.time_zone);
  const periods = [...usage.periods].sort((a, b) => a.start - b.start);
  const session = new Bill('session');
  const used = pricePhase([compiled.filter((c) => !c.r.reservation)], periods, session, offset);
  const reservation = new Bill('reservation');
  let reservationS = 0;
  const rv = usage.reservation;
  if (rv && rv.end > rv.start) {
    const groups = rv.expired
      ? [compiled.filter((c) => c.r.reservation === 'RESERVATION_EXPIRES'), compiled.filter((c) => c.r.reservation === 'RESERVATION')]
      : [compiled.filter((c) => c.r.reservation === 'RESERVATION')];
    reservationS = pricePhase(groups, [{ start: rv.start, end: rv.end, energyWh: 0, charging: true }], reservation, offset).chargingS;
  }
  const lines = [...reservation.lines.values(), ...session.lines.values()].sort((x, y) => (x.phase === y.phase ? 0 : x.phase === 'reservation' ? -1 : 1) || x.element - y.element);
  let excl = 0, vat = 0;
  for (const l of lines) { excl += l.exclVat; vat += l.vatAmount; }
  let incl = excl + vat;
  const ratio = excl > 0 ? incl / excl : 1;
  let bounded: SessionCost['bounded'];
  const { min_price: min, max_price: max } = tariff;
  if (min) {
    const minIncl = min.incl_vat ?? min.excl_vat * ratio;
    if (excl < min.excl_vat - 1e-12) { excl = min.excl_vat; bounded = 'min_price'; }
    if (incl < minIncl - 1e-12) { incl = minIncl; bounded = 'min_price'; }
  }
  if (max) {
    const maxIncl = max.incl_vat ?? max.excl_vat * ratio;
    if (excl > max.excl_vat + 1e-12) { excl = max.excl_vat; bounded = 'max_price'; }
    if (incl > maxIncl + 1e-12) { incl = maxIncl; bounded = 'max_price'; }
  }
  incl = Math.max(incl, excl);
  return {
    currency: tariff.currency,
    totalExclVat: r4(excl),
    totalVat: r4(r4(incl) - r4(excl)),
    totalInclVat: r4(incl),
    ...(bounded ? { bounded } : {}),
    totals: { energyKwh: r4(used.wh / 1000), chargingHours: r4(used.chargingS / 3600), parkingHours: r4(used.parkingS / 3600), reservationHours: r4(reservationS / 3600) },
    breakdown: lines.map((l) => ({ ...l, volume: r4(l.volume), exclVat: r4(l.exclVat), vatAmount: r4(l.vatAmount) })),
  };
}
