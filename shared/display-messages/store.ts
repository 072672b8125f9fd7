import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { getChargePoint, isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';

/**
 * The CSMS's copy of a 2.0.1 station's display messages (O01–O06), kept in the ChargePoints item
 * as the map `displayMessages` (message id → message): a station holds a handful
 * (DisplayMessageCtrlr.Available), each ≤ 512 characters, so the map stays small.
 */
export interface DisplayMessage {
  id: number;
  priority: string;
  state?: string;
  startDateTime?: string;
  endDateTime?: string;
  transactionId?: string;
  message: { format: string; language?: string; content: string };
  display?: unknown;
  /** Where the CSMS learnt it: its own accepted SetDisplayMessage, or the station's NotifyDisplayMessages. */
  source: 'SetDisplayMessage' | 'NotifyDisplayMessages';
  updatedAt: string;
}

const table = () => tableName('chargePoints');

/** Sets (or replaces: O06, same id) one message in the copy. */
export async function putDisplayMessage(chargePointId: string, m: DisplayMessage): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await db().send(new UpdateCommand({
        TableName: table(), Key: { chargePointId },
        UpdateExpression: 'SET #dm.#id = :m',
        ConditionExpression: 'attribute_exists(#dm)',
        ExpressionAttributeNames: { '#dm': 'displayMessages', '#id': String(m.id) },
        ExpressionAttributeValues: { ':m': m },
      }));
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    try {
      await db().send(new UpdateCommand({
        TableName: table(), Key: { chargePointId },
        UpdateExpression: 'SET #dm = :map',
        ConditionExpression: 'attribute_exists(chargePointId) AND attribute_not_exists(#dm)',
        ExpressionAttributeNames: { '#dm': 'displayMessages' },
        ExpressionAttributeValues: { ':map': { [String(m.id)]: m } },
      }));
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      if (!(await getChargePoint(chargePointId, true))) return; // the charge point is gone
    }
  }
}

/** Removes one message from the copy (O05); nothing if it is not there. */
export async function removeDisplayMessage(chargePointId: string, id: number): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(), Key: { chargePointId },
      UpdateExpression: 'REMOVE #dm.#id',
      ConditionExpression: 'attribute_exists(#dm)',
      ExpressionAttributeNames: { '#dm': 'displayMessages', '#id': String(id) },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/** The copy, by message id; messages whose endDateTime has passed are left out (the station drops them too). */
export async function listDisplayMessages(chargePointId: string, now = Date.now()): Promise<DisplayMessage[] | undefined> {
  const cp = await getChargePoint(chargePointId);
  if (!cp) return undefined;
  const map = ((cp as { displayMessages?: Record<string, DisplayMessage> }).displayMessages) ?? {};
  return Object.values(map)
    .filter((m) => !m.endDateTime || !(Date.parse(m.endDateTime) <= now))
    .sort((a, b) => a.id - b.id);
}
