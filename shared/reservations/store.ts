import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
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

export async function listReservations(chargePointId: string | undefined, limit: number, startKey?: Record<string, unknown>) {
  const out = chargePointId
    ? await db().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': chargePointId }, Limit: limit, ExclusiveStartKey: startKey }))
    : await db().send(new ScanCommand({ TableName: table(), Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []).map((i) => fromItem(i)!), lastKey: out.LastEvaluatedKey };
}

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
