import type { CallFailure } from '../calls/outbound';
import { resumeTask } from './task-token';

/**
 * Errors of workflow tasks. A task that waits for a token (`.waitForTaskToken`) reports a domain
 * failure by failing its own token with a named error — the name is what the state machine's
 * Retry / Catch match (e.g. ChargePointBusy is retried, ChargePointOffline is not).
 */
export type TaskErrorName =
  | 'ChargePointNotFound'
  | 'ChargePointOffline'
  | 'ChargePointBusy'
  | 'InvalidRequest'
  | 'CallFailed';

/** The error name for a call that could not be sent. */
export function callFailureName(e: CallFailure): TaskErrorName {
  if (e.status === 404) return 'ChargePointNotFound';
  if (e.error === 'Busy') return 'ChargePointBusy';
  if (e.error === 'NotConnected') return 'ChargePointOffline';
  if (e.status === 400) return 'InvalidRequest';
  return 'CallFailed';
}

export async function failTask(taskToken: string, error: string, message: string): Promise<void> {
  await resumeTask(taskToken, { ok: false, error, cause: message });
}

/** What a Catch hands on: `{ Error, Cause }`. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

/** One readable line for the operator from a caught error ("ChargePointOffline: Charge point CP1 is not connected"). */
export function explainError(err: CaughtError | undefined): string | undefined {
  if (!err) return undefined;
  let message = err.Cause ?? '';
  try {
    const parsed = JSON.parse(message);
    // Lambda errors: { errorType, errorMessage }; call outcomes: { kind, code, description }.
    if (parsed && typeof parsed === 'object') message = parsed.errorMessage ?? parsed.description ?? parsed.message ?? message;
  } catch {
    /* a plain message */
  }
  const name = err.Error === 'States.Timeout' ? 'Timeout' : err.Error ?? 'Error';
  return message ? `${name}: ${message}` : name;
}

/** A named error for a task Lambda to throw (its name is the Step Functions error name). */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}
