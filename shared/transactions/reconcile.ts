import { registerEffect } from '../calls/effects';
import { log } from '../log';
import { closeOpenTransaction, flagOpenTransaction, type ReconciledRecord, type Reconciliation } from '../store/reconciliation';
import { listActiveTransactions, type TransactionRecord } from '../store/transactions';
import { releaseGroupOf } from './concurrency';
import { runTransactionHooks } from './hooks';

/**
 * Ghost transactions (docs/transactions.md, "Reconciliation"): the CSMS holds a transaction
 * active that the station no longer runs — its StartTransaction was answered too late, the station
 * lost power or crashed, its stop was lost. The evidence, and what the CSMS does:
 *
 * - **BootNotification** (1.6 and 2.0.1): a station does not carry a transaction across a reboot
 *   (1.6 §5.14 Reset: after a hard reset it sends "a StopTransaction.req for previously ongoing
 *   transactions after having restarted"): every transaction of the station that started before
 *   the boot is closed, `Reconciled:Boot`.
 * - **1.6 StatusNotification** `Available` or `Preparing` of connector N > 0: statuses of a
 *   connector without a transaction (§4.9; a running transaction whose EV was unplugged is
 *   SuspendedEV, §4.9 StopTransactionOnEVSideDisconnect). The transaction of that connector that
 *   started before the status's timestamp is closed, `Reconciled:Available` / `Reconciled:Preparing`.
 * - **2.0.1 StatusNotification** `Available` only *flags* the EVSE's transaction (`suspect`,
 *   `Available`): in 2.0.1 a transaction may run on an Available connector (E10 with
 *   StopTxOnEVSideDisconnect false; a TxStartPoint of Authorized starts it before the cable is in).
 *   The next event of the transaction clears the flag; GetTransactionStatus or the operator decide.
 * - **GetTransactionStatus** (2.0.1 E14), however it was sent: `ongoingIndicator: false` and
 *   `messagesInQueue: false` — the station neither runs it nor will report on it — closes it,
 *   `Reconciled:NotOngoing`. Messages queued: they will tell; nothing is done.
 * - The **operator**: `POST /api/transactions/{id}/close { reason }` → `Closed:Operator`.
 *
 * Closing is never final for the station's own word: a StopTransaction / TransactionEvent Ended
 * that arrives later (1.6 §3.7: queued messages are delivered after reconnecting) writes its real
 * stoppedAt, meterStop and stopReason. Until then the transaction is `suspect`. A non-final event
 * after the close is counted but does not reopen it (as after a stop).
 */
export const RECONCILED = {
  boot: 'Reconciled:Boot',
  available: 'Reconciled:Available',
  preparing: 'Reconciled:Preparing',
  notOngoing: 'Reconciled:NotOngoing',
  operator: 'Closed:Operator',
} as const;

/** Closes one transaction, releases its group claim, runs the stop hooks (its TxProfiles no longer apply); undefined if it was not open. */
async function close(t: { chargePointId: string; transactionId: string }, r: Reconciliation, startedBefore?: string): Promise<ReconciledRecord | undefined> {
  const closed = await closeOpenTransaction(t.chargePointId, t.transactionId, r, startedBefore);
  if (!closed) return undefined;
  log.info('transaction reconciled', { chargePointId: t.chargePointId, transactionId: t.transactionId, reason: r.reason });
  // Its ConcurrentTx claim no longer holds the group; the stop hooks run now (and not again with a later real stop).
  await releaseGroupOf(closed).catch((e) => log.error('could not release a group claim', { chargePointId: t.chargePointId, transactionId: t.transactionId, error: String(e) }));
  await runTransactionHooks(closed);
  return closed;
}

async function closeWhere(chargePointId: string, match: (t: TransactionRecord) => boolean, r: Reconciliation, startedBefore: string): Promise<ReconciledRecord[]> {
  // The sparse index holds only running transactions: usually empty, one cheap Query.
  const running = (await listActiveTransactions(chargePointId)).filter((t) => match(t) && t.startedAt < startedBefore);
  const closed = await Promise.all(running.map((t) => close(t, r, startedBefore)));
  return closed.filter((t): t is ReconciledRecord => !!t);
}

/**
 * Runs a reconciliation beside a station's message: its failure is logged and never costs the
 * station its answer (the next boot or status tries again; the operator can close by hand).
 */
export async function reconcileQuietly(chargePointId: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (e) {
    log.error('reconciling transactions failed', { chargePointId, error: String((e as Error)?.stack ?? e) });
  }
}

/** A BootNotification: whatever ran before it has ended on the station. */
export async function reconcileOnBoot(chargePointId: string, bootedAt: Date): Promise<ReconciledRecord[]> {
  const at = bootedAt.toISOString();
  return closeWhere(chargePointId, () => true, { reason: RECONCILED.boot, at }, at);
}

