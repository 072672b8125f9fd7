/**
 * The Sites table (docs/sites.md, "Storage"). Partition `siteId`, sort key `itemKey`:
 *
 *   <siteId> / site                        the site: limits, strategy, charge points
 *   <siteId> / alloc#<chargePointId>#<loc> the limit last sent to one connector/EVSE and its answer
 *   <siteId> / lock                        held while one allocation of the site runs
 *   member#<chargePointId> / member        the site a charge point belongs to (one, by construction)
 *
 * Site ids cannot contain '#', so a member partition never collides with a site.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';
import type { SiteLimits } from './allocate';

const table = () => tableName('sites');

export interface SiteItem extends SiteLimits {
  siteId: string;
  itemKey: 'site';
  chargePointIds: string[];
  /** strategy "priority": per charge point, higher first (default 0). */
  priorities?: Record<string, number>;
  createdAt: string;
  updatedAt: string;
}

export interface AllocationItem {
  siteId: string;
  itemKey: string;
  chargePointId: string;
  location: number;
  limitA: number;
  reason: string;
  transactionId?: string;
  /** When the SetChargingProfile went out, and how the station answered. */
  sentAt?: string;
  status: 'Pending' | 'Accepted' | 'Rejected' | 'Failed' | 'Counted';
  message?: string;
  messageId?: string;
  allocatedAt: string;
  /** The highest limit sent whose answer was lost since the last accepted one (it may be installed). */
  unconfirmedA?: number;
  /** The measured current the connector's cap follows (meter values), for that transaction only. */
  drawnA?: number;
  drawnTransactionId?: string;
  drawnAt?: string;
}

export class MemberConflict extends Error {
  constructor(readonly chargePointId: string, readonly otherSiteId: string) {
    super(`Charge point ${chargePointId} already belongs to site ${otherSiteId}`);
  }
}

const memberKey = (chargePointId: string) => ({ siteId: `member#${chargePointId}`, itemKey: 'member' });
export const allocKey = (chargePointId: string, location: number) => `alloc#${chargePointId}#${location}`;

export async function getSite(siteId: string): Promise<SiteItem | undefined> {
  const r = await db().send(new GetCommand({ TableName: table(), Key: { siteId, itemKey: 'site' }, ConsistentRead: true }));
  return r.Item as SiteItem | undefined;
}

/** The site a charge point belongs to, if any. */
export async function siteOf(chargePointId: string): Promise<string | undefined> {
  const r = await db().send(new GetCommand({ TableName: table(), Key: memberKey(chargePointId) }));
  return (r.Item as { memberOf?: string } | undefined)?.memberOf;
}

async function claim(chargePointId: string, siteId: string): Promise<void> {
  try {
    await db().send(new PutCommand({
      TableName: table(),
      Item: { ...memberKey(chargePointId), memberOf: siteId },
      ConditionExpression: 'attribute_not_exists(siteId) OR memberOf = :s',
      ExpressionAttributeValues: { ':s': siteId },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    throw new MemberConflict(chargePointId, (await siteOf(chargePointId)) ?? '?');
  }
}

async function release(chargePointId: string, siteId: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({ TableName: table(), Key: memberKey(chargePointId), ConditionExpression: 'memberOf = :s', ExpressionAttributeValues: { ':s': siteId } }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/**
 * Creates or replaces a site. Every charge point is claimed with a conditional write (a charge
 * point in another site: MemberConflict, and the ones this call claimed are released); then the
 * site is written; then the charge points it no longer lists are released.
 */
export async function putSite(site: Omit<SiteItem, 'itemKey' | 'createdAt' | 'updatedAt'>, now = new Date()): Promise<{ site: SiteItem; created: boolean }> {
  const before = await getSite(site.siteId);
  const had = new Set(before?.chargePointIds ?? []);
  const claimed: string[] = [];
  try {
    for (const cp of site.chargePointIds) {
      await claim(cp, site.siteId);
      if (!had.has(cp)) claimed.push(cp);
    }
  } catch (e) {
    for (const cp of claimed) await release(cp, site.siteId);
    throw e;
  }
  const item: SiteItem = { ...site, itemKey: 'site', createdAt: before?.createdAt ?? now.toISOString(), updatedAt: now.toISOString() };
  await db().send(new PutCommand({ TableName: table(), Item: item }));
  const keep = new Set(site.chargePointIds);
  for (const cp of had) if (!keep.has(cp)) await release(cp, site.siteId);
  return { site: item, created: !before };
}

export async function listAllocations(siteId: string): Promise<AllocationItem[]> {
  const out: AllocationItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const r = await db().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'siteId = :s AND begins_with(itemKey, :p)',
      ExpressionAttributeValues: { ':s': siteId, ':p': 'alloc#' },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    }));
    out.push(...((r.Items ?? []) as AllocationItem[]));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return out;
}

export async function putAllocation(item: Omit<AllocationItem, 'itemKey'>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, itemKey: allocKey(item.chargePointId, item.location) } }));
}

