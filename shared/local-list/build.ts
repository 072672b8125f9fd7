import { createHash } from 'node:crypto';
import { isUntyped } from '../authorization/matching';
import { authorizationSettings } from '../authorization/settings';
import { parseTokenName, type IdTokenKind } from '../authorization/tokens';
import type { IdTagRecord } from '../store/id-tags';

/**
 * The Local Authorization List (1.6 §3.5.2, §5.15 Send Local List; 2.0.1 D01), built from the
 * id-tag store, diffed against what a charge point holds, and split into messages. Pure.
 */
export interface LocalListEntry {
  /** The token as the charge point knows it (1.6 idTag; 2.0.1 idToken + type). */
  idTag: string;
  type: string;
  status: string;
  expiryDate?: string;
  parentIdTag?: string;
}
/** One item of a SendLocalList: an entry to add/update, or (Differential only) an idTag to delete. */
export type ListChange = { upsert: LocalListEntry } | { remove: { idTag: string; type: string } };

/**
 * What a 1.6 charge point can hold: idTags of at most 20 characters (ISO14443 = the 1.6 idTag kind).
 * A 2.0.1 station keys its list by idToken + type, so it gets what Authorize would answer: an
 * untyped registration as one entry per card-like type, replaced for a type by a typed registration
 * of the same value (shared/authorization/matching.ts).
 */
export function entriesFor(version: '1.6' | '2.0.1', records: IdTagRecord[], cardTypes: readonly IdTokenKind[] = authorizationSettings.cardTokenTypes()): LocalListEntry[] {
  const expanded = records.flatMap((r) => (version === '2.0.1' && isUntyped(r) ? cardTypes.map((type) => ({ r: { ...r, type }, untyped: true })) : [{ r, untyped: false }]));
  const seen = new Map<string, LocalListEntry>();
  for (const { r, untyped } of expanded) {
    if (r.type === 'NoAuthorization') continue;
    let parentIdTag = r.parentIdTag;
    if (version === '1.6') {
      if (r.type !== 'ISO14443' || r.idToken.length > 20) continue;
      const parent = parentIdTag ? parseTokenName(parentIdTag) : undefined;
      parentIdTag = parent && parent.type === 'ISO14443' && parent.value.length <= 20 ? parent.value : undefined;
    }
    const entry: LocalListEntry = JSON.parse(JSON.stringify({ idTag: r.idToken, type: r.type, status: r.status, expiryDate: r.expiryDate, parentIdTag }));
    const k = entryKey(entry);
    // A typed registration wins over the untyped one of the same value, in whatever order they come.
    if (!seen.has(k) || !untyped) seen.set(k, entry);
  }
  return [...seen.values()].sort((a, b) => entryKey(a).localeCompare(entryKey(b)));
}

export const entryKey = (e: { idTag: string; type: string }) => (e.type === 'ISO14443' ? e.idTag.toUpperCase() : `${e.type}:${e.idTag.toUpperCase()}`);
export const digestOf = (e: LocalListEntry) => createHash('sha1').update(JSON.stringify([e.idTag, e.status, e.expiryDate ?? null, e.parentIdTag ?? null])).digest('base64url').slice(0, 12);

/** What a charge point holds, as we last sent it: entry key → digest. */
export type ListSnapshot = Record<string, string>;

/** The changes that turn `held` into `target` (a Differential update). */
export function diffList(held: ListSnapshot, target: LocalListEntry[]): ListChange[] {
  const changes: ListChange[] = [];
  const wanted = new Set<string>();
  for (const e of target) {
    const k = entryKey(e);
    wanted.add(k);
    if (held[k] !== digestOf(e)) changes.push({ upsert: e });
  }
  for (const k of Object.keys(held).sort()) {
    if (wanted.has(k)) continue;
    const t = k.includes(':') ? { type: k.slice(0, k.indexOf(':')), idTag: k.slice(k.indexOf(':') + 1) } : { type: 'ISO14443', idTag: k };
    changes.push({ remove: t });
  }
  return changes;
}

export function applyChanges(held: ListSnapshot, changes: ListChange[]): ListSnapshot {
  const next = { ...held };
  for (const c of changes) {
    if ('upsert' in c) next[entryKey(c.upsert)] = digestOf(c.upsert);
    else delete next[entryKey(c.remove)];
  }
  return next;
}

/** OCPP 1.6 §6.41 SendLocalList.req · 2.0.1 D01 SendLocalListRequest. */
export function sendLocalListPayload(version: '1.6' | '2.0.1', listVersion: number, updateType: 'Full' | 'Differential', changes: ListChange[]) {
  if (version === '1.6') {
    return {
      listVersion,
      updateType,
      localAuthorizationList: changes.map((c) => ('upsert' in c
        ? { idTag: c.upsert.idTag, idTagInfo: JSON.parse(JSON.stringify({ status: c.upsert.status, expiryDate: c.upsert.expiryDate, parentIdTag: c.upsert.parentIdTag })) }
        : { idTag: c.remove.idTag })),
    };
  }
  return {
    versionNumber: listVersion,
    updateType,
    localAuthorizationList: changes.length ? changes.map((c) => {
      if ('remove' in c) return { idToken: { idToken: c.remove.idTag, type: c.remove.type } };
      const group = c.upsert.parentIdTag ? parseTokenName(c.upsert.parentIdTag) : undefined;
      return {
        idToken: { idToken: c.upsert.idTag, type: c.upsert.type },
        idTokenInfo: JSON.parse(JSON.stringify({ status: c.upsert.status, cacheExpiryDateTime: c.upsert.expiryDate, groupIdToken: group ? { idToken: group.value, type: group.type } : undefined })),
      };
    }) : undefined,
  };
}

/**
 * Splits changes into messages of at most `maxItems` entries whose CALL frame stays within
 * `maxFrameBytes` (API Gateway WebSocket frames are 32 KB). Greedy, in order.
 */
export function chunkChanges(changes: ListChange[], maxItems: number, maxFrameBytes: number, frameBytes: (chunk: ListChange[]) => number): ListChange[][] {
  const chunks: ListChange[][] = [];
  let current: ListChange[] = [];
  const base = frameBytes([]);
  let size = base;
  for (const c of changes) {
    const itemBytes = frameBytes([c]) - base + 1; // + the separating comma
    if (base + itemBytes > maxFrameBytes) throw new Error(`A single local list entry does not fit in a ${maxFrameBytes}-byte frame`);
    if (current.length && (current.length >= maxItems || size + itemBytes > maxFrameBytes)) {
      chunks.push(current);
      current = [];
      size = base;
    }
    current.push(c);
    size += itemBytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}
