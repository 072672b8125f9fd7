import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from './tables';

/** How a CSMS→charge point call ended, as the waiting caller reads it. */
export type CallOutcome =
  | { kind: 'result'; payload: unknown }
  | { kind: 'error'; code: string; description: string; details: unknown }
  | { kind: 'invalid'; message: string; payload: unknown };

export interface CallResult {
  messageId: string;
  chargePointId: string;
  action: string;
  outcome: CallOutcome;
  answeredAt: string;
  /**
   * What the answer changes in the CSMS's model (shared/calls/effects.ts): `pending` while the
   * effects run (the outcome is recorded first, so an answered call is never reported as a
   * timeout), then `done` or `failed` (with the names of the effects that failed after retries).
   * Absent when the action has no effects.
   */
  effects?: 'pending' | 'done' | 'failed';
  failedEffects?: string[];
  expiresAt: number;
}

const RETENTION_S = 24 * 3600;

export async function putCallResult(r: Omit<CallResult, 'expiresAt'>): Promise<void> {
  await db().send(new PutCommand({
    TableName: tableName('callResults'),
    Item: { ...r, expiresAt: Math.floor(Date.parse(r.answeredAt) / 1000) + RETENTION_S },
  }));
}

export async function getCallResult(messageId: string): Promise<CallResult | undefined> {
  const out = await db().send(new GetCommand({ TableName: tableName('callResults'), Key: { messageId }, ConsistentRead: true }));
  return out.Item as CallResult | undefined;
}

/** The effects of a recorded answer have run: `failed` names those that failed after every attempt. */
export async function settleCallEffects(messageId: string, failed: string[]): Promise<void> {
  await db().send(new UpdateCommand({
    TableName: tableName('callResults'),
    Key: { messageId },
    UpdateExpression: failed.length ? 'SET effects = :s, failedEffects = :f' : 'SET effects = :s',
    ExpressionAttributeValues: failed.length ? { ':s': 'failed', ':f': failed } : { ':s': 'done' },
  }));
}
