import { createHash, randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from './tables';

/**
 * Per charge point event log (table `events`): security events (A04), monitoring events
 * (NotifyEvent N07/N08), command outcomes worth keeping (e.g. Reset answers) and anomalies
 * other modules record. One item per event, keyed `<timestamp>#<kind>#<id>` so a charge
 * point's events read back in time order; `kind` is a free category string.
 *
 * Items carry an `expiresAt` TTL (CSMS_EVENTS_DAYS, default 90); readers skip expired items
 * because AWS deletes them up to 48 h late.
 */
export interface NewEvent {
  kind: string;
  /** When it happened (the charge point's timestamp when it gives one). */
  at: Date | string;
  /** Deterministic id makes a retried message overwrite instead of duplicate; random when absent. */
  id?: string;
  data: Record<string, unknown>;
}

export interface StoredEvent {
  /** `<timestamp>#<kind>#<id>`: opaque to callers, unique per charge point. */
  eventKey: string;
  kind: string;
  at: string;
  recordedAt: string;
  [field: string]: unknown;
}

const RESERVED = new Set(['chargePointId', 'eventKey', 'kind', 'at', 'recordedAt', 'expiresAt']);

function retentionDays(): number {
  const v = Number(process.env.CSMS_EVENTS_DAYS);
  return Number.isFinite(v) && v > 0 ? v : 90;
}

/** A short stable id from the content of an event (for retried messages without their own id). */
export function contentId(...parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

function toItem(chargePointId: string, e: NewEvent, now: Date) {
  const at = new Date(e.at);
  const iso = Number.isNaN(at.getTime()) ? now.toISOString() : at.toISOString();
  const data = Object.fromEntries(Object.entries(e.data).filter(([k]) => !RESERVED.has(k)));
  return {
    ...data,
    chargePointId,
    eventKey: `${iso}#${e.kind}#${e.id ?? randomUUID()}`,
    kind: e.kind,
    at: iso,
    recordedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + Math.round(retentionDays() * 86400),
  };
}

/** Stores events (batched, 25 per request, unprocessed items retried). */
export async function putEvents(chargePointId: string, events: NewEvent[], now = new Date()): Promise<string[]> {
  // One message may repeat an event (same key): BatchWrite refuses duplicate keys, the last one wins.
  const items = [...new Map(events.map((e) => toItem(chargePointId, e, now)).map((it) => [it.eventKey, it])).values()];
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt >= 8) throw new Error(`events: ${requests.length} item(s) left unprocessed after retries`);
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [tableName('events')]: requests } }));
      requests = (out.UnprocessedItems?.[tableName('events')] ?? []) as typeof requests;
      if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
  return items.map((it) => it.eventKey);
}

/** Stores one event; returns its key. */
export async function putEvent(chargePointId: string, kind: string, at: Date | string, data: Record<string, unknown>, id?: string): Promise<string> {
  const [key] = await putEvents(chargePointId, [{ kind, at, data, id }]);
  return key;
}

export interface EventPage {
  items: StoredEvent[];
  lastKey?: Record<string, unknown>;
}

/**
 * Events of one charge point, newest first, optionally of one kind. A kind filter reads on
 * until the page is full (or a bounded number of reads), so pages stay close to `limit`.
 */
export async function listEvents(
  chargePointId: string,
  opts: { kind?: string; limit?: number; startKey?: Record<string, unknown> } = {},
  nowSec = Date.now() / 1000,
): Promise<EventPage> {
  const limit = opts.limit ?? 50;
  const items: StoredEvent[] = [];
  let startKey = opts.startKey;
  for (let reads = 0; reads < 20; reads++) {
    const out = await db().send(new QueryCommand({
      TableName: tableName('events'),
      KeyConditionExpression: 'chargePointId = :cp',
      ExpressionAttributeValues: { ':cp': chargePointId, ...(opts.kind ? { ':k': opts.kind } : {}) },
      ...(opts.kind ? { FilterExpression: '#kind = :k', ExpressionAttributeNames: { '#kind': 'kind' } } : {}),
      ScanIndexForward: false,
      Limit: limit,
      ExclusiveStartKey: startKey,
    }));
    for (const it of out.Items ?? []) {
      if (typeof it.expiresAt === 'number' && it.expiresAt < nowSec) continue;
      const { chargePointId: _cp, expiresAt: _x, ...rest } = it;
      items.push(rest as StoredEvent);
      if (items.length === limit) {
        // Stopped inside a page: continue right after the last item handed out.
        const more = it !== out.Items![out.Items!.length - 1] || out.LastEvaluatedKey !== undefined;
        return { items, lastKey: more ? { chargePointId, eventKey: it.eventKey } : undefined };
      }
    }
    startKey = out.LastEvaluatedKey;
    if (!startKey) return { items };
  }
  return { items, lastKey: startKey };
}
