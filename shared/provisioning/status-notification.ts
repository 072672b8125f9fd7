import type { ActionHandlers, CallContext } from '../ocpp/context';
import { recordStatus, type ConnectorStatus } from '../store/charge-points';
import { reconcileQuietly, reconcileOnStatus } from '../transactions/reconcile';

/** 1.6 connectors are keyed "N" (0 = the whole charge point); 2.0.x connectors "evse/connector". */
export const statusKey = (connectorId: number, evseId?: number) => (evseId === undefined ? String(connectorId) : `${evseId}/${connectorId}`);

interface Status16 {
  connectorId: number;
  errorCode: string;
  status: string;
  info?: string;
  timestamp?: string;
  vendorId?: string;
  vendorErrorCode?: string;
}
interface Status201 {
  timestamp: string;
  connectorStatus: string;
  evseId: number;
  connectorId: number;
}

async function saveStatus(s: Omit<ConnectorStatus, 'updatedAt'>, ctx: CallContext) {
  await Promise.all([
    recordStatus(ctx.chargePointId, statusKey(s.connectorId, s.evseId), { ...s, updatedAt: ctx.receivedAt.toISOString() }, ctx.receivedAt),
    // A free connector closes the transaction the CSMS still holds on it (shared/transactions/reconcile.ts).
    reconcileQuietly(ctx.chargePointId, () => reconcileOnStatus(ctx.chargePointId, { connectorId: s.connectorId, evseId: s.evseId, status: s.status, at: s.timestamp ?? ctx.receivedAt.toISOString() })),
  ]);
  return {};
}

export const statusNotification16 = (p: Status16, ctx: CallContext) =>
  saveStatus({ connectorId: p.connectorId, status: p.status, errorCode: p.errorCode, info: p.info, timestamp: p.timestamp, vendorId: p.vendorId, vendorErrorCode: p.vendorErrorCode }, ctx);

export const statusNotification201 = (p: Status201, ctx: CallContext) =>
  saveStatus({ evseId: p.evseId, connectorId: p.connectorId, status: p.connectorStatus, timestamp: p.timestamp }, ctx);

/** OCPP 1.6 §4.9 Status Notification (connector 0 = the charge point) · OCPP 2.0.1 G01 Status Notification. */
export const StatusNotification: ActionHandlers = { '1.6': statusNotification16, '2.0.1': statusNotification201 };
