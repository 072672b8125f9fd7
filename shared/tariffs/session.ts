import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { getChargePoint, isConditionFailure } from '../store/charge-points';
import { getIdTag } from '../store/id-tags';
import { tableName } from '../store/tables';
import type { TransactionRecord } from '../store/transactions';
import { onTransactionStarted } from '../transactions/hooks';
import type { Tariff } from './model';
import { getTariff } from './store';

/** The tariff a session keeps: its id, how it was chosen, and the document as it was at the start. */
export interface SessionTariff {
  tariffId: string;
  source: 'idTag' | 'chargePoint' | 'default';
  tariff: Tariff;
}
/** The fields this block keeps on a transaction. */
export interface PricedTransaction { tariffId?: string; tariffSource?: SessionTariff['source']; tariffDocument?: string }

export const DEFAULT_TARIFF_ID = 'default';

/**
 * Which tariff a session gets (docs/tariffs.md): the id tag's `tariffId`, else the charge point's,
 * else the tariff `default` — the first of those that exists. Reads: the tag, the charge point and
 * the tariff(s), in parallel where possible.
 */
export async function chooseTariff(tx: Pick<TransactionRecord, 'chargePointId' | 'idTagKey'>): Promise<SessionTariff | undefined> {
  const [tag, cp] = await Promise.all([tx.idTagKey ? getIdTag(tx.idTagKey) : undefined, getChargePoint(tx.chargePointId)]);
  const candidates: Array<[string | undefined, SessionTariff['source']]> = [[tag?.tariffId, 'idTag'], [cp?.tariffId, 'chargePoint'], [DEFAULT_TARIFF_ID, 'default']];
  for (const [id, source] of candidates) {
    if (!id) continue;
    const found = await getTariff(id);
    if (found) return { tariffId: id, source, tariff: found.tariff };
  }
  return undefined;
}

/** Writes the chosen tariff onto the transaction once: a later run (a retry, a second hook run) changes nothing. */
export async function fixSessionTariff(tx: TransactionRecord): Promise<SessionTariff | undefined> {
  const chosen = await chooseTariff(tx);
  if (!chosen) return undefined;
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('transactions'),
      Key: { chargePointId: tx.chargePointId, transactionId: tx.transactionId },
      UpdateExpression: 'SET tariffId = :id, tariffSource = :source, tariffDocument = :doc',
      ConditionExpression: 'attribute_exists(chargePointId) AND attribute_not_exists(tariffId)',
      ExpressionAttributeValues: { ':id': chosen.tariffId, ':source': chosen.source, ':doc': JSON.stringify(chosen.tariff) },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e; // already fixed by an earlier run
  }
  return chosen;
}

/** The tariff kept on a transaction, if any. */
export function sessionTariff(tx: TransactionRecord): SessionTariff | undefined {
  const t = tx as TransactionRecord & PricedTransaction;
  if (!t.tariffId || !t.tariffDocument) return undefined;
  return { tariffId: t.tariffId, source: t.tariffSource ?? 'default', tariff: JSON.parse(t.tariffDocument) as Tariff };
}

/** The tariff is fixed when the session starts (a change of tariff applies to the next session). */
onTransactionStarted({
  name: 'tariff',
  appliesTo: (tx) => !(tx as TransactionRecord & PricedTransaction).tariffId,
  run: (tx) => fixSessionTariff(tx),
});
