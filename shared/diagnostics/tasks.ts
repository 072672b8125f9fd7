import { CallFailure, sendCall } from '../calls/outbound';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { config } from '../config';
import { versionOf } from '../ocpp/protocol';
import { addToCounter } from '../store/counters';
import { getChargePoint } from '../store/charge-points';
import { callFailureName, explainError, failTask, TaskError, type CaughtError } from '../workflows/errors';
import {
  clearActiveJob, createJob, finishTarget, getJob, getTarget, putTargets, setActiveJob, setActiveToken, setTargetDetails, updateJob,
} from '../workflows/jobs';
import { InvalidRequestError } from '../workflows/validation';
import { parseDiagnosticsRequest, type DiagnosticsRequest } from './request';
import { uploadStorage } from './storage';
import { settleUploadTask } from './settle';

export { settleUploadTask }; // moved to ./settle.ts

/**
 * The tasks of the diagnostics-upload workflow (infra/workflows/diagnostics-upload.asl.json):
 * 1.6 §5.9 GetDiagnostics + §4.4 DiagnosticsStatusNotification, and GetLog + LogStatusNotification
 * (2.0.1 N01, and the OCPP 1.6 security extension's identical messages when a 1.6 request names a
 * logType) through the same steps (the wire payload follows the charge point's version).
 */
export interface DiagnosticsRun extends Required<Pick<DiagnosticsRequest, 'jobId' | 'chargePointId' | 'timeoutSeconds'>>, Omit<DiagnosticsRequest, 'jobId'> {
  /** Where the charge point uploads to (ours, or the operator's). */
  uploadLocation: string;
  uploadTo: 'csms' | 'operator';
  callTimeoutSeconds: number;
  /** The charge point's answer to the call (getDiagnosticsCall), as on the wire: 1.6 GetDiagnostics.conf {fileName?}, GetLog {status, filename?}. */
  sent?: { response?: Partial<Responses16['GetDiagnostics'] & Responses16['GetLog'] & Responses201['GetLog']> };
}

/**
 * Does this request go out as GetLog? Always for 2.0.1 (N01); for 1.6 only when it names a logType:
 * GetLog.req of the 1.6 security extension (Security whitepaper ed. 2, Use case N01) has the 2.0.1
 * shape; without a logType a 1.6 charge point gets §6.31 GetDiagnostics, which every 1.6 station has.
 */
export const usesGetLog = (version: '1.6' | '2.0.1', r: Pick<DiagnosticsRequest, 'logType'>) => version === '2.0.1' || r.logType !== undefined;

/** OCPP 1.6 §6.31 GetDiagnostics.req · 2.0.1 N01 GetLogRequest · 1.6 security extension GetLog.req. */
export type DiagnosticsCall =
  | { action: 'GetDiagnostics'; payload: Requests16['GetDiagnostics'] }
  | { action: 'GetLog'; payload: Requests16['GetLog'] & Requests201['GetLog'] }; // the same shape in both

export function getDiagnosticsCall(version: '1.6' | '2.0.1', r: DiagnosticsRun, requestId: number): DiagnosticsCall {
  if (!usesGetLog(version, r)) {
    return { action: 'GetDiagnostics', payload: { location: r.uploadLocation, startTime: r.startTime, stopTime: r.stopTime, retries: r.retries, retryInterval: r.retryInterval } };
  }
  return {
    action: 'GetLog',
    payload: { logType: r.logType ?? 'DiagnosticsLog', requestId, retries: r.retries, retryInterval: r.retryInterval, log: { remoteLocation: r.uploadLocation, oldestTimestamp: r.startTime, latestTimestamp: r.stopTime } },
  };
}
const dropUndefined = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Step 1 — checks the request, creates the job (when started from the console), issues the upload target. */
export async function prepareDiagnostics(event: { input: unknown; executionName: string; executionArn: string }, now = new Date()): Promise<DiagnosticsRun> {
  let request: DiagnosticsRequest;
  try {
    request = parseDiagnosticsRequest(event.input);
  } catch (e) {
    if (e instanceof InvalidRequestError) throw new TaskError('InvalidDiagnosticsInput', e.message);
    throw e;
  }
  const jobId = request.jobId ?? event.executionName;
  const job = await getJob(jobId);
  if (!job) {
    await createJob({ jobId, jobType: 'Diagnostics', status: 'Running', createdAt: now.toISOString(), updatedAt: now.toISOString(), executionArn: event.executionArn, request: { ...request, jobId: undefined }, targetCount: 1 });
    await putTargets(jobId, 'Diagnostics', [request.chargePointId], now.toISOString());
  } else if (!job.executionArn) {
    await updateJob(jobId, { executionArn: event.executionArn });
  }
  let uploadLocation = request.location;
  if (!uploadLocation) {
    const storage = uploadStorage();
    if (!storage) throw new TaskError('NoUploadStorage', 'This CSMS has no upload storage (DIAGNOSTICS_BUCKET): give a location');
    // 1.6 GetDiagnostics takes a directory (the station appends its file name); GetLog an exact URL.
    const cp = await getChargePoint(request.chargePointId);
    const directory = !usesGetLog(cp?.protocol ? versionOf(cp.protocol) : '1.6', request);
    uploadLocation = await storage.createUploadTarget(request.chargePointId, jobId, { directory });
  }
  return {
    ...request,
    jobId,
    uploadLocation,
    uploadTo: request.location ? 'operator' : 'csms',
    callTimeoutSeconds: Math.ceil(config.callTimeoutMs() / 1000) + 5,
  };
}

