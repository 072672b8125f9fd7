import { log } from '../log';
import { markHooksDone, type TransactionRecord } from '../store/transactions';
import { recordHookFailure } from './metrics';

/**
 * Extension points of the transaction flow for other functional blocks, run at least once per
 * transaction with idempotent consumers:
 *
 * - A hook says which transactions it concerns (`appliesTo`, a test of the record that costs no
 *   operation, e.g. "names a reservation"); started hooks are due once the transaction exists,
 *   stopped hooks once it is stopped.
 * - Due hooks run after every message that touched the transaction (also a retried one, also out
 *   of order), inside the Lambda that handles it, before the answer, independently of each other
 *   (one failing skips none). The names of those that succeeded are added to the record's
 *   `hooksDone` in one write, so they do not run again; a failed one is counted
 *   (`TransactionHookFailures`, see ./metrics.ts) and runs again with the next message of the
 *   transaction (e.g. the station's retry). A hook may therefore run more than once (a Lambda
 *   dying before the mark, two messages at once): it must be idempotent.
 * - A failure never costs the charge point its answer.
 *
 * Reservations (1.6 §4.8, 2.0.1 H03) consume theirs here; smart charging drops TxProfiles at the
 * stop. Register from a module listed in ./all-hooks.ts. The record carries chargePointId,
 * transactionId, version, connectorId / evseId, idTag, idTagKey, groupKey, authorizationStatus,
 * reservationId, remoteStartId, startedAt, meterStart, stoppedAt…
 */
export interface TransactionHook {
  /** Unique per phase; kept in `hooksDone` as `started:<name>` / `stopped:<name>`. */
  name: string;
  appliesTo: (tx: TransactionRecord) => boolean;
  run: (tx: TransactionRecord) => Promise<unknown> | unknown;
}
type Phase = 'started' | 'stopped';

const registry: Array<{ phase: Phase; hook: TransactionHook }> = [];

export function onTransactionStarted(hook: TransactionHook): void {
  registry.push({ phase: 'started', hook });
}
export function onTransactionStopped(hook: TransactionHook): void {
  registry.push({ phase: 'stopped', hook });
}

const doneName = (phase: Phase, hook: TransactionHook) => `${phase}:${hook.name}`;

/** The hooks a transaction still owes a successful run. */
export function dueHooks(tx: TransactionRecord, hooks = registry) {
  const done = tx.hooksDone ?? new Set<string>();
  return hooks.filter(({ phase, hook }) => (phase === 'stopped' ? !!(tx.stoppedAt || (tx as { reconciledAt?: string }).reconciledAt) : true) && !done.has(doneName(phase, hook)) && hook.appliesTo(tx));
}

export interface HookDeps {
  markDone: (chargePointId: string, transactionId: string, names: string[]) => Promise<void>;
  onFailure: typeof recordHookFailure;
}

/** Runs the due hooks of `tx`, independently; marks those that succeeded. Never throws. */
export async function runTransactionHooks(tx: TransactionRecord, hooks = registry, deps: HookDeps = { markDone: markHooksDone, onFailure: recordHookFailure }) {
  const due = dueHooks(tx, hooks);
  if (!due.length) return { ran: [] as string[], failed: [] as string[] };
  const results = await Promise.all(due.map(async ({ phase, hook }) => {
    const name = doneName(phase, hook);
    try {
      await hook.run(tx);
      return { name, ok: true };
    } catch (error) {
      deps.onFailure(name, { chargePointId: tx.chargePointId, transactionId: tx.transactionId, error });
      return { name, ok: false };
    }
  }));
  const ran = results.filter((r) => r.ok).map((r) => r.name);
  const failed = results.filter((r) => !r.ok).map((r) => r.name);
  try {
    await deps.markDone(tx.chargePointId, tx.transactionId, ran);
  } catch (e) {
    // Not marked: they run again with the next message (idempotent consumers).
    log.warn('could not mark transaction hooks done', { chargePointId: tx.chargePointId, transactionId: tx.transactionId, hooks: ran, error: String(e) });
  }
  return { ran, failed };
}
