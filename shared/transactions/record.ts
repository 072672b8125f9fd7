import type { Authorization } from '../authorization/authorize';
import { idTagInfo16 } from '../authorization/wire';
import { log } from '../log';
import { putEvent } from '../store/events';
import { applyTransactionChange, type ChangeResult, type Generation, type TokenFields, type TransactionChange } from '../store/transactions';
import { runTransactionHooks } from './hooks';
import './all-hooks';

/** Events-table kind of anomalies; `anomaly` says which (GET /api/charge-points/{id}/events?kind=anomaly). */
export const ANOMALY = 'anomaly';
/** The anomaly recorded when a charge point reports on a transaction the CSMS never saw. */
export const UNKNOWN_TRANSACTION = 'UnknownTransactionId';

/** How a token and our verdict on it are kept on a transaction (the status as we answered it). */
export function tokenFields(a: Authorization, version: Generation): TokenFields {
  return {
    idTag: a.token.value,
    idTagKey: a.key,
    idTokenType: version === '1.6' ? undefined : a.token.type,
    authorizationStatus: version === '1.6' ? idTagInfo16(a).status : a.status,
    groupKey: a.groupKey,
  };
}

/**
 * The one write path of every transaction message of both generations: applies the change,
 * records an anomaly for an unknown transaction, runs the start/stop hooks once.
 */
export async function recordTransactionChange(c: TransactionChange, detail: { action: string; messageId: string }): Promise<ChangeResult> {
  const result = await applyTransactionChange(c);
  if (result.outcome === 'unknown') {
    // Keyed by the message's fingerprint: a retried message does not add a second record.
    await putEvent(c.chargePointId, ANOMALY, c.at, { anomaly: UNKNOWN_TRANSACTION, ...detail, transactionId: c.transactionId, change: c.kind, receivedAt: c.receivedAt.toISOString() }, c.eventHash)
      .catch((e) => log.error('could not record an anomaly', { chargePointId: c.chargePointId, error: String(e) }));
  }
  if (result.started && result.item) await runTransactionHooks('started', result.item);
  if (result.stopped && result.item) await runTransactionHooks('stopped', result.item);
  return result;
}

/** Charge point timestamps as UTC ISO (offsets and precision vary on the wire). */
export function isoTime(ts: string): string {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString();
}
