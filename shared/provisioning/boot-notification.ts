import { config } from '../config';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { recordBoot, type RegistrationStatus } from '../store/charge-points';
import { reconcileQuietly, reconcileOnBoot } from '../transactions/reconcile';
import type { Requests16 } from '../ocpp/types/v16';
import type { Requests201 } from '../ocpp/types/v201';

/** What we keep of a boot, whichever generation reported it. */
export interface BootInfo {
  vendor: string;
  model: string;
  serialNumber?: string;
  chargeBoxSerialNumber?: string;
  firmwareVersion?: string;
  iccid?: string;
  imsi?: string;
  meterType?: string;
  meterSerialNumber?: string;
  reason?: string;
}

/** Stores the boot and decides the answer: the operator's registration status, and the interval. */
export async function bootChargePoint(info: BootInfo, ctx: CallContext): Promise<{ status: RegistrationStatus; currentTime: string; interval: number }> {
  const [recorded] = await Promise.all([
    recordBoot(ctx.chargePointId, { ...info, protocol: ctx.protocol }, ctx.receivedAt),
    // A rebooted station runs none of the transactions it had (shared/transactions/reconcile.ts).
    reconcileQuietly(ctx.chargePointId, () => reconcileOnBoot(ctx.chargePointId, ctx.receivedAt)),
  ]);
  const status = recorded ?? 'Rejected';
  // Accepted: the heartbeat interval; otherwise the minimum wait before the next BootNotification.
  const interval = status === 'Accepted' ? config.heartbeatInterval() : config.bootRetryInterval();
  return { status, currentTime: new Date().toISOString(), interval };
}

type Boot16 = Requests16['BootNotification'];
type Boot201 = Requests201['BootNotification'];

export const bootNotification16 = (p: Boot16, ctx: CallContext) =>
  bootChargePoint({
    vendor: p.chargePointVendor,
    model: p.chargePointModel,
    serialNumber: p.chargePointSerialNumber,
    chargeBoxSerialNumber: p.chargeBoxSerialNumber,
    firmwareVersion: p.firmwareVersion,
    iccid: p.iccid,
    imsi: p.imsi,
    meterType: p.meterType,
    meterSerialNumber: p.meterSerialNumber,
  }, ctx);

export const bootNotification201 = (p: Boot201, ctx: CallContext) =>
  bootChargePoint({
    vendor: p.chargingStation.vendorName,
    model: p.chargingStation.model,
    serialNumber: p.chargingStation.serialNumber,
    firmwareVersion: p.chargingStation.firmwareVersion,
    iccid: p.chargingStation.modem?.iccid,
    imsi: p.chargingStation.modem?.imsi,
    reason: p.reason,
  }, ctx);

/** OCPP 1.6 §4.2 Boot Notification · OCPP 2.0.1 B01–B03 Cold Boot (Accepted/Pending/Rejected). */
export const BootNotification: ActionHandlers = { '1.6': bootNotification16, '2.0.1': bootNotification201, allowedBeforeAccepted: true };
