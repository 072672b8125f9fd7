import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import type { OcppVersion } from '../ocpp/protocol';
import type { ChargingSchedule201, InstalledProfile } from '../smart-charging/types';
import { isConditionFailure } from './charge-points';
import { tableName } from './tables';

/**
 * The ChargingProfiles table: per charge point (partition), everything smart charging knows about
 * it. Sort keys, by item kind:
 *
 *   profile#<chargingProfileId>         a profile the CSMS's model says is installed (an id is unique
 *                                       on a charge point: the same id replaces, 1.6 §5.16.3, K01)
 *   limit#<evseId>#<chargingLimitSource> an external charging limit (2.0.1 K11–K13 NotifyChargingLimit)
 *   composite#<connectorId|evseId>      the last composite schedule the charge point reported (§5.7, K08)
 *   report#<requestId>                  a GetChargingProfiles request (K09) …
 *   report#<requestId>#<receivedAt>#<messageId>  … and each ReportChargingProfiles part that answered it
 *   needs#<evseId>                      the last NotifyEVChargingNeeds (K15)
 */
const table = () => tableName('chargingProfiles');

export interface ProfileItem {
  chargePointId: string;
  profileKey: string;
  chargingProfileId: number;
  version: OcppVersion;
  /** Shaped as the SetChargingProfile request that installed it (1.6 or 2.0.1), as sent. */
  profile: InstalledProfile;
  /** Wire purpose, location (connectorId / evseId) and stack level, for listing without parsing. */
  purpose: string;
  location: number;
  stackLevel: number;
  /** The transaction a TxProfile belongs to (from the profile, or bound by the CSMS); string. */
  transactionId?: string;
  /** A TxProfile sent in a remote start whose transaction has not started yet. */
  pendingStart?: { location?: number; idTag: string; remoteStartId?: number; acceptedAt: string };
  source: 'SetChargingProfile' | 'RemoteStartTransaction' | 'RequestStartTransaction';
  installedAt: string;
  messageId: string;
}

export interface LimitItem {
  chargePointId: string;
  profileKey: string;
  evseId: number;
  chargingLimitSource: string;
  isGridCritical?: boolean;
  chargingSchedule?: ChargingSchedule201[];
  receivedAt: string;
}

export interface CompositeReportItem {
  chargePointId: string;
  profileKey: string;
  location: number;
  version: OcppVersion;
  request: unknown;
  response: unknown;
  answeredAt: string;
  /** The CSMS's composite for the reported window and its comparison, computed when the answer arrived. */
  csms?: unknown;
  comparison?: unknown;
}

export interface ProfilesRequestItem {
  chargePointId: string;
  profileKey: string;
  requestId: number;
  request: unknown;
  status: string;
  answeredAt: string;
}

export interface ProfilesReportItem {
  chargePointId: string;
  profileKey: string;
  requestId: number;
  evseId: number;
  chargingLimitSource: string;
  chargingProfile: unknown[];
  tbc: boolean;
  receivedAt: string;
}

export const profileItemKey = (id: number) => `profile#${id}`;
export const limitItemKey = (evseId: number, source: string) => `limit#${evseId}#${source}`;
export const compositeItemKey = (location: number) => `composite#${location}`;
export const requestItemKey = (requestId: number) => `report#${requestId}`;

async function queryPrefix<T>(chargePointId: string, prefix: string): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'chargePointId = :cp AND begins_with(profileKey, :p)',
      ExpressionAttributeValues: { ':cp': chargePointId, ':p': prefix },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    }));
    items.push(...((out.Items ?? []) as T[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Installed profiles in install order (oldest first). */
export async function listProfileItems(chargePointId: string): Promise<ProfileItem[]> {
  const items = await queryPrefix<ProfileItem>(chargePointId, 'profile#');
  return items.sort((a, b) => (a.installedAt < b.installedAt ? -1 : a.installedAt > b.installedAt ? 1 : a.chargingProfileId - b.chargingProfileId));
}

export async function putProfileItem(item: Omit<ProfileItem, 'profileKey'>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, profileKey: profileItemKey(item.chargingProfileId) } }));
}

/** Deletes installed profiles; `unlessInstalledAt` keeps an item that was replaced meanwhile by a newer install. */
export async function deleteProfileItem(chargePointId: string, chargingProfileId: number, onlyIfInstalledAt?: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({
      TableName: table(),
      Key: { chargePointId, profileKey: profileItemKey(chargingProfileId) },
      ...(onlyIfInstalledAt ? { ConditionExpression: 'installedAt = :at', ExpressionAttributeValues: { ':at': onlyIfInstalledAt } } : {}),
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/** Binds a pending remote-start TxProfile to its transaction; false when it was bound or replaced meanwhile. */
export async function bindProfileItem(chargePointId: string, chargingProfileId: number, installedAt: string, profile: InstalledProfile, location: number, transactionId: string): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, profileKey: profileItemKey(chargingProfileId) },
      UpdateExpression: 'SET profile = :p, #loc = :l, transactionId = :t REMOVE pendingStart',
      ConditionExpression: 'installedAt = :at AND attribute_exists(pendingStart)',
      ExpressionAttributeNames: { '#loc': 'location' },
      ExpressionAttributeValues: { ':p': profile, ':l': location, ':t': transactionId, ':at': installedAt },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

export async function listLimitItems(chargePointId: string): Promise<LimitItem[]> {
  const items = await queryPrefix<LimitItem>(chargePointId, 'limit#');
  return items.sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
}

export async function putLimitItem(item: Omit<LimitItem, 'profileKey'>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, profileKey: limitItemKey(item.evseId, item.chargingLimitSource) } }));
}

export async function deleteLimitItem(chargePointId: string, evseId: number, source: string): Promise<void> {
  await db().send(new DeleteCommand({ TableName: table(), Key: { chargePointId, profileKey: limitItemKey(evseId, source) } }));
}

export async function putCompositeReport(item: Omit<CompositeReportItem, 'profileKey'>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, profileKey: compositeItemKey(item.location) } }));
}

export async function getCompositeReport(chargePointId: string, location: number): Promise<CompositeReportItem | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { chargePointId, profileKey: compositeItemKey(location) }, ConsistentRead: true }));
  return out.Item as CompositeReportItem | undefined;
}

export async function putProfilesRequest(item: Omit<ProfilesRequestItem, 'profileKey'>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, profileKey: requestItemKey(item.requestId) } }));
}

export async function putProfilesReport(item: Omit<ProfilesReportItem, 'profileKey'>, messageId: string): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, profileKey: `${requestItemKey(item.requestId)}#${item.receivedAt}#${messageId}` } }));
}

/** A GetChargingProfiles request and the report parts received for it. */
export async function getProfilesReport(chargePointId: string, requestId: number): Promise<{ request?: ProfilesRequestItem; parts: ProfilesReportItem[] }> {
  const key = requestItemKey(requestId);
  const [out, parts] = await Promise.all([
    db().send(new GetCommand({ TableName: table(), Key: { chargePointId, profileKey: key }, ConsistentRead: true })),
    // The trailing '#' keeps report#1 from matching report#12.
    queryPrefix<ProfilesReportItem>(chargePointId, `${key}#`),
  ]);
  return { request: out.Item as ProfilesRequestItem | undefined, parts };
}

export async function putChargingNeeds(chargePointId: string, evseId: number, item: Record<string, unknown>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...item, chargePointId, profileKey: `needs#${evseId}`, evseId } }));
}

export async function listChargingNeeds(chargePointId: string): Promise<Record<string, unknown>[]> {
  return queryPrefix<Record<string, unknown>>(chargePointId, 'needs#');
}
