import { CallFailure, sendCall } from '../calls/outbound';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { config } from '../config';
import { log } from '../log';
import { versionOf } from '../ocpp/protocol';
import { addToCounter } from '../store/counters';
import { getChargePoint, listChargePoints } from '../store/charge-points';
import { callFailureName, explainError, failTask, TaskError, type CaughtError } from '../workflows/errors';
import {
  clearActiveJob, createJob, finishTarget, getJob, getTarget, listTargets, putTargets, setActiveJob, setActiveToken, setTargetDetails, updateJob,
  type JobStatus,
} from '../workflows/jobs';
import {
  firmwareRequestProblem, InvalidRequestError, isSignedFirmware, matchesSelector, MAX_ROLLOUT_CHARGE_POINTS, parseRolloutRequest, type FirmwareRequest, type FleetSelector,
} from './request';
import { settleFirmwareTask } from './settle';

export { settleFirmwareTask }; // moved to ./settle.ts

/**
 * The tasks of the firmware-update workflow (infra/workflows/firmware-update.asl.json), one Lambda
 * each (functions/workflows/Firmware*.ts). Protocol-neutral: the wire payload is chosen from the
 * charge point's OCPP version, so 2.0.1 L01 runs through the same workflow.
 */

/** What each child execution of the rollout carries. */
export interface FirmwareTarget {
  jobId: string;
  chargePointId: string;
  firmware: FirmwareRequest;
  timeoutSeconds: number;
  callTimeoutSeconds: number;
  /** The charge point's answer to the call (updateFirmwareCall), as on the wire. */
  sent?: { response?: Responses16['UpdateFirmware'] | Responses16['SignedUpdateFirmware'] | Responses201['UpdateFirmware'] };
  error?: CaughtError;
}

/** Whether the call carries a requestId that the status notifications echo (2.0.1 L01, 1.6 SignedUpdateFirmware). */
export const firmwareCallHasRequestId = (version: '1.6' | '2.0.1', f: FirmwareRequest) => version === '2.0.1' || isSignedFirmware(f);

/**
 * OCPP 1.6 §6.61 UpdateFirmware.req · 2.0.1 L01 UpdateFirmwareRequest (requestId, firmware{…}) ·
 * 1.6 security extension SignedUpdateFirmware.req (Security whitepaper ed. 2, L01 for 1.6): the
 * 2.0.1 shape, sent to a 1.6 charge point when the request is signed. Its answer statuses
 * (Accepted, Rejected, AcceptedCanceled, InvalidCertificate, RevokedCertificate) and its
 * SignedFirmwareStatusNotification statuses are 2.0.1's, handled by the same steps (./statuses.ts).
 */
export type FirmwareCall =
  | { action: 'UpdateFirmware'; payload: Requests16['UpdateFirmware'] | Requests201['UpdateFirmware'] }
  | { action: 'SignedUpdateFirmware'; payload: Requests16['SignedUpdateFirmware'] };

export function updateFirmwareCall(version: '1.6' | '2.0.1', f: FirmwareRequest, requestId: number): FirmwareCall {
  if (version === '1.6' && !isSignedFirmware(f)) {
    const payload: Requests16['UpdateFirmware'] = { location: f.location, retrieveDate: f.retrieveDate, retries: f.retries, retryInterval: f.retryInterval };
    return { action: 'UpdateFirmware', payload };
  }
  const common = { requestId, retries: f.retries, retryInterval: f.retryInterval };
  if (version === '1.6') {
    // Both present: firmwareRequestProblem refuses a 1.6 signed request without either before this is called.
    const firmware: Requests16['SignedUpdateFirmware']['firmware'] = {
      location: f.location, retrieveDateTime: f.retrieveDate, installDateTime: f.installDate, signingCertificate: f.signingCertificate as string, signature: f.signature as string,
    };
    return { action: 'SignedUpdateFirmware', payload: { ...common, firmware } };
  }
  const firmware: Requests201['UpdateFirmware']['firmware'] = {
    location: f.location, retrieveDateTime: f.retrieveDate, installDateTime: f.installDate, signingCertificate: f.signingCertificate, signature: f.signature,
  };
  return { action: 'UpdateFirmware', payload: { ...common, firmware } };
}
const dropUndefined = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Charge points whose boot information matches (a scan of the registry; rollouts are rare). */
export async function resolveSelector(selector: FleetSelector): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listChargePoints(500, startKey);
    for (const cp of page.items) if (matchesSelector(cp.boot, selector)) ids.push(cp.chargePointId);
    startKey = page.lastKey;
  } while (startKey);
  return ids.sort();
}

