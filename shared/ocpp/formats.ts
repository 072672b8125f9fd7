/**
 * The one string format the charge-point-initiated OCPP messages use: RFC 3339 date-time with a
 * required time zone, checked exactly as ajv-formats' "full" mode checks it (calendar days, leap
 * years, a leap second only at 23:59 UTC). Route Lambdas' generated validators import this instead
 * of ajv-formats' whole format table; test/unit/formats.test.ts holds the two to the same verdicts.
 */
const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$/i;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [year, month, day] = [+m[1], +m[2], +m[3]];
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeapYear(year) ? 29 : DAYS[month]);
}

function isTime(s: string): boolean {
  const m = TIME.exec(s);
  if (!m || !m[4]) return false; // the time zone is required
  const [hr, min, sec] = [+m[1], +m[2], +m[3]];
  const sign = m[5] === '-' ? -1 : 1;
  const tzH = +(m[6] || 0);
  const tzM = +(m[7] || 0);
  if (tzH > 23 || tzM > 59) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  // A leap second is 23:59:60 UTC.
  const utcMin = min - tzM * sign;
  const utcHr = hr - tzH * sign - (utcMin < 0 ? 1 : 0);
  return (utcHr === 23 || utcHr === -1) && (utcMin === 59 || utcMin === -1) && sec < 61;
}

export function isDateTime(s: string): boolean {
  const parts = s.split(/t|\s/i);
  return parts.length === 2 && isDate(parts[0]) && isTime(parts[1]);
}

/** What generated validators reference as `require("../formats").OCPP_FORMATS[name]`. */
export const OCPP_FORMATS: Record<string, (s: string) => boolean> = { 'date-time': isDateTime };
