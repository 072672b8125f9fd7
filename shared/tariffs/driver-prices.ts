import { registerReadings } from '../metering/energy';
import { getTransaction, type TransactionRecord } from '../store/transactions';
import { transactionCost, type TransactionCost } from './cost';
import type { CdrFields } from './cdr';

/**
 * OCPP 2.0.1 I02/I03 (and 2.1): "When eventType is Updated, totalCost contains the running cost;
 * when Ended, the final total cost of this transaction, including taxes" — what a
 * TransactionEventResponse carries when the session has a tariff (docs/tariffs.md "Prices shown
 * to drivers"). The running cost is computed from the record and the event's own meter values
 * (no read); the final one is read back once (the CDR hook wrote it before the answer).
 * 1.6 answers carry nothing (no field for it; the OCA pricing extension over DataTransfer is not built, docs/tariffs.md).
 */
export interface CostAnswer {
  totalCost?: number;
  updatedPersonalMessage?: { format: 'UTF8'; language?: string; content: string };
}

const money = (c: TransactionCost) => `${c.currency} ${c.totalInclVat.toFixed(2)}`;

/** The station's display text: the amount so far (or the total) and the energy. ≤ 512 characters (MessageContentType). */
export function priceMessage(c: TransactionCost, language?: string): CostAnswer['updatedPersonalMessage'] {
  const kwh = (c.energyWh / 1000).toFixed(2);
  const content = c.status === 'final' ? `Total ${money(c)} incl. VAT, ${kwh} kWh` : `${money(c)} incl. VAT so far, ${kwh} kWh`;
  return { format: 'UTF8', ...(language ? { language } : {}), content: content.slice(0, 512) };
}

export function costAnswerFor(cost: TransactionCost | undefined): CostAnswer {
  if (!cost) return {};
  return { totalCost: cost.totalInclVat, updatedPersonalMessage: priceMessage(cost) };
}

/**
 * The cost fields of the answer to a TransactionEvent: Updated → running cost up to the event's
 * time; Ended → the final cost (or, if the CDR hook has not written it, computed the same way).
 */
export async function transactionEventCost(kind: 'start' | 'update' | 'end', tx: TransactionRecord | undefined, eventMeterValue: unknown[], at: string): Promise<CostAnswer> {
  if (!tx || kind === 'start' || !(tx as { tariffId?: string }).tariffId) return {};
  if (kind === 'end') {
    const after = await getTransaction(tx.chargePointId, tx.transactionId, true);
    const final = (after as (TransactionRecord & CdrFields) | undefined)?.finalCost;
    if (final) return costAnswerFor(JSON.parse(final) as TransactionCost);
    return costAnswerFor(transactionCost(after ?? tx, eventMeterValue, Date.parse(at)));
  }
  if (tx.stoppedAt) return {}; // an Updated after the stop: the Ended answer had the total
  // An event without a register reading (e.g. ChargingStateChanged): the latest one kept on the record stands in.
  const values = registerReadings('2.0.1', eventMeterValue).length || tx.lastMeterWh === undefined
    ? eventMeterValue
    : [{ timestamp: at, sampledValue: [{ value: tx.lastMeterWh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' } }] }];
  return costAnswerFor(transactionCost(tx, values, Date.parse(at)));
}