/** Step 1 — checks the input, resolves the selector, records one Pending item per charge point. */
export async function prepareRollout(event: { input: unknown; executionName: string; executionArn: string }, now = new Date()) {
  let request;
  try {
    request = parseRolloutRequest(event.input);
  } catch (e) {
    if (e instanceof InvalidRequestError) throw new TaskError('InvalidRolloutInput', e.message);
    throw e;
  }
  const jobId = request.jobId ?? event.executionName;
  const job = await getJob(jobId);
  const summary = { ...request.firmware, selector: request.selector, maxConcurrency: request.maxConcurrency, toleratedFailurePercentage: request.toleratedFailurePercentage, timeoutSeconds: request.timeoutSeconds };
  if (!job) {
    // Started from the Step Functions console: the job is created here.
    await createJob({ jobId, jobType: 'FirmwareUpdate', status: 'Running', createdAt: now.toISOString(), updatedAt: now.toISOString(), executionArn: event.executionArn, request: dropUndefined(summary) });
  } else if (!job.executionArn) {
    await updateJob(jobId, { executionArn: event.executionArn });
  }
  const chargePointIds = request.chargePointIds ?? (await resolveSelector(request.selector!));
  if (!chargePointIds.length) throw new TaskError('NoChargePoints', `No charge point matches the selector ${JSON.stringify(request.selector)}`);
  if (chargePointIds.length > MAX_ROLLOUT_CHARGE_POINTS) throw new TaskError('TooManyChargePoints', `${chargePointIds.length} charge points match; at most ${MAX_ROLLOUT_CHARGE_POINTS} per rollout`);
  const existing = await listTargets(jobId);
  if (!existing.length) await putTargets(jobId, 'FirmwareUpdate', chargePointIds, job?.createdAt ?? now.toISOString());
  await updateJob(jobId, { targetCount: chargePointIds.length });
  // The charge point retrieves the firmware only after retrieveDate: the wait for its final status starts then.
  const delay = Math.max(0, Math.ceil((Date.parse(request.firmware.retrieveDate) - now.getTime()) / 1000));
  return {
    jobId,
    chargePointIds,
    firmware: request.firmware,
    maxConcurrency: request.maxConcurrency,
    toleratedFailurePercentage: request.toleratedFailurePercentage,
    timeoutSeconds: request.timeoutSeconds + delay,
    callTimeoutSeconds: Math.ceil(config.callTimeoutMs() / 1000) + 5,
  };
}

/**
 * Step 2 (token resumed by the answer) — makes this job the one the charge point's
 * FirmwareStatusNotifications belong to, then sends UpdateFirmware carrying the task token.
 */
