import { BatchGetCommand, DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';

/**
 * Throttling of failed password checks at `$connect`, shared by every authorizer instance through
 * the Counters table. Failures count per (identity, source address) and per source address, never
 * per identity alone: an attacker elsewhere cannot lock a real station out, and a station's own
 * failures (e.g. after a password change) delay it by at most `maxMs`. After `free` failures each
 * further one doubles the wait from `baseMs`; a record is forgotten `forgetAfterMs` after its last
 * failure, and a successful check clears the (identity, source) record.
 */
export interface ThrottlePolicy {
  free: number;
  baseMs: number;
  maxMs: number;
}
export const PAIR_POLICY: ThrottlePolicy = { free: 3, baseMs: 1000, maxMs: 60_000 };
/** Many stations may share one address (NAT at a site): a higher allowance. */
export const SOURCE_POLICY: ThrottlePolicy = { free: 20, baseMs: 1000, maxMs: 60_000 };
export const FORGET_AFTER_MS = 15 * 60_000;

export interface FailureRecord {
  failures: number;
  lastFailureAt: number;
}

/** Until when attempts are refused without checking the password (0: not throttled). */
export function blockedUntil(rec: FailureRecord | undefined, policy: ThrottlePolicy, now: number): number {
  if (!rec || now - rec.lastFailureAt >= FORGET_AFTER_MS || rec.failures < policy.free) return 0;
  const wait = Math.min(policy.maxMs, policy.baseMs * 2 ** (rec.failures - policy.free));
  return rec.lastFailureAt + wait;
}

export interface ThrottleKeys {
  pair: string;
  source: string;
}
export const throttleKeys = (identity: string, source: string): ThrottleKeys => ({
  pair: `authFailures#${identity}#${source}`,
  source: `authFailures#source#${source}`,
});

export interface ThrottleStore {
  read(keys: ThrottleKeys): Promise<{ pair?: FailureRecord; source?: FailureRecord }>;
  recordFailure(keys: ThrottleKeys, now: number): Promise<void>;
  clear(key: string): Promise<void>;
}

/** Refused-until time of an attempt, from both records. */
export function throttledUntil(recs: { pair?: FailureRecord; source?: FailureRecord }, now: number): number {
  return Math.max(blockedUntil(recs.pair, PAIR_POLICY, now), blockedUntil(recs.source, SOURCE_POLICY, now));
}

const table = () => tableName('counters');
const ttl = (now: number) => Math.floor((now + FORGET_AFTER_MS) / 1000) + 60;

/** The Counters-table store: one BatchGet per checked attempt, two updates per failure. */
export const dynamoThrottleStore: ThrottleStore = {
  async read(keys) {
    const out = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: [{ key: keys.pair }, { key: keys.source }] } } }));
    const items = out.Responses?.[table()] ?? [];
    const pick = (k: string) => {
      const it = items.find((i) => i.key === k);
      return it ? { failures: Number(it.failures ?? 0), lastFailureAt: Number(it.lastFailureAt ?? 0) } : undefined;
    };
    return { pair: pick(keys.pair), source: pick(keys.source) };
  },
  async recordFailure(keys, now) {
    await Promise.all([keys.pair, keys.source].map(async (key) => {
      try {
        // Count on from a recent record…
        await db().send(new UpdateCommand({
          TableName: table(),
          Key: { key },
          UpdateExpression: 'ADD failures :one SET lastFailureAt = :now, expiresAt = :exp',
          ConditionExpression: 'lastFailureAt > :stale',
          ExpressionAttributeValues: { ':one': 1, ':now': now, ':exp': ttl(now), ':stale': now - FORGET_AFTER_MS },
        }));
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        // …or start again (absent or forgotten).
        await db().send(new PutCommand({ TableName: table(), Item: { key, failures: 1, lastFailureAt: now, expiresAt: ttl(now) } }));
      }
    }));
  },
  async clear(key) {
    await db().send(new DeleteCommand({ TableName: table(), Key: { key } }));
  },
};
