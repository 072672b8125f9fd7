import { DeleteCommand, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from '../store/tables';
import type { Tariff } from './model';

/**
 * Tariffs in their own table (partition `tariffId`). The OCPI document is kept as JSON text, exactly
 * as validated, so DynamoDB's number rules never alter a price.
 */
export interface TariffRecord {
  tariffId: string;
  tariff: Tariff;
  createdAt: string;
  updatedAt: string;
}
interface Stored { tariffId: string; document: string; createdAt: string; updatedAt: string }

const table = () => tableName('tariffs');
const fromItem = (it: Stored): TariffRecord => ({ tariffId: it.tariffId, tariff: JSON.parse(it.document) as Tariff, createdAt: it.createdAt, updatedAt: it.updatedAt });

export async function getTariff(tariffId: string): Promise<TariffRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { tariffId } }));
  return out.Item ? fromItem(out.Item as Stored) : undefined;
}

/** Creates or replaces a tariff, keeping its creation time; `created` tells which. */
export async function putTariff(tariffId: string, tariff: Tariff, now = new Date()): Promise<{ item: TariffRecord; created: boolean }> {
  const before = await db().send(new GetCommand({ TableName: table(), Key: { tariffId }, ConsistentRead: true }));
  const stamped: Tariff = { ...tariff, id: tariffId, last_updated: now.toISOString() };
  const item: Stored = { tariffId, document: JSON.stringify(stamped), createdAt: (before.Item?.createdAt as string) ?? now.toISOString(), updatedAt: now.toISOString() };
  await db().send(new PutCommand({ TableName: table(), Item: item }));
  return { item: fromItem(item), created: !before.Item };
}

export async function deleteTariff(tariffId: string): Promise<boolean> {
  const out = await db().send(new DeleteCommand({ TableName: table(), Key: { tariffId }, ReturnValues: 'ALL_OLD' }));
  return !!out.Attributes;
}

export async function listTariffs(limit: number, startKey?: Record<string, unknown>) {
  const out = await db().send(new ScanCommand({ TableName: table(), Limit: limit, ExclusiveStartKey: startKey }));
  return { items: ((out.Items ?? []) as Stored[]).map(fromItem), lastKey: out.LastEvaluatedKey };
}
