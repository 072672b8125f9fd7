import { config } from '../config';
import { log } from '../log';
import { metrics } from '../lambda/metrics';
import { versionOf, type Protocol } from '../ocpp/protocol';
import { getChargePoint, liveConnectionId } from '../store/charge-points';
import { listActiveTransactions } from '../store/transactions';
import { startWorkflow } from '../workflows/start';

/**
 * OCPP 2.0.1 E14 after a reconnect: a station that was offline may have ended transactions the
 * CSMS still holds, without a reboot (so no BootNotification reconciles them). When a 2.x station
 * connects while the CSMS holds active transactions on it, $connect starts the transaction-check
 * workflow (infra/workflows/transaction-check.asl.json): after `CSMS_RECONNECT_TX_CHECK_S` seconds
 * (the connection is open by then, and a rebooting station has sent its BootNotification), one
 * GetTransactionStatus per transaction, whose answers ./reconcile.ts applies. Off when the
 * variable is 0 or unset (the stack sets 5 s, `npm start` too). 1.6 has no such message: a boot or
 * a StatusNotification Available closes its ghosts.
 */
export async function startReconnectCheck(chargePointId: string, connectionId: string, protocol: Protocol, opts: { siteId?: string } = {}): Promise<boolean> {
  const configured = config.reconnectCheckSeconds();
  // A site's charge point (docs/sites.md, "Offline and back online") is always re-allocated once
  // its connection is open, whatever its version and even with the transaction check off.
  const checkTransactions = configured > 0 && versionOf(protocol) !== '1.6';
  if (!checkTransactions && !opts.siteId) return false;
  const waitSeconds = configured > 0 ? configured : SITE_RESYNC_WAIT_S;
  try {
    const transactions = checkTransactions && (await listActiveTransactions(chargePointId)).length > 0;
    if (!transactions && !opts.siteId) return false;
    // One execution per connection: a retried $connect starts no second one.
    const name = `${chargePointId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)}-${connectionId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 30)}`;
    await startWorkflow('transaction-check', { chargePointId, connectionId, waitSeconds, transactions, siteId: opts.siteId }, name);
    return true;
  } catch (e) {
    // Never fails the connect: the operator can still ask (POST …/transactions/reconcile).
    if ((e as Error).name === 'ExecutionAlreadyExists') return true;
    metrics.countFailure('TransactionCheck');
    log.error('could not start the reconnect transaction check', { chargePointId, error: String(e) });
    return false;
  }
}

/** Wait before a site's charge point is re-allocated when the transaction check is off. */
export const SITE_RESYNC_WAIT_S = 2;

/** The workflow's task: ask, unless the station has gone or reconnected since (its own check runs then). */
export async function runReconnectCheck(event: { chargePointId: string; connectionId: string; transactions?: boolean; siteId?: string }) {
  const { checkActiveTransactions, CheckRefused } = await import('./reconcile-check');
  const cp = await getChargePoint(event.chargePointId, true);
  if (!cp || liveConnectionId(cp) !== event.connectionId) return { skipped: 'The connection it was started for is gone' };
  if (event.siteId) {
    // Its site is re-allocated: what it was not confirmed to hold on this connection is sent again.
    const { reallocateSite } = await import('../sites/service');
    const { getSite } = await import('../sites/store');
    await reallocateSite(event.siteId, getSite).catch((e) => log.warn('site re-allocation after a reconnect failed', { chargePointId: event.chargePointId, siteId: event.siteId, error: String(e) }));
  }
  if (event.transactions === false) return { site: event.siteId };
  try {
    // Within the task's 60 s: each call waits at most the call timeout, the whole at most 50 s.
    return { results: await checkActiveTransactions(event.chargePointId, 50_000) };
  } catch (e) {
    if (e instanceof CheckRefused) return { skipped: e.message };
    throw e;
  }
}
