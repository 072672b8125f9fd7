import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { config } from '../config';
import { log } from '../log';
import { tableName } from './tables';

/**
 * Audit log of OCPP exchanges: one item per request/answer pair (one write, not two), kept for
 * CSMS_MESSAGE_LOG_DAYS days through TTL. Disabled with CSMS_MESSAGE_LOG=false.
 * Heartbeats are left out unless CSMS_MESSAGE_LOG_HEARTBEATS=true: at one per 5 minutes they would
 * be most of the log's writes while saying only "still there", which last-seen already records
 * (and the Heartbeat budget is ≤ 0.1 DynamoDB operations per message, DESIGN §7).
 */
export interface LoggedFrame {
  at: string;
  direction: 'in' | 'out';
  messageId: string;
  action?: string;
  frame: unknown;
}

export async function logExchange(
  chargePointId: string,
  call: { id: string; action: string; payload: unknown },
  answer: string | undefined,
  at: Date,
  direction: 'in' | 'out' = 'in',
  answeredAt = new Date(),
): Promise<void> {
  if (!config.messageLogEnabled()) return;
  if (call.action === 'Heartbeat' && process.env.CSMS_MESSAGE_LOG_HEARTBEATS !== 'true') return;
  try {
    await db().send(new PutCommand({
      TableName: tableName('messageLog'),
      Item: {
        chargePointId,
        logKey: `${at.toISOString()}#${call.id}#${direction}`,
        direction,
        action: call.action,
        messageId: call.id,
        at: at.toISOString(),
        call: [2, call.id, call.action, call.payload],
        answer: answer === undefined ? undefined : typeof answer === 'string' ? JSON.parse(answer) : answer,
        answeredAt: answer === undefined ? undefined : answeredAt.toISOString(),
        expiresAt: Math.floor(at.getTime() / 1000) + config.messageLogDays() * 86400,
      },
    }));
  } catch (e) {
    // The audit log must never cost the charge point its answer.
    log.warn('message log write failed', { chargePointId, error: String(e) });
  }
}

/** Frames of one charge point, newest first, as they went over the wire. */
export async function listMessages(chargePointId: string, limit: number, startKey?: Record<string, unknown>, nowSec = Date.now() / 1000) {
  const out = await db().send(new QueryCommand({
    TableName: tableName('messageLog'),
    KeyConditionExpression: 'chargePointId = :cp',
    ExpressionAttributeValues: { ':cp': chargePointId },
    ScanIndexForward: false,
    Limit: limit,
    ExclusiveStartKey: startKey,
  }));
  const items: LoggedFrame[] = [];
  for (const it of out.Items ?? []) {
    if (typeof it.expiresAt === 'number' && it.expiresAt < nowSec) continue; // TTL deletes late
    const callDir = it.direction as 'in' | 'out';
    const answerDir = callDir === 'in' ? 'out' : 'in';
    if (it.answer !== undefined) items.push({ at: it.answeredAt, direction: answerDir, messageId: it.messageId, action: it.action, frame: it.answer });
    items.push({ at: it.at, direction: callDir, messageId: it.messageId, action: it.action, frame: it.call });
  }
  return { items, lastKey: out.LastEvaluatedKey };
}
