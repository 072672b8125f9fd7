import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from './tables';

/**
 * Authorization identifiers of both generations in one table (key scheme: shared/authorization/tokens.ts):
 * `idTag` is the normalised key, `idToken`/`type` what the operator wrote.
 */
export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
export const ID_TAG_STATUSES: IdTagStatus[] = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

export interface IdTagRecord {
  /** Normalised key: "ABC123" for a 1.6 idTag / ISO14443 token, "eMAID:NL-XYZ" for other 2.0.1 types. */
  idTag: string;
  idToken: string;
  type: string;
  status: IdTagStatus;
  expiryDate?: string;
  /** Group (1.6 parentIdTag, 2.0.1 groupIdToken), as the operator wrote it. */
  parentIdTag?: string;
  /** Per-tag override of CSMS_ALLOW_CONCURRENT_TX. */
  allowConcurrentTx?: boolean;
  createdAt: string;
  updatedAt: string;
}

const table = () => tableName('idTags');

/** One eventually consistent GetItem: the whole cost of an Authorize. */
export async function getIdTag(key: string): Promise<IdTagRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { idTag: key } }));
  return out.Item as IdTagRecord | undefined;
}

/** Creates or replaces a tag, keeping its creation time; `created` tells which. */
export async function putIdTag(record: Omit<IdTagRecord, 'createdAt' | 'updatedAt'>, now = new Date()): Promise<{ item: IdTagRecord; created: boolean }> {
  const before = await db().send(new GetCommand({ TableName: table(), Key: { idTag: record.idTag }, ConsistentRead: true }));
  const item: IdTagRecord = { ...record, createdAt: (before.Item?.createdAt as string) ?? now.toISOString(), updatedAt: now.toISOString() };
  await db().send(new PutCommand({ TableName: table(), Item: item }));
  return { item, created: !before.Item };
}

export async function deleteIdTag(key: string): Promise<boolean> {
  const out = await db().send(new DeleteCommand({ TableName: table(), Key: { idTag: key }, ReturnValues: 'ALL_OLD' }));
  return !!out.Attributes;
}

export async function listIdTags(limit: number, startKey?: Record<string, unknown>) {
  const out = await db().send(new ScanCommand({ TableName: table(), Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []) as IdTagRecord[], lastKey: out.LastEvaluatedKey };
}
