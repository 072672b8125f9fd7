import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditDb, db } from '../aws';
import { config } from '../config';
import { log } from '../log';
import { tableName } from './tables';

/**
 * Audit log of OCPP exchanges: one item per request/answer pair (one write, not two), kept for
 * CSMS_MESSAGE_LOG_DAYS days through TTL. Disabled with CSMS_MESSAGE_LOG=false.
 * Heartbeats are left out unless CSMS_MESSAGE_LOG_HEARTBEATS=true: at one per 5 minutes they would
 * be most of the log's writes while saying only "still there", which last-seen already records
 * (and the Heartbeat budget is ≤ 0.1 DynamoDB operations per message, docs/performance.md).
 *
 * Entries are written by group commit: an entry goes out at once when no write of the log is in
 * flight; entries that arrive while writes are in flight wait for one to finish and then go
 * together, up to 25 in one BatchWriteItem. A caller's promise settles when its own entry is
 * stored, so nothing is answered before its entry is written. A Lambda handles one message at a
 * time, so on AWS every write is a single PutItem as before; a process that answers many charge
 * points at once (the local runtime) makes one request where it made up to 25.
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
  const item = {
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
  };
  try {
    await enqueue(item);
  } catch (e) {
    // The audit log must never cost the charge point its answer.
    log.warn('message log write failed', { chargePointId, error: String(e) });
  }
}

type LogItem = { chargePointId: string; logKey: string } & Record<string, unknown>;
interface Waiting {
  item: LogItem;
  done: (e?: unknown) => void;
}

/** Writes of the log in flight at once (the size of auditDb's pool); entries beyond wait and go in the next batch. */
const MAX_IN_FLIGHT = 4;
const BATCH = 25;
const queue: Waiting[] = [];
let inFlight = 0;
/** Keys being written: a second entry with the same key waits for the first (the later one wins, as with two PutItems). */
const writing = new Set<string>();
const keyOf = (item: LogItem) => `${item.chargePointId}\u0000${item.logKey}`;

function enqueue(item: LogItem): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    queue.push({ item, done: (e) => (e === undefined ? resolve() : reject(e)) });
    pump();
  });
}

function pump(): void {
  while (inFlight < MAX_IN_FLIGHT && queue.length) {
    // Up to 25 entries, no key twice (BatchWriteItem refuses duplicates; a duplicate waits).
    const batch: Waiting[] = [];
    for (let i = 0; i < queue.length && batch.length < BATCH; ) {
      const key = keyOf(queue[i].item);
      if (writing.has(key)) {
        i++;
        continue;
      }
      writing.add(key);
      batch.push(queue.splice(i, 1)[0]);
    }
    if (!batch.length) return; // only duplicates of keys in flight: pumped again when those finish
    inFlight++;
    void write(batch).finally(() => {
      for (const w of batch) writing.delete(keyOf(w.item));
      inFlight--;
      pump();
    });
  }
}

async function write(batch: Waiting[]): Promise<void> {
  const table = tableName('messageLog');
  try {
    if (batch.length === 1) {
      await auditDb().send(new PutCommand({ TableName: table, Item: batch[0].item }));
      batch[0].done();
      return;
    }
    let left = batch;
    for (let attempt = 0; ; attempt++) {
      const out = await auditDb().send(new BatchWriteCommand({ RequestItems: { [table]: left.map((w) => ({ PutRequest: { Item: w.item } })) } }));
      const unprocessed = new Set((out.UnprocessedItems?.[table] ?? []).map((r) => keyOf(r.PutRequest?.Item as LogItem)));
      for (const w of left) if (!unprocessed.has(keyOf(w.item))) w.done();
      left = left.filter((w) => unprocessed.has(keyOf(w.item)));
      if (!left.length) return;
      if (attempt >= 4) throw new Error(`${left.length} audit log entries left unprocessed by DynamoDB`);
      // DynamoDB throttled part of the batch: back off as the SDK would (full jitter).
      await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** attempt));
    }
  } catch (e) {
    for (const w of batch) w.done(e);
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
