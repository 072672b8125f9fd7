import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';

/**
 * What the CSMS knows of the availability it asked for, per connector (1.6 key "N", 0 = the whole
 * charge point) or EVSE (2.0.1 key "evse" or "evse/connector", "0" = the station): the requested
 * type and the station's answer. Kept on the charge point record as `availability`.
 */
export interface AvailabilityEntry {
  type: 'Operative' | 'Inoperative';
  /** Accepted: done; Scheduled: after the running transaction(s); Rejected: refused. */
  status: 'Accepted' | 'Rejected' | 'Scheduled';
  requestedAt: string;
}

export async function recordAvailability(chargePointId: string, key: string, entry: AvailabilityEntry): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await db().send(new UpdateCommand({
        TableName: tableName('chargePoints'),
        Key: { chargePointId },
        UpdateExpression: 'SET #av.#k = :e',
        ConditionExpression: 'attribute_exists(#av)',
        ExpressionAttributeNames: { '#av': 'availability', '#k': key },
        ExpressionAttributeValues: { ':e': entry },
      }));
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    try {
      await db().send(new UpdateCommand({
        TableName: tableName('chargePoints'),
        Key: { chargePointId },
        UpdateExpression: 'SET #av = :m',
        ConditionExpression: 'attribute_exists(chargePointId) AND attribute_not_exists(#av)',
        ExpressionAttributeNames: { '#av': 'availability' },
        ExpressionAttributeValues: { ':m': { [key]: entry } },
      }));
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e; // someone created the map meanwhile (or the charge point is gone): try again
    }
  }
}
