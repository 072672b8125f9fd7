/**
 * Schema-valid numbers the CSMS cannot keep (issue: 1.6 `meterStart: 1e308` is a valid JSON
 * integer). JavaScript holds integers exactly only up to 2^53, the AWS SDK refuses to write
 * larger ones, and DynamoDB numbers range from 1e-130 to 1e126. Such a number is not an internal
 * fault but the station's odd value, so the message is answered normally: a number inside meter
 * values (`meterValue`, `transactionData`) is kept as its JSON text; any other field is left out
 * of what is stored; the message gets one `NumberOutOfRange` anomaly in the Events table naming
 * the fields and their values as text. A `transactionId` is only ever used as text (a key) and
 * is kept as it came.
 */
export function storable(n: number): boolean {
  const a = Math.abs(n);
  return Number.isFinite(n) && a <= Number.MAX_SAFE_INTEGER && (a === 0 || a >= 1e-130);
}

const AS_TEXT = new Set(['meterValue', 'transactionData']);
const KEPT = new Set(['transactionId']);

export interface Screened<T> {
  payload: T;
  /** Path of each number left out or kept as text → its JSON text; empty when all is storable. */
  outOfRange: Record<string, string>;
}

/** A copy of `payload` with every unstorable number handled as described above. */
export function screenNumbers<T>(payload: T): Screened<T> {
  const outOfRange: Record<string, string> = {};
  const walk = (v: unknown, path: string, asText: boolean): unknown => {
    if (typeof v === 'number') {
      if (storable(v)) return v;
      outOfRange[path] = JSON.stringify(v) ?? String(v);
      return asText ? outOfRange[path] : undefined;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`, asText));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, KEPT.has(k) && !asText ? x : walk(x, path ? `${path}.${k}` : k, asText || AS_TEXT.has(k))]));
    }
    return v;
  };
  const screened = walk(payload, '', false) as T;
  return { payload: Object.keys(outOfRange).length ? screened : payload, outOfRange };
}
