import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
import { fillPage, type Key } from '../store/pages';
import { tableName } from '../store/tables';

/**
 * The Reservations table: one item per (charge point, reservationId) with its lifecycle
 * Active → Used | Cancelled | Expired. The sort key is the reservation id as a string (the
 * table's key type); the API speaks integers.
 */
export type ReservationStatus = 'Active' | 'Used' | 'Cancelled' | 'Expired';
export const RESERVATION_STATUSES: ReservationStatus[] = ['Active', 'Used', 'Cancelled', 'Expired'];

export interface Reservation {
  chargePointId: string;
  reservationId: number;
  /** 1.6 connectorId (0 = any connector). */
  connectorId?: number;
  /** 2.0.1 evseId (absent = any EVSE) and connectorType. */
  evseId?: number;
  connectorType?: string;
  idTag: string;
  parentIdTag?: string;
  expiryDate: string;
  status: ReservationStatus;
  version: '1.6' | '2.0.1';
  createdAt: string;
  updatedAt: string;
  executionArn?: string;
  usedAt?: string;
  transactionId?: string;
  cancelledAt?: string;
  expiredAt?: string;
  /** 2.0.1 H04: what the station's ReservationStatusUpdate said (Expired / Removed), when it ended it. */
  stationStatus?: 'Expired' | 'Removed';
}

const table = () => tableName('reservations');
const fromItem = (item: Record<string, unknown> | undefined): Reservation | undefined =>
  item ? ({ ...item, reservationId: Number(item.reservationId) } as Reservation) : undefined;

/** Creates the reservation, or replaces one with the same id (1.6 §5.13: the charge point replaces it too). */
export async function putReservation(r: Reservation): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...r, reservationId: String(r.reservationId) } }));
}

export async function getReservation(chargePointId: string, reservationId: number): Promise<Reservation | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { chargePointId, reservationId: String(reservationId) }, ConsistentRead: true }));
  return fromItem(out.Item);
}

/** The attributes of a page token: the table's key, and the byStatus index's with a status (plus the phase for Expired). */
export const RESERVATION_TOKEN = ['chargePointId', 'reservationId'];
export const RESERVATION_STATUS_TOKEN = ['chargePointId', 'reservationId', 'status', 'expiryDate'];

/** The status an operator sees: an Active reservation past its expiry is Expired even before the workflow marks it. */
export const effectiveStatus = (r: { status: ReservationStatus; expiryDate: string }, now: Date): ReservationStatus =>
  r.status === 'Active' && Date.parse(r.expiryDate) <= now.getTime() ? 'Expired' : r.status;

/**
 * One full page of reservations (docs/operator-api.md "Lists").
 * - of one charge point: its partition, by reservation id (a status filters within it);
 * - with a status, across charge points: the byStatus index, by expiry — Active: not yet expired,
 *   soonest first; Expired: the Active ones already past their expiry, then the stored Expired
 *   ones, latest expiry first; Used, Cancelled: latest expiry first;
 * - neither: a Scan, in storage order.
 */
export async function listReservations(
  f: { chargePointId?: string; status?: ReservationStatus },
  limit: number,
  startKey?: Key,
  now = new Date(),
): Promise<{ items: Reservation[]; lastKey?: Key }> {
  const nowIso = now.toISOString();
  const convert = (page: { items: Record<string, unknown>[]; lastKey?: Key }) => ({ items: page.items.map((i) => fromItem(i)!), lastKey: page.lastKey });
  if (f.chargePointId) {
    return convert(await fillPage({
      limit, startKey, keyNames: RESERVATION_TOKEN,
      keep: f.status ? (i) => effectiveStatus(fromItem(i)!, now) === f.status : undefined,
      read: async (key, n) => {
        const out = await db().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': f.chargePointId }, Limit: n, ExclusiveStartKey: key }));
        return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
      },
    }));
  }
  if (!f.status) {
    const out = await db().send(new ScanCommand({ TableName: table(), Limit: limit, ExclusiveStartKey: startKey }));
    return convert({ items: out.Items ?? [], lastKey: out.LastEvaluatedKey });
  }
  const byStatus = (status: ReservationStatus, expiry?: { op: '>' | '<='; at: string }, forward = false) => (key: Key | undefined, n: number) =>
    db().send(new QueryCommand({
      TableName: table(),
      IndexName: 'byStatus',
      KeyConditionExpression: `#s = :s${expiry ? ` AND expiryDate ${expiry.op} :e` : ''}`,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ...(expiry && { ':e': expiry.at }) },
      ScanIndexForward: forward,
      Limit: n,
      ExclusiveStartKey: key,
    })).then((out) => ({ items: out.Items ?? [], lastKey: out.LastEvaluatedKey }));
  if (f.status === 'Active') return convert(await fillPage({ limit, startKey, keyNames: RESERVATION_STATUS_TOKEN, read: byStatus('Active', { op: '>', at: nowIso }, true) }));
  if (f.status !== 'Expired') return convert(await fillPage({ limit, startKey, keyNames: RESERVATION_STATUS_TOKEN, read: byStatus(f.status) }));
  // Expired: two ranges of the index, one after the other; the token's `status` tells which one it is in.
  const items: Record<string, unknown>[] = [];
  if (!startKey || startKey.status === 'Active') {
    const first = await fillPage({ limit, startKey, keyNames: RESERVATION_STATUS_TOKEN, read: byStatus('Active', { op: '<=', at: nowIso }) });
    items.push(...first.items);
    if (first.lastKey) return convert({ items, lastKey: first.lastKey });
    startKey = undefined;
  }
  if (items.length === limit) return convert({ items, lastKey: { ...keyOfLast(items), status: 'Active' } });
  const rest = await fillPage({ limit: limit - items.length, startKey, keyNames: RESERVATION_STATUS_TOKEN, read: byStatus('Expired') });
  return convert({ items: [...items, ...rest.items], lastKey: rest.lastKey });
}
const keyOfLast = (items: Record<string, unknown>[]) => {
  const last = items.at(-1)!;
  return { chargePointId: last.chargePointId, reservationId: last.reservationId, expiryDate: last.expiryDate };
};

export async function setReservationAttributes(chargePointId: string, reservationId: number, attrs: Partial<Reservation>): Promise<void> {
  const entries = Object.entries(attrs).filter(([, v]) => v !== undefined);
  if (!entries.length) return;
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, reservationId: String(reservationId) },
      UpdateExpression: `SET ${entries.map((_e, i) => `#a${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(chargePointId)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/**
 * Moves a reservation to `to` if it is in one of `from` (and, when given, still has that expiry:
 * a replaced reservation is not expired by the workflow of the one it replaced). One conditional
 * write; false when the reservation was not in that state.
 */
export async function transitionReservation(
  chargePointId: string,
  reservationId: number,
  from: ReservationStatus[],
  to: ReservationStatus,
  attrs: Partial<Reservation> = {},
  expiryDate?: string,
): Promise<boolean> {
  const entries = Object.entries({ ...attrs, status: to, updatedAt: new Date().toISOString() }).filter(([, v]) => v !== undefined);
  const values: Record<string, unknown> = Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v]));
  from.forEach((s, i) => (values[`:f${i}`] = s));
  let condition = `#status IN (${from.map((_s, i) => `:f${i}`).join(', ')})`;
  if (expiryDate) {
    values[':e'] = expiryDate;
    condition += ' AND expiryDate = :e';
  }
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, reservationId: String(reservationId) },
      UpdateExpression: `SET ${entries.map((_e, i) => `#a${i} = :v${i}`).join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: { ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])), '#status': 'status' },
      ExpressionAttributeValues: values,
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}
