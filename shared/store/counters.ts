import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { db } from '../aws';
import { setAttributesExpression } from './expressions';
import { isConditionFailure } from './charge-points';
import { tableName } from './tables';

/**
 * The Counters table: atomic counters (transaction ids) and small keyed records such as
 * idempotency claims of retried messages and remote-start requests. Records carry a TTL for
 * clean-up only; nothing relies on it for correctness.
 */
const table = () => tableName('counters');

/** Atomically adds `by` to a counter (created at 0) and returns the new value: one UpdateItem. */
export async function addToCounter(key: string, by: number): Promise<number> {
  const out = await db().send(new UpdateCommand({
    TableName: table(),
    Key: { key },
    UpdateExpression: 'ADD #v :by',
    ExpressionAttributeNames: { '#v': 'value' },
    ExpressionAttributeValues: { ':by': by },
    ReturnValues: 'UPDATED_NEW',
  }));
  return Number(out.Attributes?.value);
}

/** Moves a counter from `expected` to `value` (a wrap-around); false when another process moved it first. */
export async function resetCounter(key: string, expected: number, value: number): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { key },
      UpdateExpression: 'SET #v = :v',
      ConditionExpression: '#v = :expected',
      ExpressionAttributeNames: { '#v': 'value' },
      ExpressionAttributeValues: { ':v': value, ':expected': expected },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * The item a failed conditional write found, when DynamoDB returned it
 * (ReturnValuesOnConditionCheckFailure=ALL_OLD). The embedded DynamoDB does not return it:
 * callers fall back to a consistent read, which only happens on that rare path.
 */
export function itemOfConditionFailure(e: unknown): Record<string, unknown> | undefined {
  const raw = (e as { Item?: Record<string, unknown> })?.Item;
  if (!raw || typeof raw !== 'object') return undefined;
  return unmarshall(raw as Parameters<typeof unmarshall>[0]);
}

export interface Claim<T> {
  /** True when this call created the record; false when it already existed (a retry). */
  created: boolean;
  value: T;
}

/**
 * Creates `key` with `value` unless it exists, in one conditional Put; when it exists, returns
 * what is stored. The basis of retried-message idempotency.
 */
export async function claimOnce<T extends Record<string, unknown>>(key: string, value: T, ttlSeconds: number, now = new Date()): Promise<Claim<T>> {
  try {
    await db().send(new PutCommand({
      TableName: table(),
      Item: { ...value, key, createdAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds },
      ConditionExpression: 'attribute_not_exists(#k)',
      ExpressionAttributeNames: { '#k': 'key' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    return { created: true, value };
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const existing = itemOfConditionFailure(e) ?? (await getRecord(key));
    if (!existing) return claimOnce(key, value, ttlSeconds, now); // deleted in between: claim again
    return { created: false, value: existing as T };
  }
}

/** A keyed record (e.g. a remote-start request); written whole. */
export async function putRecord(key: string, value: Record<string, unknown>, ttlSeconds: number, now = new Date()): Promise<void> {
  await db().send(new PutCommand({
    TableName: table(),
    Item: { ...value, key, createdAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + ttlSeconds },
  }));
}

export async function getRecord(key: string): Promise<Record<string, unknown> | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { key }, ConsistentRead: true }));
  return out.Item;
}

/** Sets attributes of an existing record; false when there is no such record. */
export async function updateRecord(key: string, attrs: Record<string, unknown>): Promise<boolean> {
  const set = setAttributesExpression(attrs, { '#k': 'key' });
  if (!set) return true;
  try {
    await db().send(new UpdateCommand({ TableName: table(), Key: { key }, ...set, ConditionExpression: 'attribute_exists(#k)' }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}
