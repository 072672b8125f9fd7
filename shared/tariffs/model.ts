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

const TARIFF_FIELDS = new Set(['country_code', 'party_id', 'id', 'currency', 'type', 'tariff_alt_text', 'tariff_alt_url', 'min_price', 'max_price', 'elements', 'start_date_time', 'end_date_time', 'energy_mix', 'last_updated', 'time_zone']);
const ELEMENT_FIELDS = new Set(['price_components', 'restrictions']);
const COMPONENT_FIELDS = new Set(['type', 'price', 'vat', 'step_size']);
const RESTRICTION_FIELDS = new Set(['start_time', 'end_time', 'start_date', 'end_date', 'min_kwh', 'max_kwh', 'min_current', 'max_current', 'min_power', 'max_power', 'min_duration', 'max_duration', 'day_of_week', 'reservation']);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every problem of a tariff document, as `path: message` (empty = valid). */
export function tariffProblems(t: unknown): string[] {
  const out: string[] = [];
  if (!isObj(t)) return ['tariff must be an object'];
  const unknown = (o: Record<string, unknown>, known: Set<string>, at: string) => {
    const extra = Object.keys(o).filter((k) => !known.has(k));
    if (extra.length) out.push(`${at}unknown field(s): ${extra.join(', ')}`);
  };
  unknown(t, TARIFF_FIELDS, '');
  if (typeof t.currency !== 'string' || !/^[A-Z]{3}$/.test(t.currency)) out.push('currency: ISO 4217 code of 3 capital letters');
  if (t.time_zone !== undefined && (typeof t.time_zone !== 'string' || !validZone(t.time_zone))) out.push('time_zone: an IANA time zone');
  for (const k of ['min_price', 'max_price'] as const) {
    const p = t[k];
    if (p === undefined) continue;
    if (!isObj(p) || !isNum(p.excl_vat) || p.excl_vat < 0 || p.excl_vat > 1e9 || (p.incl_vat !== undefined && (!isNum(p.incl_vat) || p.incl_vat < p.excl_vat || p.incl_vat > 1e9))) out.push(`${k}: { excl_vat from 0 to 10^9, incl_vat? ≥ excl_vat }`);
  }
  if (t.tariff_alt_text !== undefined && (!Array.isArray(t.tariff_alt_text) || t.tariff_alt_text.some((d) => !isObj(d) || typeof d.language !== 'string' || typeof d.text !== 'string' || d.text.length > 512))) {
    out.push('tariff_alt_text: [{ language, text (≤ 512) }]');
  }
  if (!Array.isArray(t.elements) || t.elements.length === 0) { out.push('elements: at least one element'); return out; }
  if (t.elements.length > 100) out.push('elements: at most 100');
  t.elements.forEach((e, i) => {
    const at = `elements[${i}]`;
    if (!isObj(e)) { out.push(`${at}: an object`); return; }
    unknown(e, ELEMENT_FIELDS, `${at}: `);
    if (!Array.isArray(e.price_components) || !e.price_components.length) out.push(`${at}.price_components: at least one`);
    else e.price_components.forEach((c, j) => {
      const pc = `${at}.price_components[${j}]`;
      if (!isObj(c)) { out.push(`${pc}: an object`); return; }
      unknown(c, COMPONENT_FIELDS, `${pc}: `);
      if (!TYPES.has(c.type as string)) out.push(`${pc}.type: ENERGY | FLAT | TIME | PARKING_TIME`);
      if (!isNum(c.price) || c.price < 0 || c.price > 1e6) out.push(`${pc}.price: a number from 0 to 1000000`);
      if (c.vat !== undefined && (!isNum(c.vat) || c.vat < 0 || c.vat > 100)) out.push(`${pc}.vat: a percentage 0–100`);
      if (!Number.isInteger(c.step_size) || (c.step_size as number) < 0 || (c.step_size as number) > 1e9) out.push(`${pc}.step_size: an integer from 0 to 10^9`);
    });
    const r = e.restrictions;
    if (r === undefined) return;
    if (!isObj(r)) { out.push(`${at}.restrictions: an object`); return; }
    unknown(r, RESTRICTION_FIELDS, `${at}.restrictions: `);
    for (const k of ['start_time', 'end_time']) if (r[k] !== undefined && (typeof r[k] !== 'string' || !TIME_RE.test(r[k] as string))) out.push(`${at}.restrictions.${k}: HH:MM`);
    for (const k of ['start_date', 'end_date']) if (r[k] !== undefined && (typeof r[k] !== 'string' || !DATE_RE.test(r[k] as string))) out.push(`${at}.restrictions.${k}: YYYY-MM-DD`);
    for (const k of ['min_kwh', 'max_kwh', 'min_current', 'max_current', 'min_power', 'max_power', 'min_duration', 'max_duration']) {
      if (r[k] !== undefined && (!isNum(r[k]) || (r[k] as number) < 0 || (r[k] as number) > 1e9)) out.push(`${at}.restrictions.${k}: a number from 0 to 10^9`);
    }
    if (r.day_of_week !== undefined && (!Array.isArray(r.day_of_week) || r.day_of_week.some((d) => !DAYS.includes(d as DayOfWeek)))) out.push(`${at}.restrictions.day_of_week: [MONDAY … SUNDAY]`);
    if (r.reservation !== undefined && r.reservation !== 'RESERVATION' && r.reservation !== 'RESERVATION_EXPIRES') out.push(`${at}.restrictions.reservation: RESERVATION | RESERVATION_EXPIRES`);
  });
  return out;
}

function validZone(z: string): boolean {
  try { new Intl.DateTimeFormat('en-US', { timeZone: z }); return true; } catch { return false; }
}

/** A tariff id as the API takes it: OCPI CiString(36), printable ASCII without spaces or "/". */
export const isTariffId = (v: unknown): v is string => typeof v === 'string' && /^[\x21-\x2e\x30-\x7e]{1,36}$/.test(v);
