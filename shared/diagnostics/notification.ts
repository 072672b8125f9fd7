import type { ActionHandlers, CallContext } from '../ocpp/context';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { getActiveJob, recordTargetStatus } from '../workflows/jobs';
import { settleUploadTask } from './settle';

/**
 * A charge point's upload status, whichever generation reported it: recorded with its time in the
 * diagnostics job it is busy with; Uploaded / UploadFailed (2.0.1: UploadFailure, BadMessage, …)
 * resume the waiting workflow task. No job (e.g. Idle after TriggerMessage): message log only.
 * LogStatusNotification (2.0.1, or the 1.6 security extension's) reaches this with its requestId.
 */
export async function recordDiagnosticsStatus(chargePointId: string, status: string, at: Date, requestId?: number): Promise<void> {
  const active = await getActiveJob(chargePointId, 'diagnostics');
  if (!active) return;
  if (requestId !== undefined && active.requestId !== undefined && requestId !== active.requestId) return;
  if (!(await recordTargetStatus(active.activeJobId, chargePointId, { status, at: at.toISOString() }))) return;
  // Token attached after our read? Read again (see recordFirmwareStatus).
  let token = active.taskToken;
  if (!token) {
    const again = await getActiveJob(chargePointId, 'diagnostics');
    if (again?.activeJobId === active.activeJobId) token = again.taskToken;
  }
  if (token) await settleUploadTask(token, status);
}

/** OCPP 1.6 §4.4 Diagnostics Status Notification: "the Central System SHALL respond with a DiagnosticsStatusNotification.conf". */
export const diagnosticsStatusNotification16 = async (p: Requests16['DiagnosticsStatusNotification'], ctx: CallContext): Promise<Responses16['DiagnosticsStatusNotification']> => {
  await recordDiagnosticsStatus(ctx.chargePointId, p.status, ctx.receivedAt);
  return {};
};

export const DiagnosticsStatusNotification: ActionHandlers = { '1.6': diagnosticsStatusNotification16 };

/**
 * OCPP 2.0.1 N01 Retrieve Log — LogStatusNotification (N01.FR.07…): the same service as 1.6.
 * The OCPP 1.6 security extension (Security whitepaper ed. 2) has the same LogStatusNotification.req
 * {status, requestId?} in answer to its GetLog: one implementation serves both versions.
 * The requestId ties it to our GetLog: a status of another request is not attributed to our job.
 * Uploading / AcceptedCanceled / Idle are intermediate, Uploaded ends the job, UploadFailure /
 * BadMessage / NotSupportedOperation / PermissionDenied fail it (./statuses.ts).
 */
export const logStatusNotification201 = async (
  p: Requests201['LogStatusNotification'] | Requests16['LogStatusNotification'],
  ctx: CallContext,
): Promise<Responses201['LogStatusNotification'] & Responses16['LogStatusNotification']> => {
  await recordDiagnosticsStatus(ctx.chargePointId, p.status, ctx.receivedAt, p.requestId);
  return {};
};

export const LogStatusNotification: ActionHandlers = { '1.6': logStatusNotification201, '2.0.1': logStatusNotification201 };
