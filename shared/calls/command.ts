import { countOperatorCall } from '../lambda/metrics';
import { log } from '../log';
import { callerSignal } from './caller';
import { awaitOutcome, CallFailure, sendCall } from './outbound';

export interface CommandResult {
  status: number;
  body: Record<string, unknown>;
}

/**
 * `timeoutMs`: how long the operator waits for this call (default CSMS_CALL_TIMEOUT_MS).
 * `deadline` (epoch ms): the end of the caller's whole budget, for a call inside a chain (local-list
 * sync) or a guard (`nestedCallOptions`); the call's timeout is whichever ends first.
 * `signal`: the operator gave up (default: the local HTTP API's, see caller.ts).
 */
export interface CallOptions {
  timeoutMs?: number;
  deadline?: number;
  signal?: AbortSignal;
}

/**
 * One operator command: send the call, wait for the answer, and say what happened in the
 * operator API's terms (docs/operator-api.md). Shared by the HTTP API and the commands Lambda.
 * An answered call is 200 with the response even when what it changes in the CSMS could not be
 * applied (yet): `effects: 'pending' | 'failed'` and a message say so.
 */
export async function runCommand(chargePointId: string, action: string, payload: unknown, opts: number | CallOptions = {}): Promise<CommandResult> {
  return countOperatorCall(await sendAndAwait(chargePointId, action, payload, typeof opts === 'object' ? opts : { timeoutMs: opts }));
}

async function sendAndAwait(chargePointId: string, action: string, payload: unknown, o: CallOptions): Promise<CommandResult> {
  try {
    const sent = await sendCall(chargePointId, action, payload, { timeoutMs: o.timeoutMs, deadline: o.deadline });
    const answered = await awaitOutcome(sent, { signal: o.signal ?? callerSignal() });
    const outcome = answered.outcome;
    switch (outcome.kind) {
      case 'result':
        if (answered.effects === 'pending') {
          return { status: 200, body: { response: outcome.payload, effects: 'pending', message: `The charge point answered; what the answer changes in the CSMS is still being applied` } };
        }
        if (answered.effects === 'failed') {
          return {
            status: 200,
            body: { response: outcome.payload, effects: 'failed', message: `The charge point answered; applying what the answer changes in the CSMS failed (${(answered.failedEffects ?? []).join(', ')}; logged and counted in the Failures metric, kind AnswerEffect)` },
          };
        }
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