/** Step 2 (token resumed by the answer) — sends GetDiagnostics / GetLog carrying the task token. */
export async function requestUpload(event: { run: DiagnosticsRun; taskToken: string }, now = new Date()): Promise<void> {
  const { run, taskToken } = event;
  const cp = await getChargePoint(run.chargePointId);
  if (!cp) return failTask(taskToken, 'ChargePointNotFound', `Charge point ${run.chargePointId} is not registered`);
  if (!cp.protocol) return failTask(taskToken, 'ChargePointOffline', `Charge point ${run.chargePointId} has never connected`);
  const version = versionOf(cp.protocol);
  const getLog = usesGetLog(version, run);
  const requestId = getLog ? (await addToCounter('logRequestId', 1)) % 2_147_483_647 : undefined;
  const replaced = await setActiveJob({ chargePointId: run.chargePointId, kind: 'diagnostics', activeJobId: run.jobId, since: now.toISOString(), requestId });
  if (replaced?.taskToken) await failTask(replaced.taskToken, 'DiagnosticsSuperseded', `Diagnostics request ${run.jobId} took over this charge point`);
  await setTargetDetails(run.jobId, run.chargePointId, dropUndefined({ requestId, logType: getLog ? run.logType ?? 'DiagnosticsLog' : undefined, uploadTo: run.uploadTo, location: run.uploadTo === 'operator' ? run.location : undefined, sentAt: now.toISOString() }));
  const call = getDiagnosticsCall(version, run, requestId ?? 0);
  try {
    await sendCall(run.chargePointId, call.action, dropUndefined(call.payload), { taskToken, timeoutMs: (run.callTimeoutSeconds - 5) * 1000 });
  } catch (e) {
    if (!(e instanceof CallFailure)) throw e;
    await clearActiveJob(run.chargePointId, 'diagnostics', run.jobId);
    await failTask(taskToken, callFailureName(e), e.message);
  }
}

/** Step 3 (token resumed by DiagnosticsStatusNotification / LogStatusNotification, 1.6 or 2.0.1) — waits for Uploaded. */
export async function awaitUpload(event: { run: DiagnosticsRun; taskToken: string }): Promise<void> {
  const { run, taskToken } = event;
  const response = run.sent?.response ?? {};
  if (response.status !== undefined && response.status !== 'Accepted' && response.status !== 'AcceptedCanceled') {
    return failTask(taskToken, 'GetLogRejected', `The charge point answered GetLog with ${response.status}`);
  }
  const fileName = response.fileName ?? response.filename;
  // 1.6 §5.9: "If no diagnostics file is available, then GetDiagnostics.conf SHALL NOT contain a file name".
  if (response.status === undefined && !fileName) {
    return failTask(taskToken, 'NoDiagnosticsAvailable', 'The charge point has no diagnostics information to upload');
  }
  if (fileName) await setTargetDetails(run.jobId, run.chargePointId, { fileName });
  if (!(await setActiveToken(run.chargePointId, 'diagnostics', run.jobId, taskToken))) {
    return failTask(taskToken, 'DiagnosticsSuperseded', 'Another diagnostics request took over this charge point');
  }
  const last = (await getTarget(run.jobId, run.chargePointId))?.history.at(-1)?.status;
  if (last) await settleUploadTask(taskToken, last);
}

/** Last step — the outcome; on success the file must be in our storage (unless it went to the operator's location). */
export async function recordDiagnosticsOutcome(event: { run: DiagnosticsRun; outcome: 'Succeeded' | 'Failed'; error?: CaughtError }) {
  const { run } = event;
  if (event.outcome === 'Succeeded' && run.uploadTo === 'csms') {
    const file = await uploadStorage()?.findUpload(run.chargePointId, run.jobId);
    if (!file) throw new TaskError('UploadNotReceived', 'The charge point reported Uploaded, but no file arrived');
    await setTargetDetails(run.jobId, run.chargePointId, { file });
  }
  const error = explainError(event.error);
  await finishTarget(run.jobId, run.chargePointId, event.outcome, error);
  await clearActiveJob(run.chargePointId, 'diagnostics', run.jobId);
  await updateJob(run.jobId, { status: event.outcome, finishedAt: new Date().toISOString(), error }, true);
  return {};
}

/** When preparing failed, there is no run yet: record the failure against the job if there is one. */
export async function failDiagnostics(event: { input: Record<string, unknown>; executionName: string; error?: CaughtError }) {
  const jobId = (typeof event.input?.jobId === 'string' && event.input.jobId) || event.executionName;
  const error = explainError(event.error);
  const chargePointId = event.input?.chargePointId;
  if (typeof chargePointId === 'string') await finishTarget(jobId, chargePointId, 'Failed', error);
  await updateJob(jobId, { status: 'Failed', finishedAt: new Date().toISOString(), error }, true);
  return {};
}
