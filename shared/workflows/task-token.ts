import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { metrics } from '../lambda/metrics';
import { log } from '../log';

/**
 * Resumes a Step Functions execution waiting (`.waitForTaskToken`) for a charge point's answer or
 * notification. SFN_ENDPOINT points the real SDK client at the local runner when run locally.
 */
let sfn: { endpoint: string; client: SFNClient } | undefined;
export function sfnClient(): SFNClient {
  // Re-created when the endpoint changes (a test booting a second local runtime in one process).
  const endpoint = process.env.SFN_ENDPOINT ?? '';
  if (!sfn || sfn.endpoint !== endpoint) sfn = { endpoint, client: new SFNClient({ endpoint: endpoint || undefined, maxAttempts: 3 }) };
  return sfn.client;
}
export function resetSfnClient(): void {
  sfn = undefined;
}

export async function resumeTask(taskToken: string, outcome: { ok: true; output: unknown } | { ok: false; error: string; cause: string }): Promise<void> {
  try {
    if (outcome.ok) await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(outcome.output ?? {}) }));
    else await sfnClient().send(new SendTaskFailureCommand({ taskToken, error: outcome.error.slice(0, 256), cause: outcome.cause.slice(0, 32768) }));
  } catch (e) {
    // A token of an execution that already timed out or was stopped: nothing left to resume.
    // Not a fault of ours when the execution timed out meanwhile; anything else is counted.
    if ((e as { name?: string })?.name !== 'TaskTimedOut') metrics.countFailure('WorkflowResume');
    log.warn('could not resume workflow task', { error: String(e) });
  }
}
