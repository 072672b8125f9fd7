import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
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
  /**
   * The operator named the type (`ISO14443:X`, or a `type` in the body): the registration answers
   * only that type. Only meaningful under a bare key (other types' keys carry their type);
   * absent = untyped: the card-like types (shared/authorization/matching.ts).
   */
  typed?: boolean;
  status: IdTagStatus;
  expiryDate?: string;
  /** Group (1.6 parentIdTag, 2.0.1 groupIdToken), as the operator wrote it. */
  parentIdTag?: string;
  /** Per-tag override of CSMS_ALLOW_CONCURRENT_TX. */
  allowConcurrentTx?: boolean;
  /** The tariff of this driver's sessions (docs/tariffs.md "Which tariff a session gets"). */
  tariffId?: string;
  createdAt: string;
  updatedAt: string;
}

const table = () => tableName('idTags');

/** One eventually consistent GetItem: the whole cost of an Authorize. */
export async function getIdTag(key: string): Promise<IdTagRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { idTag: key } }));
  return out.Item as IdTagRecord | undefined;
}

/**
 * The records under several keys (a 2.0.x token and the untyped registration of its value) in one
 * eventually consistent BatchGetItem round trip; missing keys are simply absent.
 */
export async function getIdTags(keys: string[]): Promise<IdTagRecord[]> {
  if (keys.length === 1) {
    const one = await getIdTag(keys[0]);
    return one ? [one] : [];
  }
  const name = table();
  const found: IdTagRecord[] = [];
  let pending: { Keys: Record<string, unknown>[] } | undefined = { Keys: keys.map((idTag) => ({ idTag })) };
  for (let attempt = 0; pending?.Keys.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** attempt))); // unprocessed keys: back off (DynamoDB's advice)
    const out = await db().send(new BatchGetCommand({ RequestItems: { [name]: pending } }));
    found.push(...((out.Responses?.[name] ?? []) as IdTagRecord[]));
    pending = out.UnprocessedKeys?.[name] as { Keys: Record<string, unknown>[] } | undefined;
    if (attempt >= 5 && pending?.Keys.length) throw new Error('IdTags BatchGetItem left keys unprocessed');
  }
  return found;
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
