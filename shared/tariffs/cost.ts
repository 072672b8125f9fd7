import { registerReadings } from '../metering/energy';
import type { TransactionRecord } from '../store/transactions';
import { computeCost, type SessionCost } from './engine';
import type { Tariff } from './model';
import type { PricedTransaction } from './session';
import { sessionUsage, type Usage } from './usage';

/**
 * The cost of a transaction under the tariff fixed at its start (docs/tariffs.md "Cost of a
 * session"): the running cost up to `now` while it is active, the final cost once stopped. Pure
 * over the stored record and its stored meter values (no extra read or write per MeterValues).
 */
export interface TransactionCost extends SessionCost {
  tariffId: string;
  /** running: up to `at`, will change; final: the session has ended. */
  status: 'running' | 'final';
  at: string;
  energyWh: number;
}

/** The end of a session for pricing: the real stop, else the reconciliation's close, else open. */
export const sessionEnd = (tx: TransactionRecord): string | undefined => tx.stoppedAt ?? (tx as { reconciledAt?: string }).reconciledAt;

/**
 * 2.0.1 chargingState changes → charging or not. Charging and SuspendedEVSE (the EVSE holds back,
 * e.g. smart charging) count as charging time; EVConnected, SuspendedEV and Idle as parking time.
 */
const CHARGING = new Set(['Charging', 'SuspendedEVSE']);
export function chargingStates(tx: TransactionRecord): Array<{ t: number; charging: boolean }> | undefined {
  if (!tx.chargingStates?.size) return undefined;
  return [...tx.chargingStates].map((e) => {
    const i = e.lastIndexOf('|');
    return { t: Date.parse(e.slice(0, i)), charging: CHARGING.has(e.slice(i + 1)) };
  }).filter((s) => Number.isFinite(s.t));
}

export function transactionUsage(tx: TransactionRecord, meterValue: unknown[], now: number, reservation?: Usage['reservation']): Usage {
  const readings = registerReadings(tx.version, meterValue).map((r) => ({ t: Date.parse(r.timestamp), wh: r.wh, context: r.context }));
  return sessionUsage({
    startedAt: tx.startedAt,
    stoppedAt: sessionEnd(tx),
    meterStart: tx.meterStart,
    meterStop: tx.meterStop,
    offline: tx.offline,
    readings,
    states: chargingStates(tx),
    reservation,
    now,
  });
}

/** The tariff document kept on the transaction at its start (./session.ts), parsed without importing the hook. */
export function keptTariff(tx: TransactionRecord): { tariffId: string; tariff: Tariff } | undefined {
  const t = tx as TransactionRecord & PricedTransaction;
  return t.tariffId && t.tariffDocument ? { tariffId: t.tariffId, tariff: JSON.parse(t.tariffDocument) as Tariff } : undefined;
}

/** `usage`: the session's usage when the caller computed it already (the CDR needs both). */
export function transactionCost(tx: TransactionRecord, meterValue: unknown[], now: number, usage = transactionUsage(tx, meterValue, now)): TransactionCost | undefined {
  const st = keptTariff(tx);
  if (!st) return undefined;
  const cost = computeCost(st.tariff, usage);
  const ended = sessionEnd(tx) !== undefined;
  return { tariffId: st.tariffId, status: ended ? 'final' : 'running', at: new Date(usage.end).toISOString(), energyWh: usage.energyWh, ...cost };
}
