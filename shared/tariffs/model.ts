/**
 * The OCPI 2.2.1 Tariff model (module Tariffs, §11.3–11.4), the one tariff model of the CSMS.
 * Prices are excl. VAT; `vat` is a percentage (omitted = no VAT applicable); `step_size` is in
 * Wh (ENERGY) or seconds (TIME, PARKING_TIME), ignored for FLAT. See docs/tariffs.md.
 */
export type TariffDimensionType = 'ENERGY' | 'FLAT' | 'TIME' | 'PARKING_TIME';
export type DayOfWeek = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';
export type ReservationRestrictionType = 'RESERVATION' | 'RESERVATION_EXPIRES';

export interface PriceComponent {
  type: TariffDimensionType;
  price: number;
  vat?: number;
  step_size: number;
}

export interface TariffRestrictions {
  start_time?: string;
  end_time?: string;
  start_date?: string;
  end_date?: string;
  min_kwh?: number;
  max_kwh?: number;
  min_current?: number;
  max_current?: number;
  min_power?: number;
  max_power?: number;
  min_duration?: number;
  max_duration?: number;
  day_of_week?: DayOfWeek[];
  reservation?: ReservationRestrictionType;
}

export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

export interface Price { excl_vat: number; incl_vat?: number }
export interface DisplayText { language: string; text: string }

export interface Tariff {
  id?: string;
  currency: string;
  type?: string;
  tariff_alt_text?: DisplayText[];
  tariff_alt_url?: string;
  min_price?: Price;
  max_price?: Price;
  elements: TariffElement[];
  start_date_time?: string;
  end_date_time?: string;
  /** Not OCPI: the IANA time zone of the restrictions' local times (OCPI takes it from the Location). Default UTC. */
  time_zone?: string;
  last_updated?: string;
}

export const DAYS: DayOfWeek[] = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const TIME_RE = /^([0-1][0-9]|2[0-3]):[0-5][0-9]$/;
const DATE_RE = /^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
const TYPES = new Set(['ENERGY', 'FLAT', 'TIME', 'PARKING_TIME']);

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of a tariff document, as `path: message` (empty = valid). */
export function tariffProblems(t: unknown): string[] {
  const out: string[] = [];
  if (!isObj(t)) return ['tariff must be an object'];
  if (typeof t.currency !== 'string' || !/^[A-Z]{3}$/.test(t.currency)) out.push('currency: ISO 4217 code of 3 capital letters');
  if (t.time_zone !== undefined && (typeof t.time_zone !== 'string' || !validZone(t.time_zone))) out.push('time_zone: an IANA time zone');
  for (const k of ['min_price', 'max_price'] as const) {
    const p = t[k];
    if (p === undefined) continue;
    if (!isObj(p) || !isNum(p.excl_vat) || p.excl_vat < 0 || (p.incl_vat !== undefined && (!isNum(p.incl_vat) || p.incl_vat < 0))) out.push(`${k}: { excl_vat ≥ 0, incl_vat? ≥ 0 }`);
  }
  if (t.tariff_alt_text !== undefined && (!Array.isArray(t.tariff_alt_text) || t.tariff_alt_text.some((d) => !isObj(d) || typeof d.language !== 'string' || typeof d.text !== 'string' || d.text.length > 512))) {
    out.push('tariff_alt_text: [{ language, text (≤ 512) }]');
  }
  if (!Array.isArray(t.elements) || t.elements.length === 0) { out.push('elements: at least one element'); return out; }
  if (t.elements.length > 100) out.push('elements: at most 100');
  t.elements.forEach((e, i) => {
    const at = `elements[${i}]`;
    if (!isObj(e)) { out.push(`${at}: an object`); return; }
    if (!Array.isArray(e.price_components) || !e.price_components.length) out.push(`${at}.price_components: at least one`);
    else e.price_components.forEach((c, j) => {
      const pc = `${at}.price_components[${j}]`;
      if (!isObj(c)) { out.push(`${pc}: an object`); return; }
      if (!TYPES.has(c.type as string)) out.push(`${pc}.type: ENERGY | FLAT | TIME | PARKING_TIME`);
      if (!isNum(c.price) || c.price < 0) out.push(`${pc}.price: a number ≥ 0`);
      if (c.vat !== undefined && (!isNum(c.vat) || c.vat < 0 || c.vat > 100)) out.push(`${pc}.vat: a percentage 0–100`);
      if (!Number.isInteger(c.step_size) || (c.step_size as number) < 0) out.push(`${pc}.step_size: an integer ≥ 0`);
    });
    const r = e.restrictions;
    if (r === undefined) return;
    if (!isObj(r)) { out.push(`${at}.restrictions: an object`); return; }
    for (const k of ['start_time', 'end_time']) if (r[k] !== undefined && (typeof r[k] !== 'string' || !TIME_RE.test(r[k] as string))) out.push(`${at}.restrictions.${k}: HH:MM`);
    for (const k of ['start_date', 'end_date']) if (r[k] !== undefined && (typeof r[k] !== 'string' || !DATE_RE.test(r[k] as string))) out.push(`${at}.restrictions.${k}: YYYY-MM-DD`);
    for (const k of ['min_kwh', 'max_kwh', 'min_current', 'max_current', 'min_power', 'max_power', 'min_duration', 'max_duration']) {
      if (r[k] !== undefined && (!isNum(r[k]) || (r[k] as number) < 0)) out.push(`${at}.restrictions.${k}: a number ≥ 0`);
    }
    if (r.day_of_week !== undefined && (!Array.isArray(r.day_of_week) || r.day_of_week.some((d) => !DAYS.includes(d as DayOfWeek)))) out.push(`${at}.restrictions.day_of_week: [MONDAY … SUNDAY]`);
    if (r.reservation !== undefined && r.reservation !== 'RESERVATION' && r.reservation !== 'RESERVATION_EXPIRES') out.push(`${at}.restrictions.reservation: RESERVATION | RESERVATION_EXPIRES`);
  });
  return out;
}

function validZone(z: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: z }); return true; } catch { return false; }
}
