/**
 * Charge point identity rules: OCPP 1.6 security whitepaper / 2.0.1 A00 — the identity is at most
 * 48 printable ASCII characters; ':' is excluded because it separates user and password in Basic auth.
 */
const IDENTITY = /^[\x21-\x39\x3b-\x7e]{1,48}$/;

export function isValidIdentity(id: unknown): id is string {
  return typeof id === 'string' && IDENTITY.test(id);
}

/** Parses `Authorization: Basic base64(user:password)`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
