import { groupKeyOf, isTokenKind, LEGACY_KIND, parseTokenName, tokenKey } from '../authorization/tokens';
import { log } from '../log';
import type { TransactionRecord } from '../store/transactions';
import { getReservation, transitionReservation } from './store';

// On its own (not in ./service.ts) so that the transaction route Lambdas, which only consume
// reservations, do not bundle runCommand/sendCall and with them the OCPP schema sets and Ajv's compiler.

/**
 * 1.6 §5.13 "(1) a transaction is started for the reserved idTag or parent idTag" (the charge point
 * sends the reservationId in StartTransaction.req); 2.0.1 H03 (TransactionEvent reservationId).
 * The reservation becomes Used when the transaction's token is the reserved idTag or belongs to the
 * reserved parentIdTag. A StartTransaction queued while offline uses it if it started before expiry.
 */
export async function consumeReservation(tx: TransactionRecord): Promise<boolean> {
  if (tx.reservationId === undefined || tx.reservationId === null) return false;
  const r = await getReservation(tx.chargePointId, tx.reservationId);
  if (!r) {
    log.warn('transaction names an unknown reservation', { chargePointId: tx.chargePointId, reservationId: tx.reservationId, transactionId: tx.transactionId });
    return false;
  }
  const reservedKey = tokenKey(parseTokenName(r.idTag));
  // The transaction's key carries the 2.0.1 token type; its idTag is the bare value (a KeyCode 1234 is not the card 1234).
  const txKey = tx.idTagKey ?? (tx.idTag === undefined ? undefined : tokenKey({ value: tx.idTag, type: isTokenKind(tx.idTokenType) ? tx.idTokenType : LEGACY_KIND }));
  const sameTag = txKey === reservedKey;
  const sameGroup = !!r.parentIdTag && tx.groupKey === groupKeyOf(reservedKey, r.parentIdTag);
  if (!sameTag && !sameGroup) {
    log.warn('transaction names a reservation of another idTag', { chargePointId: tx.chargePointId, reservationId: r.reservationId, transactionId: tx.transactionId });
    return false;
  }
  const startedBeforeExpiry = Date.parse(tx.startedAt) <= Date.parse(r.expiryDate);
  return transitionReservation(r.chargePointId, r.reservationId, startedBeforeExpiry ? ['Active', 'Expired'] : ['Active'], 'Used', { usedAt: tx.startedAt, transactionId: tx.transactionId });
}
