import { resumeTask } from '../workflows/task-token';
import { uploadErrorName, uploadVerdict } from './statuses';

// On its own (not in ./tasks.ts) so that the Diagnostics/LogStatusNotification route Lambdas,
// which only settle tasks, do not bundle sendCall and with it the OCPP schema sets and Ajv's compiler.

/** Resumes the waiting upload task if `status` is final. */
export async function settleUploadTask(taskToken: string, status: string): Promise<void> {
  const verdict = uploadVerdict(status);
  if (verdict === 'succeeded') await resumeTask(taskToken, { ok: true, output: { status } });
  else if (verdict === 'failed') await resumeTask(taskToken, { ok: false, error: uploadErrorName(status), cause: `The charge point reported ${status}` });
}
