import type { TransactionRecord } from '../store/transactions';
import type { PricedTransaction } from './session';

/** What the operator sees of a transaction's pricing (added to the transaction view). */
export function pricingView(t: TransactionRecord) {
  const p = t as TransactionRecord & PricedTransaction;
  return p.tariffId ? { tariffId: p.tariffId, tariffSource: p.tariffSource } : {};
}
