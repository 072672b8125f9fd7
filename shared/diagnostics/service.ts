import { getChargePoint, liveConnectionId } from '../store/charge-points';
import { createJob, getJob, getTarget, listTargetsOfChargePoint, newJobId, putTargets, updateJob, type Job, type JobTarget } from '../workflows/jobs';
import { startWorkflow } from '../workflows/start';
import { InvalidRequestError } from '../workflows/validation';
import { parseDiagnosticsRequest } from './request';
import { uploadStorage, type StoredFile } from './storage';

/**
 * Diagnostics as the operator sees them (1.6 §5.9 Get Diagnostics or, with a logType, the 1.6
 * security extension's GetLog; 2.0.1 N01 Retrieve Log): ask a
 * charge point for its diagnostics, follow the upload, download the file. The work is the
 * diagnostics-upload workflow.
 */
export class DiagnosticsRefused extends Error {
  constructor(readonly status: 404 | 409, readonly error: string, message: string) {
    super(message);
  }
}

export async function startDiagnostics(chargePointId: string, body: unknown, now = new Date()): Promise<{ id: string }> {
  const request = parseDiagnosticsRequest({ ...(body && typeof body === 'object' ? body : {}), chargePointId });
  const cp = await getChargePoint(chargePointId);
  if (!cp) throw new DiagnosticsRefused(404, 'NotFound', `Charge point ${chargePointId} is not registered`);
  if (!liveConnectionId(cp)) throw new DiagnosticsRefused(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
  // A logType sends a 1.6 charge point the security extension's GetLog instead of GetDiagnostics (./tasks.ts usesGetLog).
  if (!request.location && !uploadStorage()) throw new InvalidRequestError('This CSMS has no upload storage configured (DIAGNOSTICS_BUCKET): give a location');
  if (request.jobId && (await getJob(request.jobId))) throw new InvalidRequestError(`A job ${request.jobId} exists already`);
  const jobId = request.jobId ?? newJobId('diag', now);
  const { jobId: _j, ...summary } = request;
  await createJob({ jobId, jobType: 'Diagnostics', status: 'Running', createdAt: now.toISOString(), updatedAt: now.toISOString(), request: summary, targetCount: 1 });
  await putTargets(jobId, 'Diagnostics', [chargePointId], now.toISOString());
  try {
    const { executionArn } = await startWorkflow('diagnostics-upload', { ...request, jobId }, jobId);
    await updateJob(jobId, { executionArn });
  } catch (e) {
    await updateJob(jobId, { status: 'Failed', error: 'The diagnostics-upload workflow could not be started', finishedAt: new Date().toISOString() });
    throw e;
  }
  return { id: jobId };
}

function view(t: JobTarget, job?: Job) {
  const d = t.details ?? {};
  const file = d.file as StoredFile | undefined;
  return {
    id: t.jobId,
    chargePointId: t.chargePointId,
    status: job?.status ?? (t.outcome === 'Succeeded' ? 'Succeeded' : t.outcome === 'Failed' ? 'Failed' : 'Running'),
    uploadStatus: t.status,
    history: t.history,
    logType: d.logType, // GetLog (2.0.x, or 1.6 with a logType): DiagnosticsLog or SecurityLog
    requestId: d.requestId, // GetLog: the requestId its LogStatusNotifications carry
    fileName: d.fileName,
    file: file ? { size: file.size, uploadedAt: file.uploadedAt } : undefined,
    location: d.location, // only when the operator gave it
    error: t.error ?? job?.error,
    requestedAt: t.createdAt,
    finishedAt: t.finishedAt,
    executionArn: job?.executionArn,
  };
}

export async function diagnosticsView(chargePointId: string, jobId: string) {
  const [job, target] = await Promise.all([getJob(jobId), getTarget(jobId, chargePointId)]);
  if (!job || job.jobType !== 'Diagnostics' || !target) return undefined;
  return view(target, job);
}

export async function listDiagnostics(chargePointId: string, limit: number, startKey?: Record<string, unknown>) {
  const page = await listTargetsOfChargePoint(chargePointId, 'Diagnostics', limit, startKey);
  return { items: page.items.map((t) => view(t)), lastKey: page.lastKey };
}

/** Where the operator downloads the uploaded file from. */
export async function diagnosticsFile(chargePointId: string, jobId: string) {
  const target = await getTarget(jobId, chargePointId);
  if (!target || target.jobType !== 'Diagnostics') throw new DiagnosticsRefused(404, 'NotFound', `No diagnostics request ${jobId} for ${chargePointId}`);
  if (target.details?.uploadTo === 'operator') throw new DiagnosticsRefused(409, 'ExternalLocation', `The file was uploaded to the location given with the request: ${target.details.location}`);
  const file = (target.details?.file as StoredFile | undefined) ?? (await uploadStorage()?.findUpload(chargePointId, jobId));
  if (!file) throw new DiagnosticsRefused(404, 'NotUploaded', `No file has been uploaded for ${jobId} yet (upload status: ${target.status})`);
  const link = await uploadStorage()!.downloadUrl(file, (target.details?.fileName as string | undefined) ?? file.fileName);
  return { ...link, fileName: target.details?.fileName ?? file.fileName, size: file.size, uploadedAt: file.uploadedAt };
}
