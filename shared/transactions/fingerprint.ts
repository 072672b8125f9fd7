import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content gives equal text whatever the key order on the wire. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** 128-bit fingerprint of a message's content (base64url, 22 characters). */
export function fingerprint(v: unknown): string {
  return createHash('sha256').update(canonicalJson(v)).digest().subarray(0, 16).toString('base64url');
}
