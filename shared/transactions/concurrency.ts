import type { Authorization } from '../authorization/authorize';
import { claimActiveGroup, getTransaction, releaseActiveGroup, type GroupHolder, type TransactionRecord } from '../store/transactions';

/**
 * ConcurrentTx as a conditional claim (1.6 §4.8 / 2.0.1 C01 "ConcurrentTx"), where concurrency is
 * forbidden for a token (CSMS_ALLOW_CONCURRENT_TX=false, or the tag's allowConcurrentTx: false):
 * the start of a transaction takes the item `activeGroup#<group>` in the Counters table with a
 * conditional Put, so of two simultaneous starts of one group exactly one wins — on AWS too,
 * where the activeByGroup index is only eventually consistent. The same transaction may take it
 * again (retries, 2.0.1 events carrying the token again). The stop releases it
 * (`releaseGroupOf`, idempotent).
 *
 * A claim is stale — taken over — when its transaction is stopped or closed by reconciliation (a release was lost)
 * or, after STALE_AFTER_MS, was never written (a start that died after claiming).
 */
const STALE_AFTER_MS = 2 * 60_000;

export async function claimGroup(a: Authorization, holder: GroupHolder, now: Date): Promise<{ authorization: Authorization; claimedGroup?: string }> {
  if (!a.exclusiveGroup || !a.groupKey) return { authorization: a };
  const claimed = await claimActiveGroup(a.groupKey, holder, now, async (claim) => {
    const tx = await getTransaction(claim.chargePointId, claim.transactionId, true);
    return tx ? !!(tx.stoppedAt || (tx as { reconciledAt?: string }).reconciledAt) : now.getTime() - Date.parse(claim.claimedAt) > STALE_AFTER_MS;
  });
  return claimed ? { authorization: a, claimedGroup: a.groupKey } : { authorization: { ...a, status: 'ConcurrentTx' } };
}

/** Releases the claim a stopped transaction holds (if any; no operation otherwise). */
export async function releaseGroupOf(tx: TransactionRecord): Promise<void> {
  if (tx.claimedGroup) await releaseActiveGroup(tx.claimedGroup, { chargePointId: tx.chargePointId, transactionId: tx.transactionId });
}
