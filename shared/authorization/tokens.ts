/**
 * One identity model for both generations (docs/transactions.md, "Id token keying").
 *
 * - A 1.6 idTag IS the 2.0.1 token of type ISO14443 with the same value: both are stored under the
 *   bare value, so a card works the same on a 1.6 and a 2.0.1 station.
 * - Every other 2.0.1 type is stored under `${type}:${value}` (e.g. `eMAID:NL-TNM-000123-4`,
 *   `Central:SESSION-42`), so equal values of different kinds never collide.
 * - Tokens are case-insensitive in both versions (1.6 CiString20, 2.0.1 "IdToken is case
 *   insensitive"): keys are upper-cased; the spelling the operator used is kept for display.
 * - The operator API addresses a tag by the same string: `/api/id-tags/04A2B3C4` or
 *   `/api/id-tags/eMAID:NL-TNM-000123-4`. A prefix counts as a type only when it is exactly one
 *   of the 2.0.1 IdTokenEnumType names.
 */
export const ID_TOKEN_TYPES = ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization'] as const;
export type IdTokenKind = (typeof ID_TOKEN_TYPES)[number];

/** The 2.0.1 kind a 1.6 idTag corresponds to. */
export const LEGACY_KIND: IdTokenKind = 'ISO14443';

export interface TokenRef {
  value: string;
  type: IdTokenKind;
}

export const isTokenKind = (v: unknown): v is IdTokenKind => typeof v === 'string' && (ID_TOKEN_TYPES as readonly string[]).includes(v);

/** The normalised storage key of a token. */
export function tokenKey(t: TokenRef): string {
  const v = t.value.toUpperCase();
  return t.type === LEGACY_KIND ? v : `${t.type}:${v}`;
}

/** How the operator API names a token: the bare value for 1.6/ISO14443, `Type:value` otherwise. */
export function tokenName(t: TokenRef): string {
  return t.type === LEGACY_KIND ? t.value : `${t.type}:${t.value}`;
}

/** Reads an operator-facing name (path segment, parentIdTag) back into a token. */
export function parseTokenName(name: string): TokenRef {
  const i = name.indexOf(':');
  if (i > 0) {
    const prefix = name.slice(0, i);
    if (isTokenKind(prefix)) return { type: prefix, value: name.slice(i + 1) };
  }
  return { type: LEGACY_KIND, value: name };
}

/**
 * How the operator registers a token (PUT /api/id-tags/{name} with an optional `type`): a name
 * with a type prefix, or a `type`, is a typed registration (it answers only that type); a bare
 * name without `type` is untyped (shared/authorization/matching.ts). A `type` that contradicts the
 * prefix is an error (returned as a message).
 */
export function registrationOf(name: string, type?: string): { token: TokenRef; typed: boolean } | { error: string } {
  const named = parseTokenName(name);
  const prefixed = named.type !== LEGACY_KIND || name.startsWith(`${LEGACY_KIND}:`);
  if (type === undefined) return { token: named, typed: prefixed };
  if (!isTokenKind(type)) return { error: `type must be one of ${ID_TOKEN_TYPES.join(', ')}` };
  if (prefixed && named.type !== type) return { error: `type ${type} contradicts the ${named.type}: prefix of ${name}` };
  return { token: { value: named.value, type }, typed: true };
}

/** How the operator API names a registration: `ISO14443:X` for a typed ISO14443 one, else as tokenName. */
export const registrationName = (r: { idToken: string; type: string; typed?: boolean }) =>
  (r.type === LEGACY_KIND && r.typed ? `${LEGACY_KIND}:${r.idToken}` : tokenName({ value: r.idToken, type: r.type as IdTokenKind }));

export const fromIdTag16 = (idTag: string): TokenRef => ({ value: idTag, type: LEGACY_KIND });
export const fromIdToken201 = (t: { idToken: string; type: string }): TokenRef => ({ value: t.idToken, type: isTokenKind(t.type) ? t.type : LEGACY_KIND });

/** The group a tag belongs to: its parent (1.6 §3.10 — same ParentId = same group), or itself. */
export const groupKeyOf = (key: string, parentIdTag?: string) => (parentIdTag ? tokenKey(parseTokenName(parentIdTag)) : key);
