import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { config } from '../config';
import type { Generation } from './transactions';
import { tableName } from './tables';

/**
 * Meter values, one item per inbound message (MeterValues, StopTransaction.transactionData,
 * TransactionEvent.meterValue), the MeterValue array stored exactly as received so every
 * measurand, phase, location, unit, context and format survives.
 *
 * seriesId: `${cp}#tx#${transactionId}` for a transaction's values, `${cp}#connector#${n}` (1.6) or
 * `${cp}#evse#${n}` (2.0.x) for values outside one. sampleKey: first sample time (UTC ISO) + a
 * fingerprint of the content, so a series reads back in time order with one Query and a retried
 * message overwrites its own item instead of adding a copy.
 */
export interface MeterValuesItem {
  seriesId: string;
  sampleKey: string;
  chargePointId: string;
  version: Generation;
  connectorId?: number;
  evseId?: number;
  transactionId?: string;
  /** The wire MeterValue[] of that version. */
  meterValue: unknown[];
  /** What carried them: MeterValues, StopTransaction, TransactionEvent. */
  source: string;
  messageId: string;
  receivedAt: string;
  /** Epoch seconds after which DynamoDB may delete the item, when a retention is set (withRetention). */
  expiresAt?: number;
}

/**
 * The item with its expiry when meter values have a retention (CSMS_METER_VALUES_DAYS): counted
 * from when the CSMS received them, so a station's offline backlog with old timestamps is kept as
 * long as anything else. Sessions already billed keep their totals on the transaction.
 */
function withRetention(item: MeterValuesItem): MeterValuesItem {
  const days = config.meterValuesDays();
  if (!(days > 0)) return item;
  const received = Date.parse(item.receivedAt);
  return { ...item, expiresAt: Math.floor((Number.isNaN(received) ? Date.now() : received) / 1000) + days * 86_400 };
}

export const transactionSeries = (chargePointId: string, transactionId: string) => `${chargePointId}#tx#${transactionId}`;
export const connectorSeries = (chargePointId: string, connectorId: number) => `${chargePointId}#connector#${connectorId}`;
export const evseSeries = (chargePointId: string, evseId: number) => `${chargePointId}#evse#${evseId}`;

/** One PutItem: the whole storage cost of a MeterValues message. */
export async function putMeterValues(item: MeterValuesItem): Promise<void> {
  await db().send(new PutCommand({ TableName: tableName('meterValues'), Item: withRetention(item) }));
}

/**
 * Like putMeterValues, but only when the item is new: false when this exact message was stored
 * before, so the caller can treat it as a duplicate (2.0.1 periodic TransactionEvents).
 */
export async function putMeterValuesOnce(item: MeterValuesItem): Promise<boolean> {
  try {
    await db().send(new PutCommand({ TableName: tableName('meterValues'), Item: withRetention(item), ConditionExpression: 'attribute_not_exists(sampleKey)' }));
    return true;
  } catch (e) {
    if ((e as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

/** A whole series in time order (paged internally; `max` items at most). */
export async function readSeries(seriesId: string, max = 10_000): Promise<MeterValuesItem[]> {
  const items: MeterValuesItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: tableName('meterValues'),
      KeyConditionExpression: 'seriesId = :s',
      ExpressionAttributeValues: { ':s': seriesId },
      ExclusiveStartKey: startKey,
      Limit: Math.min(1000, max - items.length),
    }));
    items.push(...((out.Items ?? []) as MeterValuesItem[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey && items.length < max);
  return items;
}

/** The attributes of a page token of a series. */
export const SERIES_TOKEN = ['seriesId', 'sampleKey'];

/** One page of a series in time order (of each message's first sample): `limit` messages at most. */
export async function readSeriesPage(seriesId: string, limit: number, startKey?: Record<string, unknown>): Promise<{ items: MeterValuesItem[]; lastKey?: Record<string, unknown> }> {
  const out = await db().send(new QueryCommand({
    TableName: tableName('meterValues'),
    KeyConditionExpression: 'seriesId = :s',
    ExpressionAttributeValues: { ':s': seriesId },
    ExclusiveStartKey: startKey,
    Limit: limit,
  }));
  return { items: (out.Items ?? []) as MeterValuesItem[], lastKey: out.LastEvaluatedKey };
}
