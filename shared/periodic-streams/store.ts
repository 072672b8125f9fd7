import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from '../store/tables';

/**
 * OCPP 2.1 periodic event streams (N01 part "Periodic event streams", 2.1 part 2 §N), kept in the
 * MeterValues table, whose layout (series → time-ordered items) is what a stream is:
 * - `${cp}#pes` / `<streamId>`: the stream as opened (constantStreamData) and, once closed, `closedAt`;
 * - `${cp}#pes#<streamId>` / `<basetime>#<messageId>`: one item per NotifyPeriodicEventStream,
 *   its `data` array as sent. One PutItem per message, nothing read: the whole cost of a SEND
 *   that stations send every few seconds. A repeated message (same id) overwrites its own item.
 */
export interface StreamItem {
  seriesId: string;
  sampleKey: string;
  chargePointId: string;
  streamId: number;
  variableMonitoringId: number;
  params: { interval?: number; values?: number };
  openedAt: string;
  closedAt?: string;
}
export interface StreamDataItem {
  seriesId: string;
  sampleKey: string;
  chargePointId: string;
  streamId: number;
  basetime: string;
  pending: number;
  data: Array<{ t: number; v: string }>;
  messageId: string;
  receivedAt: string;
}

const streamsOf = (cp: string) => `${cp}#pes`;
const dataOf = (cp: string, streamId: number) => `${cp}#pes#${streamId}`;
const streamKey = (streamId: number) => String(streamId).padStart(10, '0');

export async function openStream(cp: string, s: { id: number; variableMonitoringId: number; params: StreamItem['params'] }, at: Date): Promise<void> {
  const item: StreamItem = { seriesId: streamsOf(cp), sampleKey: streamKey(s.id), chargePointId: cp, streamId: s.id, variableMonitoringId: s.variableMonitoringId, params: s.params, openedAt: at.toISOString() };
  await db().send(new PutCommand({ TableName: tableName('meterValues'), Item: item }));
}

/** Marks a known stream closed; false when no such stream was opened. */
export async function closeStream(cp: string, streamId: number, at: Date): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('meterValues'), Key: { seriesId: streamsOf(cp), sampleKey: streamKey(streamId) },
      UpdateExpression: 'SET closedAt = :at', ConditionExpression: 'attribute_exists(sampleKey)', ExpressionAttributeValues: { ':at': at.toISOString() },
    }));
    return true;
  } catch (e) {
    if ((e as { name?: string })?.name === 'ConditionalCheckFailedException') return false;
    throw e;
  }
}

/** Adjust/GetPeriodicEventStream answers keep the stored parameters current. */
export async function setStreamParams(cp: string, streamId: number, params: StreamItem['params']): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('meterValues'), Key: { seriesId: streamsOf(cp), sampleKey: streamKey(streamId) },
      UpdateExpression: 'SET params = :p', ConditionExpression: 'attribute_exists(sampleKey)', ExpressionAttributeValues: { ':p': params },
    }));
  } catch (e) {
    if ((e as { name?: string })?.name !== 'ConditionalCheckFailedException') throw e;
  }
}

export async function putStreamData(cp: string, p: { id: number; pending: number; basetime: string; data: StreamDataItem['data'] }, messageId: string, at: Date): Promise<void> {
  const item: StreamDataItem = {
    seriesId: dataOf(cp, p.id), sampleKey: `${new Date(p.basetime).toISOString()}#${messageId}`, chargePointId: cp, streamId: p.id,
    basetime: p.basetime, pending: p.pending, data: p.data, messageId, receivedAt: at.toISOString(),
  };
  await db().send(new PutCommand({ TableName: tableName('meterValues'), Item: item }));
}

async function query<T>(seriesId: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: tableName('meterValues'), KeyConditionExpression: 'seriesId = :s', ExpressionAttributeValues: { ':s': seriesId }, ExclusiveStartKey: startKey, Limit: limit - items.length,
    }));
    items.push(...((out.Items ?? []) as T[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}

export const listStreams = (cp: string, limit = 500) => query<StreamItem>(streamsOf(cp), limit);
export const readStreamData = (cp: string, streamId: number, limit = 1000) => query<StreamDataItem>(dataOf(cp, streamId), limit);
