import { runCommand } from '../calls/command';
import { config } from '../config';
import { versionOf } from '../ocpp/protocol';
import { getChargePoint, liveConnectionId } from '../store/charge-points';
import { getTransaction, listActiveTransactions } from '../store/transactions';

/**
 * 2.0.1 E14 on the operator's request (POST /api/charge-points/{id}/transactions/reconcile): one
 * GetTransactionStatus per transaction the CSMS holds active on the station, in turn (OCPP-J: one
 * outstanding call). The answer's effect (./reconcile.ts) closes those the station neither runs nor
 * has messages queued for. Kept apart from ./reconcile.ts so that the station-facing Lambdas, which
 * reconcile on boots and statuses, do not bundle the calls machinery.
 */
export type CheckResult =
  | { transactionId: string; outcome: 'Closed' | 'Ongoing' | 'MessagesQueued' | 'Unchanged'; response: unknown }
  | { transactionId: string; outcome: 'Failed'; status: number; error: unknown };

export class CheckRefused extends Error {
  constructor(readonly status: 404 | 409, readonly error: string, message: string) {
    super(message);
  }
}

export async function checkActiveTransactions(chargePointId: string, timeoutMs?: number): Promise<CheckResult[]> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new CheckRefused(404, 'NotFound', `Charge point ${chargePointId} is not registered`);
  if (!liveConnectionId(cp) || !cp.protocol) throw new CheckRefused(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
  if (versionOf(cp.protocol) === '1.6') {
    throw new CheckRefused(409, 'NotSupported', 'OCPP 1.6 has no GetTransactionStatus: a boot or a StatusNotification Available closes ghosts (TriggerMessage StatusNotification asks for one), or close it with POST /api/transactions/{id}/close');
  }
  const results: CheckResult[] = [];
  // One budget for all calls, within the API's integration limit; what it leaves unasked is said so.
  const deadline = Date.now() + (timeoutMs ?? config.callTimeoutMs());
  for (const t of await listActiveTransactions(chargePointId)) {
    const left = deadline - Date.now();
    if (left < 100) {
      results.push({ transactionId: t.transactionId, outcome: 'Failed', status: 504, error: { error: 'NotAsked', message: 'The time budget of this request ran out; ask again' } });
      continue;
    }
    const res = await runCommand(chargePointId, 'GetTransactionStatus', { transactionId: t.transactionId }, left);
    if (res.status !== 200) {
      results.push({ transactionId: t.transactionId, outcome: 'Failed', status: res.status, error: res.body });
      continue;
    }
    const response = res.body.response as { ongoingIndicator?: boolean; messagesInQueue: boolean };
    const after = await getTransaction(chargePointId, t.transactionId, true);
    const outcome = after && !after.active ? 'Closed' : response.messagesInQueue ? 'MessagesQueued' : response.ongoingIndicator ? 'Ongoing' : 'Unchanged';
    results.push({ transactionId: t.transactionId, outcome, response });
  }
  return results;
}