export async function deleteAllocation(siteId: string, itemKey: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: { siteId, itemKey } }));
}

/** Deletes the site, its allocation records and its lock, and releases its charge points. */
export async function deleteSite(siteId: string): Promise<boolean> {
  const site = await getSite(siteId);
  if (!site) return false;
  for (const a of await listAllocations(siteId)) await deleteAllocation(siteId, a.itemKey);
  await db().send(new DeleteCommand({ TableName: table(), Key: { siteId, itemKey: 'lock' } }));
  await db().send(new DeleteCommand({ TableName: table(), Key: { siteId, itemKey: 'site' } }));
  for (const cp of site.chargePointIds) await release(cp, siteId);
  return true;
}

/** chargePointId → siteId for every charge point in a site (a scan of the member items). */
export async function listMembers(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const r = await db().send(new ScanCommand({ TableName: table(), FilterExpression: 'itemKey = :k', ExpressionAttributeValues: { ':k': 'member' }, ExclusiveStartKey: startKey }));
    for (const i of r.Items ?? []) out.set(String(i.siteId).slice('member#'.length), String(i.memberOf));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/** Every site, ordered by id (operator listing; a scan, sites are few). */
export async function listSites(): Promise<SiteItem[]> {
  const out: SiteItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const r = await db().send(new ScanCommand({ TableName: table(), FilterExpression: 'itemKey = :k', ExpressionAttributeValues: { ':k': 'site' }, ExclusiveStartKey: startKey, ConsistentRead: true }));
    out.push(...((r.Items ?? []) as SiteItem[]));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return out.sort((a, b) => (a.siteId < b.siteId ? -1 : 1));
}

/**
 * The site's lock: one allocation at a time. Taken when free or expired (a Lambda that died holding
 * it); otherwise `again` is set on it so the holder runs once more before it lets go.
 */
export async function takeLock(siteId: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
  try {
    await db().send(new PutCommand({
      TableName: table(),
      Item: { siteId, itemKey: 'lock', owner, expiresAtMs: now + ttlMs },
      ConditionExpression: 'attribute_not_exists(siteId) OR expiresAtMs < :now',
      ExpressionAttributeValues: { ':now': now },
    }));
    return true;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
  try {
    await db().send(new UpdateCommand({ TableName: table(), Key: { siteId, itemKey: 'lock' }, UpdateExpression: 'SET again = :t', ConditionExpression: 'attribute_exists(siteId)', ExpressionAttributeValues: { ':t': true } }));
    return false;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    // Released in between: try once more.
    return takeLock(siteId, owner, ttlMs, now);
  }
}

/** Lets go of the lock unless someone asked for another run meanwhile (then `false`: run again, still holding it). */
export async function releaseLock(siteId: string, owner: string): Promise<boolean> {
  try {
    await db().send(new DeleteCommand({ TableName: table(), Key: { siteId, itemKey: 'lock' }, ConditionExpression: '#o = :o AND attribute_not_exists(again)', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': owner } }));
    return true;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
  // Asked again: clear the flag and keep the lock.
  try {
    await db().send(new UpdateCommand({ TableName: table(), Key: { siteId, itemKey: 'lock' }, UpdateExpression: 'REMOVE again', ConditionExpression: '#o = :o', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':o': owner } }));
    return false;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    return true; // not ours any more (expired and taken over)
  }
}

/** Records the measured current a connector's cap follows (null: lift the cap). Only on an existing record. */
export async function setDrawn(siteId: string, chargePointId: string, location: number, transactionId: string, drawnA: number | null, now = new Date()): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { siteId, itemKey: allocKey(chargePointId, location) },
      ...(drawnA === null
        ? { UpdateExpression: 'REMOVE drawnA, drawnTransactionId SET drawnAt = :at', ExpressionAttributeValues: { ':at': now.toISOString() } }
        : { UpdateExpression: 'SET drawnA = :d, drawnTransactionId = :t, drawnAt = :at', ExpressionAttributeValues: { ':d': drawnA, ':t': transactionId, ':at': now.toISOString() } }),
      ConditionExpression: 'attribute_exists(siteId)',
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}
