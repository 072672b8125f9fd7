import { log } from '../log';
import { liveConnectionId, type ChargePoint } from '../store/charge-points';
import { describeWorkflow, startWorkflow, stopWorkflow } from '../workflows/start';
import {
  batchGetChargePoints, clearActiveJob, createJob, finishTarget, getJob, listJobs, listTargets, newJobId, updateJob, type Job, type JobStatus,
} from '../workflows/jobs';
import { versionOf, type Protocol } from '../ocpp/protocol';
import { firmwareRequestProblem, InvalidRequestError, parseRolloutRequest } from './request';

/**
 * Firmware updates as the operator sees them (1.6 §5.19 Update Firmware, or with a signature the
 * 1.6 security extension's SignedUpdateFirmware; 2.0.1 L01): start one
 * (a single charge point is a rollout of one), follow it, abort it. The work itself is the
 * firmware-update workflow.
 */
export async function startFirmwareUpdate(body: unknown, now = new Date()): Promise<{ id: string; executionArn: string }> {
  const request = parseRolloutRequest(body);
  if (request.chargePointIds) {
    const known = await batchGetChargePoints(request.chargePointIds);
    const unknown = request.chargePointIds.filter((id) => !known.has(id));
    if (unknown.length) throw new InvalidRequestError(`Unknown charge point(s): ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`);
    // Refused up front when we can tell (a selector's charge points fail one by one in the workflow instead).
    for (const cp of known.values()) {
      const problem = cp.protocol ? firmwareRequestProblem(versionOf(cp.protocol as Protocol), request.firmware) : undefined;
      if (problem) throw new InvalidRequestError(`${problem} (${String(cp.chargePointId)})`);
    }
  }
  if (request.jobId && (await getJob(request.jobId))) throw new InvalidRequestError(`A job ${request.jobId} exists already`);
  const jobId = request.jobId ?? newJobId('fw', now);
  const job: Job = {
    jobId,
    jobType: 'FirmwareUpdate',
    status: 'Running',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    request: JSON.parse(JSON.stringify({ ...request.firmware, selector: request.selector, maxConcurrency: request.maxConcurrency, toleratedFailurePercentage: request.toleratedFailurePercentage, timeoutSeconds: request.timeoutSeconds })),
    targetCount: request.chargePointIds?.length,
  };
  await createJob(job);
  try {
    // The execution is named after the job: the console shows which execution drives which job.
    const { executionArn } = await startWorkflow('firmware-update', { ...request, jobId }, jobId);
    await updateJob(jobId, { executionArn });
    return { id: jobId, executionArn };
  } catch (e) {
    await updateJob(jobId, { status: 'Failed', error: 'The firmware-update workflow could not be started', finishedAt: new Date().toISOString() });
    throw e;
  }
}

/** The job's status: the job item, corrected by the execution when it ended without telling us (stopped in the console). */
async function effectiveStatus(job: Job): Promise<{ status: JobStatus; error?: string }> {
  if (job.status !== 'Running' || !job.executionArn) return { status: job.status, error: job.error };
  try {
    const ex = await describeWorkflow(job.executionArn);
    if (ex.status === 'RUNNING') return { status: job.status, error: job.error };
    // It may have finished between our read of the job and now: the job's own record wins.
    const again = await getJob(job.jobId);
    if (again && again.status !== 'Running') return { status: again.status, error: again.error };
    if (ex.status === 'ABORTED') return { status: 'Aborted', error: ex.cause || job.error };
    if (ex.status === 'FAILED' || ex.status === 'TIMED_OUT') return { status: 'Failed', error: [ex.error, ex.cause].filter(Boolean).join(': ') || job.error };
  } catch (e) {
    log.warn('could not describe the rollout execution', { jobId: job.jobId, error: String(e) });
  }
  return { status: job.status, error: job.error };
}

export async function firmwareUpdateView(jobId: string) {
  const job = await getJob(jobId);
  if (!job || job.jobType !== 'FirmwareUpdate') return undefined;
  const targets = await listTargets(jobId);
  const cps = await batchGetChargePoints(targets.map((t) => t.chargePointId));
  const { status, error } = await effectiveStatus(job);
  const summary = { total: targets.length, pending: 0, inProgress: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const t of targets) {
    if (t.outcome === 'Succeeded') summary.succeeded++;
    else if (t.outcome === 'Failed') summary.failed++;
    else if (t.outcome === 'Cancelled') summary.cancelled++;
    else if (t.status === 'Pending' && !t.details?.sentAt) summary.pending++;
    else summary.inProgress++;
  }
  return {
    id: job.jobId,
    status,
    error,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    finishedAt: job.finishedAt,
    executionArn: job.executionArn,
    request: job.request,
    summary,
    chargePoints: targets.sort((a, b) => a.chargePointId.localeCompare(b.chargePointId)).map((t) => {
      const cp = cps.get(t.chargePointId) as ChargePoint | undefined;
      return {
        chargePointId: t.chargePointId,
        status: t.status,
        history: t.history,
        outcome: t.outcome,
        error: t.error,
        finishedAt: t.finishedAt,
        // Refreshed by the BootNotification after the update.
        firmwareVersion: cp?.boot?.firmwareVersion,
        firmwareVersionBefore: t.details?.firmwareVersionBefore,
        connected: !!liveConnectionId(cp),
      };
    }),
  };
}

export async function listFirmwareUpdates(limit: number, startKey?: Record<string, unknown>) {
  const page = await listJobs('FirmwareUpdate', limit, startKey);
  return { items: page.items.map((j) => ({ id: j.jobId, status: j.status, createdAt: j.createdAt, finishedAt: j.finishedAt, targetCount: j.targetCount, request: j.request })), lastKey: page.lastKey };
}

/** Stops the rollout: charge points not finished are Cancelled (those already updating carry on by themselves). */
export async function abortFirmwareUpdate(jobId: string): Promise<'Aborted' | JobStatus | undefined> {
  const job = await getJob(jobId);
  if (!job || job.jobType !== 'FirmwareUpdate') return undefined;
  if (job.status !== 'Running') return job.status;
  if (job.executionArn) await stopWorkflow(job.executionArn, 'Aborted', 'Aborted by the operator');
  await updateJob(jobId, { status: 'Aborted', finishedAt: new Date().toISOString(), error: 'Aborted by the operator' }, true);
  for (const t of (await listTargets(jobId)).filter((x) => !x.outcome)) {
    await finishTarget(jobId, t.chargePointId, 'Cancelled', 'The rollout was aborted');
    await clearActiveJob(t.chargePointId, 'firmware', jobId);
  }
  return 'Aborted';
}
