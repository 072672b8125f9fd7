import { addToCounter } from '../store/counters';
import { log } from '../log';
import { METRIC, type RefuseReason } from './metric-names';
import { metrics } from './metrics';

/** The authorizer's refusal reasons (shared/connect/authorize.ts) as the `reason` dimension of RefusedConnects. */
const REASONS: Array<[RegExp, RefuseReason]> = [
  [/CSMS endpoint/i, 'NotThroughEndpoint'],
  [/identity/i, 'InvalidIdentity'],
  [/unknown charge point/i, 'UnknownChargePoint'],
  [/user/i, 'WrongUser'],
  [/password/i, 'WrongPassword'],
];
export function refuseReason(reason: string): RefuseReason {
  return REASONS.find(([re]) => re.test(reason))?.[1] ?? 'Other';
}

/**
 * Gauges for the dashboard (connected charge points, active transactions): an atomic counter in
 * the Counters table moved by ±1 and the new value emitted (statistic Maximum). Best effort: a
 * failed update is logged and counted (Failures kind=Gauge) and never costs a connect or an
 * answer. A `$disconnect` that API Gateway never delivers leaves the gauge one too high until
 * `resetCounter`; docs/performance.md says so.
 */
export async function moveGauge(name: typeof METRIC.connectedChargePoints | typeof METRIC.activeTransactions, by: 1 | -1): Promise<void> {
  try {
    const value = await addToCounter(`gauge#${name}`, by);
    metrics.gauge(name, Math.max(0, value));
  } catch (e) {
    log.warn('could not move a gauge', { gauge: name, error: String(e) });
    metrics.countFailure('Gauge');
  }
}

/** Transactions started / stopped, the energy of a stopped one, and the active-transactions gauge (once per transaction). */
export async function countTransaction(which: 'started' | 'stopped', tx: { meterStart?: number; meterStop?: number; lastMeterWh?: number }): Promise<void> {
  if (which === 'started') metrics.transactionStarted();
  else {
    const end = tx.meterStop ?? tx.lastMeterWh;
    metrics.transactionStopped(end !== undefined && tx.meterStart !== undefined ? end - tx.meterStart : undefined);
  }
  await moveGauge(METRIC.activeTransactions, which === 'started' ? 1 : -1);
}
