import { authorizeToken, type Authorization } from '../authorization/authorize';
import { tokenKey, type TokenRef } from '../authorization/tokens';
import { claimOnce } from '../store/counters';
import { claimGroup } from './concurrency';
import { fingerprint } from './fingerprint';
import { nextTransactionId, returnTransactionId } from './ids';
import { isoTime, recordTransactionChange, tokenFields, type MessageDetail } from './record';

/** How long a StartTransaction stays recognisable as a retry (stations retry within hours; offline queues within days). */
const RETRY_WINDOW_S = 90 * 86400;

export interface StartTransactionRequest {
  chargePointId: string;
  connectorId: number;
  token: TokenRef;
  meterStartWh: number;
  /** The charge point's start time: an offline-queued start keeps its old timestamp. */
  timestamp: string;
  reservationId?: number;
  receivedAt: Date;
  messageId: string;
  /** Numbers of the message the CSMS could not keep (./numbers.ts). */
  outOfRange?: MessageDetail['outOfRange'];
}

export interface StartedTransaction {
  transactionId: number;
  authorization: Authorization;
  /** The message was a retry of one already handled: same id, nothing new created. */
  retry: boolean;
}

/**
 * OCPP 1.6 §4.8 Start Transaction: "MUST include a transaction id and an authorization status";
 * "MUST verify validity of the identifier" — and records the transaction whatever the verdict
 * (the station stops a transaction it may not run). A retry — same charge point, connector,
 * idTag, meterStart and timestamp, same or new message id — gets the same id.
 * Where concurrency is forbidden for the tag, the verdict ConcurrentTx comes from the group claim
 * (./concurrency.ts), taken once the id is known.
 * DynamoDB: idempotency claim + tag read + transaction write (+ ~0 for the id block; + the group
 * claim where concurrency is forbidden).
 */
export async function startTransaction(r: StartTransactionRequest): Promise<StartedTransaction> {
  const startedAt = isoTime(r.timestamp);
  const hash = fingerprint(['StartTransaction', r.connectorId, tokenKey(r.token), r.meterStartWh, startedAt]);
  const candidate = await nextTransactionId();
  const [claim, verdict] = await Promise.all([
    claimOnce(`start#${r.chargePointId}#${hash}`, { transactionId: candidate }, RETRY_WINDOW_S, r.receivedAt),
    authorizeToken(r.token, { now: r.receivedAt, purpose: 'start', concurrency: 'claim' }),
  ]);
  const transactionId = Number(claim.value.transactionId);
  if (!claim.created) returnTransactionId(candidate);
  const { authorization, claimedGroup } = await claimGroup(verdict, { chargePointId: r.chargePointId, transactionId: String(transactionId) }, r.receivedAt);
  // Also on a retry: if the first attempt died between the claim and this write, this completes it.
  await recordTransactionChange({
    chargePointId: r.chargePointId,
    transactionId: String(transactionId),
    version: '1.6',
    kind: 'start',
    at: startedAt,
    eventHash: hash,
    connectorId: r.connectorId,
    token: tokenFields(authorization, '1.6'),
    meterStartWh: r.meterStartWh,
    reservationId: r.reservationId,
    claimedGroup,
    receivedAt: r.receivedAt,
  }, { action: 'StartTransaction', messageId: r.messageId, outOfRange: r.outOfRange });
  return { transactionId, authorization, retry: !claim.created };
}
