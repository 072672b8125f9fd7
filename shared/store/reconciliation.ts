import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from './charge-points';
import { tableName } from './tables';
import type { TransactionRecord } from './transactions';

/**
 * Closing transactions the station no longer runs (shared/transactions/reconcile.ts). A reconciled
 * transaction is closed for the CSMS — `active` false, out of both sparse indexes (so it no longer
 * counts as running nor blocks its group with ConcurrentTx) — but keeps no stop fields: a real
 * stop that arrives later (StopTransaction, TransactionEvent Ended) still writes its own
 * stoppedAt, meterStop and stopReason, and runs the stop hooks. It stays "suspect" until then.
 */
export interface Reconciliation {
  /** `Reconciled:Boot` | `Reconciled:Available` | `Reconciled:Preparing` | `Reconciled:NotOngoing` | `Closed:Operator`. */
  reason: string;
  /** When the CSMS decided (ISO). */
  at: string;
  /** The operator's words, or what the station said. */
  note?: string;
}

export type ReconciledRecord = TransactionRecord & { reconciledAt?: string; reconcileReason?: string; reconcileNote?: string; suspectAt?: string; suspectReason?: string; suspectNote?: string };

const table = () => tableName('transactions');

/**
 * One conditional UpdateItem: closes a transaction that is still open (started, not stopped, not
 * reconciled) and, with `startedBefore`, only one that started before that time (a status or boot
 * of the station says nothing about a transaction that began after it). The updated record, or
 * undefined when the condition did not hold.
 */
export async function closeOpenTransaction(chargePointId: string, transactionId: string, r: Reconciliation, startedBefore?: string): Promise<ReconciledRecord | undefined> {
  const values: Record<string, unknown> = { ':false': false, ':at': r.at, ':reason': r.reason, ':now': new Date().toISOString() };
  if (r.note !== undefined) values[':note'] = r.note;
  if (startedBefore !== undefined) values[':before'] = startedBefore;
  try {
    const out = await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, transactionId },
      UpdateExpression: `SET active = :false, reconciledAt = :at, reconcileReason = :reason, updatedAt = :now${r.note !== undefined ? ', reconcileNote = :note' : ''} REMOVE activeChargePointId, activeGroupKey, suspectAt, suspectReason, suspectNote`,
      ConditionExpression: `attribute_exists(startedAt) AND attribute_not_exists(stoppedAt) AND attribute_not_exists(reconciledAt)${startedBefore !== undefined ? ' AND startedAt < :before' : ''}`,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }));
    return out.Attributes as ReconciledRecord;
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

/**
 * Flags a running transaction as suspect without closing it (2.0.1 Available: maybe not running);
 * the next applied change of the transaction removes the flag (shared/store/transactions.ts).
 */
export async function flagOpenTransaction(chargePointId: string, transactionId: string, r: Reconciliation, startedBefore: string): Promise<ReconciledRecord | undefined> {
  try {
    const out = await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, transactionId },
      UpdateExpression: 'SET suspectAt = :at, suspectReason = :reason, suspectNote = :note',
      ConditionExpression: 'attribute_exists(startedAt) AND attribute_not_exists(stoppedAt) AND attribute_not_exists(reconciledAt) AND startedAt < :before',
      ExpressionAttributeValues: { ':at': r.at, ':reason': r.reason, ':note': r.note ?? r.reason, ':before': startedBefore },
      ReturnValues: 'ALL_NEW',
    }));
    return out.Attributes as ReconciledRecord;
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

/**
 * One page of suspect transactions: closed by reconciliation and no real stop since, or flagged. With a charge
 * point a Query of its partition, otherwise a Scan; the filter applies within the page (a page may
 * be short and still have a next one), as the other unindexed listings.
 */
export async function listSuspectTransactions(chargePointId: string | undefined, limit: number, startKey?: Record<string, unknown>) {
  const common = { TableName: table(), FilterExpression: '(attribute_exists(reconciledAt) AND attribute_not_exists(stoppedAt)) OR attribute_exists(suspectAt)', Limit: limit, ExclusiveStartKey: startKey };
  const out = chargePointId !== undefined
    ? await db().send(new QueryCommand({ ...common, KeyConditionExpression: 'chargePointId = :cp', ExpressionAttributeValues: { ':cp': chargePointId } }))
    : await db().send(new ScanCommand(common));
  return { items: (out.Items ?? []) as ReconciledRecord[], lastKey: out.LastEvaluatedKey };
}
