import type { IdTagRecord } from '../store/id-tags';
import { LEGACY_KIND, tokenKey, type IdTokenKind, type TokenRef } from './tokens';

/**
 * Which registration answers a presented token (docs/operator-api.md, "Id tags"): one card
 * registered once works on 1.6 and 2.0.x stations.
 *
 * - An **untyped** registration (`PUT /api/id-tags/04A2B3C4`, stored under the bare value) answers
 *   the 1.6 idTag of that value and the 2.0.x tokens of that value whose type is *card-like*:
 *   ISO14443, ISO15693 and Local by default (`CSMS_CARD_TOKEN_TYPES`). These are the types a
 *   station's RFID reader reports for the same physical card, depending on its firmware; a 1.6
 *   station reports the same card as a plain idTag.
 * - KeyCode (a PIN typed on a keypad: short, guessable — typing a card's printed number must not
 *   charge on its account) and MacAddress (the vehicle, not a card; 15118/Autocharge) are not
 *   card-like by default; Central (ids the CSMS issues for remote starts) and eMAID (contract ids,
 *   validated by their eMSP) never are, nor NoAuthorization: they can only be answered by a
 *   registration of their own type.
 * - A **typed** registration (`Local:X`, or `"type": "Local"` in the body) answers only tokens of
 *   that type. `ISO14443:X` is stored under the bare key like `X` (one record per card) but marked
 *   `typed`: it answers 1.6 idTags (the ISO14443 kind) and ISO14443 tokens only.
 * - Both may exist for one value: the typed one wins for its type (it is read first).
 */
export const CARD_TOKEN_TYPES_DEFAULT: readonly IdTokenKind[] = ['ISO14443', 'ISO15693', 'Local'];
/** Types an operator may declare card-like. Central, eMAID and NoAuthorization are never. */
const MAY_BE_CARD_LIKE: readonly IdTokenKind[] = ['ISO14443', 'ISO15693', 'Local', 'KeyCode', 'MacAddress'];

/** Parses CSMS_CARD_TOKEN_TYPES (comma-separated); ISO14443, the 1.6 idTag kind, always counts. */
export function cardTokenTypes(setting: string | undefined): IdTokenKind[] {
  if (setting === undefined || setting.trim() === '') return [...CARD_TOKEN_TYPES_DEFAULT];
  const named = setting.split(',').map((s) => s.trim()).filter((s): s is IdTokenKind => (MAY_BE_CARD_LIKE as readonly string[]).includes(s));
  return [...new Set<IdTokenKind>([LEGACY_KIND, ...named])];
}

/** A bare-key record marked typed is an explicit ISO14443 registration; every other bare-key record is untyped. */
export const isUntyped = (r: Pick<IdTagRecord, 'idTag' | 'type' | 'typed'>) => r.type === LEGACY_KIND && !r.typed;

/** The keys whose records may answer a token, most specific first. */
export function lookupKeys(token: TokenRef, cardTypes: readonly IdTokenKind[]): string[] {
  const own = tokenKey(token);
  if (token.type === LEGACY_KIND || !cardTypes.includes(token.type)) return [own];
  return [own, tokenKey({ value: token.value, type: LEGACY_KIND })];
}

/** Whether a stored registration answers a presented token (1.6 idTags are TokenRefs of the ISO14443 kind). */
export function registrationAnswers(r: Pick<IdTagRecord, 'idTag' | 'type' | 'typed'>, token: TokenRef, cardTypes: readonly IdTokenKind[]): boolean {
  const bare = tokenKey({ value: token.value, type: LEGACY_KIND });
  if (r.idTag === tokenKey(token)) return true; // the token's own key: same type (ISO14443 shares the bare key)
  return r.idTag === bare && isUntyped(r) && cardTypes.includes(token.type);
}

/** Of the records read for `lookupKeys`, the one that answers the token: the typed one first. */
export function pickRegistration<R extends Pick<IdTagRecord, 'idTag' | 'type' | 'typed'>>(records: R[], token: TokenRef, cardTypes: readonly IdTokenKind[]): R | undefined {
  for (const key of lookupKeys(token, cardTypes)) {
    const r = records.find((x) => x.idTag === key);
    if (r && registrationAnswers(r, token, cardTypes)) return r;
  }
  return undefined;
}

/** What a registration answers, as the operator API shows it. */
export function appliesTo(r: Pick<IdTagRecord, 'idTag' | 'type' | 'typed'>, cardTypes: readonly IdTokenKind[]) {
  if (isUntyped(r)) return { ocpp16: true, tokenTypes: [...cardTypes] };
  return { ocpp16: r.type === LEGACY_KIND, tokenTypes: [r.type] };
}
