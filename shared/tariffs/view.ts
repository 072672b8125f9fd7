import type { TransactionRecord } from '../store/transactions';
import type { CdrFields } from './cdr';
import { transactionCost, type TransactionCost } from './cost';
import type { PricedTransaction } from './session';

/** What the operator sees of a transaction's pricing (added to the transaction view). */
export function pricingView(t: TransactionRecord) {
  const p = t as TransactionRecord & PricedTransaction & CdrFields;
  return { ...(p.tariffId ? { tariffId: p.tariffId, tariffSource: p.tariffSource } : {}), ...(p.cdrId ? { cdrId: p.cdrId } : {}) };
}

/** Whether the cost view needs the transaction's meter values (a priced session without its final cost yet). */
export const costNeedsMeterValues = (t: TransactionRecord) => {
  const p = t as TransactionRecord & PricedTransaction & CdrFields;
  return !!p.tariffId && !p.finalCost;
};

/**
 * `cost` of the transaction view: the final cost written with the CDR once stopped, else the
 * running cost computed now from the stored meter values (docs/tariffs.md).
 */
export function costView(t: TransactionRecord, meterValues: unknown[] | undefined, now: number): { cost?: TransactionCost } {
  const p = t as TransactionRecord & PricedTransaction & CdrFields;
  if (p.finalCost) return { cost: JSON.parse(p.finalCost) as TransactionCost };
  if (!p.tariffId || !meterValues) return {};
  const cost = transactionCost(t, meterValues, now);
  return cost ? { cost } : {};
}
