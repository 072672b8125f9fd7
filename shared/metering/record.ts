import { connectorSeries, evseSeries, putMeterValues, putMeterValuesOnce, readSeries, transactionSeries, type MeterValuesItem } from '../store/meter-values';
import type { Generation } from '../store/transactions';
import { fingerprint } from '../transactions/fingerprint';
import { notifyObservers } from './observers';

export interface MeterValuesInput {
  chargePointId: string;
  version: Generation;
  /** 1.6 connector (0 = main meter). */
  connectorId?: number;
  /** 2.0.x EVSE (0 = main meter). */
  evseId?: number;
  transactionId?: string;
  meterValue: unknown[];
  source: 'MeterValues' | 'StopTransaction' | 'TransactionEvent';
  messageId: string;
  receivedAt: Date;
  /** Fingerprint of the whole message when its other fields matter too (default: of the values). */
  contentKey?: string;
}

const iso = (ts: string) => {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? ts : new Date(t).toISOString();
};

/**
 * 1.6 §4.7 / 2.0.1 J01–J02: keeps one message's meter values, in or outside a transaction, in
 * one write. Nothing is dropped or reinterpreted: the wire MeterValue[] is stored as it came.
 */
export async function recordMeterValues(m: MeterValuesInput): Promise<void> {
  if (!m.meterValue.length) return;
  await putMeterValues(meterValuesItem(m));
  await notifyObservers(m);
}

/**
 * The same write, only if this exact message was not stored before (one conditional PutItem):
 * false for a retry, so a 2.0.1 periodic TransactionEvent needs no fingerprint in its transaction.
 */
export async function recordMeterValuesOnce(m: MeterValuesInput): Promise<boolean> {
  if (!m.meterValue.length) return true;
  const stored = await putMeterValuesOnce(meterValuesItem(m));
  if (stored) await notifyObservers(m);
  return stored;
}

function meterValuesItem(m: MeterValuesInput): MeterValuesItem {
  const seriesId = m.transactionId !== undefined
    ? transactionSeries(m.chargePointId, m.transactionId)
    : m.evseId !== undefined ? evseSeries(m.chargePointId, m.evseId) : connectorSeries(m.chargePointId, m.connectorId ?? 0);
  const first = (m.meterValue as Array<{ timestamp: string }>).map((v) => iso(v.timestamp)).sort()[0];
  return {
    seriesId,
    sampleKey: `${first}#${m.contentKey ?? fingerprint([m.source, m.connectorId, m.evseId, m.meterValue])}`,
    chargePointId: m.chargePointId,
    version: m.version,
    connectorId: m.connectorId,
    evseId: m.evseId,
    transactionId: m.transactionId,
    meterValue: m.meterValue,
    source: m.source,
    messageId: m.messageId,
    receivedAt: m.receivedAt.toISOString(),
  };
}

/** A transaction's meter values in time order, flattened to the wire MeterValue shape of its version. */
export async function transactionMeterValues(chargePointId: string, transactionId: string): Promise<unknown[]> {
  const items = await readSeries(transactionSeries(chargePointId, transactionId));
  const values = items.flatMap((it) => it.meterValue as Array<{ timestamp: string }>);
  // Items are in order of their first sample; a message may still hold several timestamps: a stable sort finishes it.
  return values.map((v, i) => ({ v, i, t: Date.parse(v.timestamp) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.v);
}

/** Values of a connector (1.6) or EVSE (2.0.x) taken outside a transaction, in time order. */
export async function outOfTransactionMeterValues(chargePointId: string, where: { connectorId?: number; evseId?: number }): Promise<unknown[]> {
  const series = where.evseId !== undefined ? evseSeries(chargePointId, where.evseId) : connectorSeries(chargePointId, where.connectorId ?? 0);
  return (await readSeries(series)).flatMap((it) => it.meterValue);
}
