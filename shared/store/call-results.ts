import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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
