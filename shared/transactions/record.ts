import type { Authorization } from '../authorization/authorize';
import { idTagInfo16 } from '../authorization/wire';
import { log } from '../log';
import { applyTransactionChange, type ChangeResult, type Generation, type TokenFields, type TransactionChange } from '../store/transactions';
import { NUMBER_OUT_OF_RANGE, recordAnomaly, UNKNOWN_TRANSACTION } from './anomalies';
import { releaseGroupOf } from './concurrency';
import { countTransaction } from '../lambda/gauges';
import { runTransactionHooks } from './hooks';
import { storable } from './numbers';
import './all-hooks';

export { ANOMALY, NUMBER_OUT_OF_RANGE, UNKNOWN_TRANSACTION, recordAnomaly } from './anomalies';

/** How a token and our verdict on it are kept on a transaction (the status as we answered it). */
export function tokenFields(a: Authorization, version: Generation): TokenFields {
  return {
    idTag: a.token.value,
    idTagKey: a.key,
    idTokenType: version === '1.6' ? undefined : a.token.type,
    authorizationStatus: version === '1.6' ? idTagInfo16(a).status : a.status,
    groupKey: a.groupKey,
  };
}

export interface MessageDetail {
  action: string;
  messageId: string;
  /** Numbers of the message the CSMS could not keep (./numbers.ts screenNumbers). */
  outOfRange?: Record<string, string>;
}

/** Numeric fields of a change (some derived, e.g. kWh × 10^multiplier) that the store could not keep are left out. */
const NUMERIC: Array<[keyof TransactionChange, string]> = [
  ['connectorId', 'connectorId'], ['evseId', 'evseId'], ['meterStartWh', 'meterStart'], ['meterStopWh', 'meterStop'],
  ['lastMeterWh', 'lastMeterWh'], ['reservationId', 'reservationId'], ['remoteStartId', 'remoteStartId'], ['seqNo', 'seqNo'],
];
function storableChange(c: TransactionChange, outOfRange: Record<string, string>): TransactionChange {
  let out = c;
  for (const [field, label] of NUMERIC) {
    const v = c[field];
    if (typeof v === 'number' && !storable(v)) {
      out = { ...out, [field]: undefined };
      outOfRange[label] ??= JSON.stringify(v) ?? String(v);
    }
  }
  return out;
}

/**
 * The one write path of every transaction message of both generations: applies the change,
 * records anomalies (unknown transaction, numbers out of range), releases the ConcurrentTx claim
 * of a stopped transaction, and runs the transaction hooks that are due (./hooks.ts).
 */
export async function recordTransactionChange(c: TransactionChange, detail: MessageDetail): Promise<ChangeResult> {
  const outOfRange = { ...detail.outOfRange };
  const change = storableChange(c, outOfRange);
  const result = await applyTransactionChange(change);
  const { action, messageId } = detail;
  const base = { action, messageId, transactionId: c.transactionId, change: c.kind, receivedAt: c.receivedAt.toISOString() };
  if (result.outcome === 'unknown') await recordAnomaly(c.chargePointId, UNKNOWN_TRANSACTION, c.at, c.eventHash, base);
  if (Object.keys(outOfRange).length) await recordAnomaly(c.chargePointId, NUMBER_OUT_OF_RANGE, c.at, c.eventHash, { ...base, fields: outOfRange });
  const item = result.item;
  if (!item || result.outcome === 'superseded') return result; // the caller follows up (a periodic event)
  // Released by the first stop, again by a retried stop (in case the first died before), and at
  // once when a claim was taken for a transaction already stopped (a Started after its Ended).
  if (item.stoppedAt && item.claimedGroup && (result.stopped || c.kind === 'end' || c.claimedGroup)) {
    await releaseGroupOf(item).catch((e) => log.error('could not release a group claim', { chargePointId: c.chargePointId, transactionId: c.transactionId, error: String(e) }));
  }
  await runTransactionHooks(item);
  // Started/stopped/energy metrics and the active-transactions gauge, once per transaction (shared/lambda/gauges.ts).
  if (result.started) await countTransaction('started', item);
  if (result.stopped) await countTransaction('stopped', item);
  return result;
}

/** Charge point timestamps as UTC ISO (offsets and precision vary on the wire). */
export function isoTime(ts: string): string {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString();
}
