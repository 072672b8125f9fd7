import { log } from '../log';
import type { TransactionRecord } from '../store/transactions';

/**
 * Extension points of the transaction flow for other functional blocks. A hook runs once per
 * transaction (never for a retried message), inside the Lambda that handles the message, before
 * the answer; its failure is logged and never costs the charge point its answer.
 *
 * Reservations (1.6 §4.8 "If this transaction ends a reservation ... MUST contain the
 * reservationId"; 2.0.1 H03) consume theirs here: `onTransactionStarted(async (tx) => { if
 * (tx.reservationId !== undefined) ... })`, registered from a module listed in ./all-hooks.ts.
 * The record carries chargePointId, transactionId, version, connectorId / evseId, idTag, idTagKey,
 * groupKey, authorizationStatus, reservationId, remoteStartId, startedAt, meterStart.
 */
export type TransactionHook = (tx: TransactionRecord) => Promise<void> | void;

const started: TransactionHook[] = [];
const stopped: TransactionHook[] = [];

export function onTransactionStarted(hook: TransactionHook): void {
  started.push(hook);
}
export function onTransactionStopped(hook: TransactionHook): void {
  stopped.push(hook);
}

export async function runTransactionHooks(which: 'started' | 'stopped', tx: TransactionRecord): Promise<void> {
  for (const hook of which === 'started' ? started : stopped) {
    try {
      await hook(tx);
    } catch (e) {
      log.error(`transaction ${which} hook failed`, { chargePointId: tx.chargePointId, transactionId: tx.transactionId, error: String((e as Error)?.stack ?? e) });
    }
  }
}