export async function sendFirmwareUpdate(event: { target: FirmwareTarget; taskToken: string }, now = new Date()): Promise<void> {
  const { target, taskToken } = event;
  const cp = await getChargePoint(target.chargePointId);
  if (!cp) return failTask(taskToken, 'ChargePointNotFound', `Charge point ${target.chargePointId} is not registered`);
  if (!cp.protocol) return failTask(taskToken, 'ChargePointOffline', `Charge point ${target.chargePointId} has never connected`);
  const version = versionOf(cp.protocol);
  const problem = firmwareRequestProblem(version, target.firmware);
  if (problem) return failTask(taskToken, 'InvalidFirmwareRequest', problem);
  const requestId = firmwareCallHasRequestId(version, target.firmware) ? (await addToCounter('firmwareRequestId', 1)) % 2_147_483_647 : undefined;
  const replaced = await setActiveJob({ chargePointId: target.chargePointId, kind: 'firmware', activeJobId: target.jobId, since: now.toISOString(), requestId });
  if (replaced?.taskToken) await failTask(replaced.taskToken, 'FirmwareUpdateSuperseded', `Firmware update ${target.jobId} took over this charge point`);
  const call = updateFirmwareCall(version, target.firmware, requestId ?? 0);
  await setTargetDetails(target.jobId, target.chargePointId, dropUndefined({ requestId, action: call.action, firmwareVersionBefore: cp.boot?.firmwareVersion, sentAt: now.toISOString() }));
  try {
    await sendCall(target.chargePointId, call.action, dropUndefined(call.payload), {
      taskToken,
      timeoutMs: (target.callTimeoutSeconds - 5) * 1000,
    });
  } catch (e) {
    if (!(e instanceof CallFailure)) throw e;
    await clearActiveJob(target.chargePointId, 'firmware', target.jobId);
    await failTask(taskToken, callFailureName(e), e.message);
  }
}

/**
 * Step 3 (token resumed by FirmwareStatusNotification / SignedFirmwareStatusNotification) —
 * attaches the token to the charge point's active job; a final status that arrived before the
 * token did settles it at once.
 */
export async function awaitFirmwareStatus(event: { target: FirmwareTarget; taskToken: string }): Promise<void> {
  const { target, taskToken } = event;
  const status = target.sent?.response?.status; // 2.0.1 / 1.6 SignedUpdateFirmware: 1.6 UpdateFirmware.conf is empty
  if (status !== undefined && status !== 'Accepted' && status !== 'AcceptedCanceled') {
    const action = ((await getTarget(target.jobId, target.chargePointId))?.details?.action as string | undefined) ?? 'UpdateFirmware';
    return failTask(taskToken, 'FirmwareUpdateRejected', `The charge point answered ${action} with ${status}`);
  }
  if (!(await setActiveToken(target.chargePointId, 'firmware', target.jobId, taskToken))) {
    return failTask(taskToken, 'FirmwareUpdateSuperseded', 'Another firmware update took over this charge point');
  }
  const item = await getTarget(target.jobId, target.chargePointId);
  const last = item?.history.at(-1)?.status;
  if (last) await settleFirmwareTask(taskToken, last);
}

/** Step 4 — the charge point's outcome; frees it for the next firmware job. */
export async function recordFirmwareOutcome(event: { target: FirmwareTarget; outcome: 'Succeeded' | 'Failed'; error?: CaughtError }) {
  const { target } = event;
  await finishTarget(target.jobId, target.chargePointId, event.outcome, explainError(event.error));
  await clearActiveJob(target.chargePointId, 'firmware', target.jobId);
  return {};
}

/** Last step — the rollout's status; charge points it never got to are Cancelled. */
export async function finishRollout(event: { rollout: Record<string, unknown>; executionName: string; status: Extract<JobStatus, 'Succeeded' | 'Failed'>; error?: CaughtError }) {
  const r = event.rollout;
  const jobId = (typeof r.jobId === 'string' && r.jobId) || event.executionName;
  const targets = await listTargets(jobId);
  for (const t of targets.filter((x) => !x.outcome)) {
    await finishTarget(jobId, t.chargePointId, 'Cancelled', event.status === 'Failed' ? 'The rollout stopped before this charge point finished' : undefined);
    await clearActiveJob(t.chargePointId, 'firmware', jobId);
  }
  const updated = await updateJob(jobId, { status: event.status, finishedAt: new Date().toISOString(), error: explainError(event.error) }, true);
  if (!updated) log.info('rollout already finished (aborted?)', { jobId });
  return { jobId, status: event.status };
}
