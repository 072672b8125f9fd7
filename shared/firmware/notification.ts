import type { ActionHandlers, CallContext } from '../ocpp/context';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { getActiveJob, recordTargetStatus } from '../workflows/jobs';
import { settleFirmwareTask } from './settle';

/**
 * A charge point's firmware status, whichever generation reported it: recorded with its time in
 * the history of the firmware job the charge point is busy with, and a final status (Installed,
 * DownloadFailed, InstallationFailed, …) resumes the workflow task that waits for it. A status
 * with no job (e.g. Idle after TriggerMessage) only lands in the message log.
 * 2.0.1 carries the requestId of the UpdateFirmware it reports on: a status of another request is
 * not attributed to our job.
 */
export async function recordFirmwareStatus(chargePointId: string, status: string, at: Date, requestId?: number): Promise<void> {
  const active = await getActiveJob(chargePointId, 'firmware');
  if (!active) return;
  if (requestId !== undefined && active.requestId !== undefined && requestId !== active.requestId) return;
  const recorded = await recordTargetStatus(active.activeJobId, chargePointId, { status, at: at.toISOString() });
  if (!recorded) return;
  // The waiting task attaches its token, then reads the history; we write the history, then read
  // the token: whichever comes second sees the other's write, so a final status is never missed.
  let token = active.taskToken;
  if (!token) {
    const again = await getActiveJob(chargePointId, 'firmware');
    if (again?.activeJobId === active.activeJobId) token = again.taskToken;
  }
  if (token) await settleFirmwareTask(token, status);
}

/** OCPP 1.6 §4.5 Firmware Status Notification: "the Central System SHALL respond with a FirmwareStatusNotification.conf". */
export const firmwareStatusNotification16 = async (p: Requests16['FirmwareStatusNotification'], ctx: CallContext): Promise<Responses16['FirmwareStatusNotification']> => {
  await recordFirmwareStatus(ctx.chargePointId, p.status, ctx.receivedAt);
  return {};
};

/** OCPP 2.0.1 L01.FR.01 FirmwareStatusNotification (requestId mandatory unless Idle). */
export const firmwareStatusNotification201 = async (
  p: Requests201['FirmwareStatusNotification'] | Requests16['SignedFirmwareStatusNotification'],
  ctx: CallContext,
): Promise<Responses201['FirmwareStatusNotification'] & Responses16['SignedFirmwareStatusNotification']> => {
  await recordFirmwareStatus(ctx.chargePointId, p.status, ctx.receivedAt, p.requestId);
  return {};
};

export const FirmwareStatusNotification: ActionHandlers = { '1.6': firmwareStatusNotification16, '2.0.1': firmwareStatusNotification201 };

/**
 * OCPP 1.6 security extension (Security whitepaper ed. 2) SignedFirmwareStatusNotification.req
 * {status, requestId?}: the status of a SignedUpdateFirmware, with 2.0.1's FirmwareStatusEnumType
 * and requestId — the same service as 2.0.1 FirmwareStatusNotification.
 */
export const SignedFirmwareStatusNotification: ActionHandlers = { '1.6': firmwareStatusNotification201 };
