import type { TransactionRecord } from '../store/transactions';
import { reconciliationView } from './reconcile';
import { pricingView } from '../tariffs/view';

/**
 * What an operator sees of a transaction: 1.6 ids as integers with connectorId,
 * 2.0.x ids as strings with evseId (and connectorId when the station named it). energyWh is
 * meterStop − meterStart once stopped, the energy so far (last register reading) while running.
 */
export function transactionView(t: TransactionRecord) {
  const is16 = t.version === '1.6';
  const end = t.meterStop ?? (t.active ? t.lastMeterWh : undefined);
  return {
    transactionId: is16 ? Number(t.transactionId) : t.transactionId,
    chargePointId: t.chargePointId,
    ...(is16 ? { connectorId: t.connectorId } : { evseId: t.evseId, connectorId: t.connectorId }),
    idTag: t.idTag,
    idTokenType: t.idTokenType,
    authorizationStatus: t.authorizationStatus,
    meterStart: t.meterStart,
    meterStop: t.meterStop,
    startedAt: t.startedAt,
    stoppedAt: t.stoppedAt,
    stopReason: t.stopReason ?? (t as { reconcileReason?: string }).reconcileReason, // a real stop's reason, else why the CSMS closed it
    stopTriggerReason: t.stopTriggerReason,
    stopIdTag: t.stopIdTag,
    active: t.active,
    energyWh: end !== undefined && t.meterStart !== undefined ? Math.round((end - t.meterStart) * 1000) / 1000 : undefined,
    reservationId: t.reservationId,
    remoteStartId: t.remoteStartId,
    stopRequestedAt: t.stopRequestedAt,
    chargingState: t.chargingState,
    offline: t.offline || undefined,
    seqNos: t.seqNos ? [...t.seqNos].sort((a, b) => a - b) : undefined,
    eventCount: t.eventCount,
    protocolVersion: t.version,
    ...reconciliationView(t),
    ...pricingView(t),
  };
}
export type TransactionView = ReturnType<typeof transactionView>;