export interface ConnectorReport {
  /** 1.6 connector, or 2.0.1 connector of `evseId`. */
  connectorId: number;
  evseId?: number;
  status: string;
  /** The station's timestamp of the status (1.6: optional; then the time we received it). */
  at: string;
}

/** What a reported status tells about the connector's transaction: 1.6 — there is none (close); 2.0.1 Available — maybe none (flag). */
export function freeReason(r: ConnectorReport): { close: string } | { flag: string } | undefined {
  if (r.evseId === undefined) {
    if (r.connectorId === 0) return undefined; // connector 0 is the whole charge point
    return r.status === 'Available' ? { close: RECONCILED.available } : r.status === 'Preparing' ? { close: RECONCILED.preparing } : undefined;
  }
  return r.status === 'Available' ? { flag: 'Available' } : undefined;
}

/** Whether a transaction runs on the reported connector (2.0.1: its EVSE, and its connector when it names one). */
export function onConnector(t: Pick<TransactionRecord, 'version' | 'connectorId' | 'evseId'>, r: Pick<ConnectorReport, 'connectorId' | 'evseId'>): boolean {
  if (r.evseId === undefined) return t.version === '1.6' && t.connectorId === r.connectorId;
  return t.version !== '1.6' && t.evseId === r.evseId && (t.connectorId === undefined || t.connectorId === r.connectorId);
}

/** A StatusNotification: a free 1.6 connector closes the transaction the CSMS holds on it; a 2.0.1 Available one flags it. */
export async function reconcileOnStatus(chargePointId: string, report: ConnectorReport): Promise<ReconciledRecord[]> {
  const verdict = freeReason(report);
  if (!verdict) return [];
  const at = Number.isNaN(Date.parse(report.at)) ? report.at : new Date(report.at).toISOString();
  const note = `StatusNotification ${report.status}`;
  if ('close' in verdict) return closeWhere(chargePointId, (t) => onConnector(t, report), { reason: verdict.close, at, note }, at);
  const running = (await listActiveTransactions(chargePointId)).filter((t) => onConnector(t, report) && t.startedAt < at);
  const flagged = await Promise.all(running.map((t) => flagOpenTransaction(chargePointId, t.transactionId, { reason: verdict.flag, at, note }, at)));
  return flagged.filter((t): t is ReconciledRecord => !!t);
}

/** The operator closes a transaction with a reason; undefined if it is not open (stopped or closed already). */
export function closeByOperator(t: { chargePointId: string; transactionId: string }, reason: string, now = new Date()): Promise<ReconciledRecord | undefined> {
  return close(t, { reason: RECONCILED.operator, at: now.toISOString(), note: reason });
}

export type StatusCheckOutcome = 'Closed' | 'Ongoing' | 'MessagesQueued' | 'Unchanged';

/** 2.0.1 E14 GetTransactionStatusResponse about one of our transactions: what it tells the CSMS. */
export async function applyTransactionStatus(chargePointId: string, transactionId: string, response: { ongoingIndicator?: boolean; messagesInQueue: boolean }, at: Date): Promise<StatusCheckOutcome> {
  if (response.messagesInQueue) return 'MessagesQueued';
  if (response.ongoingIndicator !== false) return response.ongoingIndicator ? 'Ongoing' : 'Unchanged';
  const closed = await close({ chargePointId, transactionId }, { reason: RECONCILED.notOngoing, at: at.toISOString(), note: 'GetTransactionStatus: not ongoing, no messages queued' });
  return closed ? 'Closed' : 'Unchanged';
}

/** Any GetTransactionStatus answer about a transaction (operator call, reconcile endpoint) is applied. */
registerEffect('GetTransactionStatus', async (request: { transactionId?: string }, response: { ongoingIndicator?: boolean; messagesInQueue: boolean }, ctx) => {
  if (ctx.version === '1.6' || !request.transactionId) return;
  await applyTransactionStatus(ctx.chargePointId, request.transactionId, response, ctx.answeredAt);
});

/** The operator view's part of a reconciliation (shared/transactions/view.ts). */
export function reconciliationView(t: TransactionRecord) {
  const r = t as ReconciledRecord;
  if (!r.reconciledAt && !r.suspectAt) return {};
  return {
    reconciliation: r.reconciledAt ? { reason: r.reconcileReason, at: r.reconciledAt, note: r.reconcileNote } : undefined,
    /** Running but maybe not on the station (2.0.1 Available); cleared by its next event. */
    suspicion: r.suspectAt ? { reason: r.suspectReason, at: r.suspectAt, note: r.suspectNote } : undefined,
    /** Closed by the CSMS and no real stop since (end and energy unknown), or flagged. */
    suspect: (r.reconciledAt && t.stoppedAt === undefined) || r.suspectAt ? true : undefined,
  };
}

