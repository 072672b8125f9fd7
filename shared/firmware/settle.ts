import { resumeTask } from '../workflows/task-token';
import { firmwareErrorName, firmwareVerdict } from './statuses';

// On its own (not in ./tasks.ts) so that the FirmwareStatusNotification route Lambda, which only
// settles tasks, does not bundle sendCall and with it the OCPP schema sets and Ajv's compiler.

/** Resumes the waiting task if `status` is final. */
export async function settleFirmwareTask(taskToken: string, status: string): Promise<void> {
  const verdict = firmwareVerdict(status);
  if (verdict === 'succeeded') await resumeTask(taskToken, { ok: true, output: { status } });
  else if (verdict === 'failed') await resumeTask(taskToken, { ok: false, error: firmwareErrorName(status), cause: `The charge point reported ${status}` });
}
