import { countOperatorCall } from '../lambda/metrics';
import { log } from '../log';
import { awaitOutcome, CallFailure, sendCall } from './outbound';

export interface CommandResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * One operator command: send the call, wait for the answer, and say what happened in the
 * operator API's terms (DESIGN §5). Shared by the HTTP API and the commands Lambda.
 */
export async function runCommand(chargePointId: string, action: string, payload: unknown, timeoutMs?: number): Promise<CommandResult> {
  return countOperatorCall(await sendAndAwait(chargePointId, action, payload, timeoutMs));
}

async function sendAndAwait(chargePointId: string, action: string, payload: unknown, timeoutMs?: number): Promise<CommandResult> {
  try {
    const sent = await sendCall(chargePointId, action, payload, { timeoutMs });
    const outcome = await awaitOutcome(sent, timeoutMs);
    switch (outcome.kind) {
      case 'result':
        return { status: 200, body: { response: outcome.payload } };
      case 'error':
        return { status: 502, body: { error: 'CallError', code: outcome.code, description: outcome.description, details: outcome.details } };
      case 'invalid':
        return { status: 502, body: { error: 'InvalidResponse', message: outcome.message, response: outcome.payload } };
    }
  } catch (e) {
    if (e instanceof CallFailure) return { status: e.status, body: { error: e.error, message: e.message } };
    log.error('command failed', { chargePointId, action, error: String((e as Error)?.stack ?? e) });
    return { status: 500, body: { error: 'InternalError', message: 'The command could not be sent' } };
  }
}
