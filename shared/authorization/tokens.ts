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

export const fromIdTag16 = (idTag: string): TokenRef => ({ value: idTag, type: LEGACY_KIND });
export const fromIdToken201 = (t: { idToken: string; type: string }): TokenRef => ({ value: t.idToken, type: isTokenKind(t.type) ? t.type : LEGACY_KIND });

/** The group a tag belongs to: its parent (1.6 §3.10 — same ParentId = same group), or itself. */
export const groupKeyOf = (key: string, parentIdTag?: string) => (parentIdTag ? tokenKey(parseTokenName(parentIdTag)) : key);
