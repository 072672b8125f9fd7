import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { transactionMeterValues } from '../metering/record';
import { getReservation } from '../reservations/store';
import { isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';
import type { TransactionRecord } from '../store/transactions';
import { onTransactionStopped } from '../transactions/hooks';
import { keptTariff, transactionCost, transactionUsage, type TransactionCost } from './cost';
import type { SessionPeriod } from './engine';
import { fixSessionTariff, type PricedTransaction } from './session';

/**
 * OCPI 2.2.1 CDRs (module CDRs, §10.3.1 CDR object): one per finished transaction, written once by
 * the stop hook `cdr` with a conditional update (`attribute_not_exists(cdrId)`), so a retried stop,
 * a second hook run or two Lambdas at once leave exactly one; it never changes afterwards.
 * Kept on the transaction item (`cdr` JSON text, `finalCost`), listed by GET /api/cdrs.
 */
export interface CdrFields { cdrId?: string; cdr?: string; finalCost?: string; cdrEndedAt?: string }

const CURRENCY = () => process.env.CSMS_DEFAULT_CURRENCY || 'EUR';
const r4 = (x: number) => Math.round((x + Number.EPSILON) * 1e4) / 1e4;
const price = (excl: number, incl: number) => ({ excl_vat: r4(excl), incl_vat: r4(incl) });

export const cdrIdOf = (tx: Pick<TransactionRecord, 'chargePointId' | 'transactionId'>) => `${tx.chargePointId}-${tx.transactionId}`.slice(0, 39);

/**
 * CDR charging periods: the usage's stretches merged while the charging state stays the same,
 * cut at every whole UTC hour — a 24 h session with a reading a minute gives ~24 periods, not
 * 1,440 (the CDR is kept in the transaction item, 400 KB at most).
 */
export function chargingPeriods(periods: SessionPeriod[]): SessionPeriod[] {
  const out: SessionPeriod[] = [];
  for (const p of periods) {
    const last = out[out.length - 1];
    if (last && last.charging === p.charging && last.end === p.start && Math.floor(last.start / 3_600_000) === Math.floor((p.end - 1) / 3_600_000)) {
      last.end = p.end;
      last.energyWh += p.energyWh;
    } else out.push({ start: p.start, end: p.end, energyWh: p.energyWh, charging: p.charging });
  }
  return out;
}

/** The CDR of a finished transaction (pure). */
export function buildCdr(tx: TransactionRecord, cost: TransactionCost | undefined, periods: SessionPeriod[], end: string, now: Date) {
  const st = keptTariff(tx);
  const sum = (type: string, phase = 'session') => {
    const lines = (cost?.breakdown ?? []).filter((l) => l.type === type && l.phase === phase);
    return lines.length ? price(lines.reduce((s, l) => s + l.exclVat, 0), lines.reduce((s, l) => s + l.exclVat + l.vatAmount, 0)) : undefined;
  };
  const reservation = (cost?.breakdown ?? []).filter((l) => l.phase === 'reservation');
  const chargingS = periods.filter((p) => p.charging).reduce((s, p) => s + (p.end - p.start), 0) / 1000;
  const parkingS = periods.filter((p) => !p.charging).reduce((s, p) => s + (p.end - p.start), 0) / 1000;
  const energyWh = periods.reduce((s, p) => s + p.energyWh, 0);
  const location = tx.version === '1.6' ? String(tx.connectorId ?? 0) : String(tx.connectorId ?? 1);
  return {
    country_code: process.env.CSMS_OCPI_COUNTRY_CODE || 'NL',
    party_id: process.env.CSMS_OCPI_PARTY_ID || 'CSM',
    id: cdrIdOf(tx),
    start_date_time: tx.startedAt,
    end_date_time: end,
    session_id: tx.transactionId,
    cdr_token: {
      country_code: process.env.CSMS_OCPI_COUNTRY_CODE || 'NL',
      party_id: process.env.CSMS_OCPI_PARTY_ID || 'CSM',
      uid: tx.idTag ?? 'UNKNOWN',
      type: tx.idTokenType === 'eMAID' ? 'APP_USER' : tx.idTokenType === 'Central' ? 'AD_HOC_USER' : 'RFID',
      contract_id: tx.idTag ?? 'UNKNOWN',
    },
    auth_method: tx.idTokenType === 'Central' ? 'COMMAND' : tx.idTag ? 'WHITELIST' : 'AUTH_REQUEST',
    cdr_location: {
      id: tx.chargePointId,
      evse_uid: `${tx.chargePointId}*${tx.version === '1.6' ? tx.connectorId ?? 0 : tx.evseId ?? 1}`,
      evse_id: `${tx.chargePointId}*${tx.version === '1.6' ? tx.connectorId ?? 0 : tx.evseId ?? 1}`,
      connector_id: location,
    },
    currency: cost?.currency ?? st?.tariff.currency ?? CURRENCY(),
    tariffs: st ? [st.tariff] : [],
    charging_periods: chargingPeriods(periods).map((p) => ({
      start_date_time: new Date(p.start).toISOString(),
      dimensions: [
        { type: 'ENERGY', volume: r4(p.energyWh / 1000) },
        { type: p.charging ? 'TIME' : 'PARKING_TIME', volume: r4((p.end - p.start) / 3_600_000) },
      ],
      ...(st ? { tariff_id: st.tariffId } : {}),
    })),
    total_cost: price(cost?.totalExclVat ?? 0, cost?.totalInclVat ?? 0),
    ...(sum('FLAT') ? { total_fixed_cost: sum('FLAT') } : {}),
    total_energy: r4(energyWh / 1000),
    ...(sum('ENERGY') ? { total_energy_cost: sum('ENERGY') } : {}),
    total_time: r4((chargingS + parkingS) / 3600),
    ...(sum('TIME') ? { total_time_cost: sum('TIME') } : {}),
    total_parking_time: r4(parkingS / 3600),
    ...(sum('PARKING_TIME') ? { total_parking_cost: sum('PARKING_TIME') } : {}),
    ...(reservation.length ? { total_reservation_cost: price(reservation.reduce((s, l) => s + l.exclVat, 0), reservation.reduce((s, l) => s + l.exclVat + l.vatAmount, 0)) } : {}),
    credit: false,
    last_updated: now.toISOString(),
  };
}
export type Cdr = ReturnType<typeof buildCdr>;

/**
 * The reservation a session used (1.6 §4.8 reservationId, 2.0.1 H03), priced by the tariff's
 * reservation elements (docs/tariffs.md rule 5): from its creation to the session's start (at most
 * its expiry). One GetItem, once per session, only when the transaction names a reservation.
 */
async function reservationOf(tx: TransactionRecord): Promise<{ start: number; end: number } | undefined> {
  if (tx.reservationId === undefined) return undefined;
  const r = await getReservation(tx.chargePointId, tx.reservationId);
  // Only a reservation this session used (or is about to mark Used: the reservation hook runs alongside).
  if (!r || r.status === 'Cancelled' || (r.transactionId !== undefined && r.transactionId !== tx.transactionId)) return undefined;
  const start = Date.parse(r.createdAt);
  const end = Math.min(Date.parse(tx.startedAt), Date.parse(r.expiryDate));
  return Number.isFinite(start) && Number.isFinite(end) && end > start ? { start, end } : undefined;
}

/** Computes the final cost and writes it with the CDR, once. Returns whether this run wrote it. */
export async function writeCdr(given: TransactionRecord, now = new Date(), meterValues = transactionMeterValues): Promise<boolean> {
  if (!given.stoppedAt) return false;
  // The started hook `tariff` runs alongside on a first message that both starts and stops: fix it here too (idempotent, written once).
  let tx = given;
  if (!(tx as TransactionRecord & PricedTransaction).tariffId) {
    const chosen = await fixSessionTariff(tx);
    if (chosen) tx = { ...tx, tariffId: chosen.tariffId, tariffSource: chosen.source, tariffDocument: JSON.stringify(chosen.tariff) } as TransactionRecord;
  }
  if (!tx.stoppedAt) return false;
  const values = await meterValues(tx.chargePointId, tx.transactionId);
  const usage = transactionUsage(tx, values, now.getTime(), await reservationOf(tx));
  const cost = transactionCost(tx, values, now.getTime(), usage);
  const cdr = buildCdr(tx, cost, usage.periods, tx.stoppedAt, now);
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('transactions'),
      Key: { chargePointId: tx.chargePointId, transactionId: tx.transactionId },
      UpdateExpression: 'SET cdrId = :id, cdr = :cdr, cdrEndedAt = :end' + (cost ? ', finalCost = :cost' : ''),
      ConditionExpression: 'attribute_exists(chargePointId) AND attribute_not_exists(cdrId)',
      ExpressionAttributeValues: { ':id': cdr.id, ':cdr': JSON.stringify(cdr), ':end': tx.stoppedAt, ...(cost ? { ':cost': JSON.stringify(cost) } : {}) },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false; // written by an earlier run: a CDR never changes
    throw e;
  }
}

/**
 * Due once the station really stopped the session (a reconciliation close waits for the real stop)
 * and its start is known: a 2.0.1 Ended that arrives before its Started (out of order) leaves a
 * record without its start facts, so the CDR waits for the Started (any later event runs the hooks
 * again); 1.6 StopTransaction only stops a transaction that exists.
 */
export const cdrDue = (tx: TransactionRecord) =>
  !!tx.stoppedAt && !(tx as TransactionRecord & CdrFields).cdrId && (tx.version === '1.6' || tx.meterStart !== undefined || tx.startedAt !== tx.stoppedAt);

onTransactionStopped({
  name: 'cdr',
  appliesTo: cdrDue,
  run: (tx) => writeCdr(tx),
});
