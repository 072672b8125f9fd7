import { metrics } from '../lambda/metrics';
import { log } from '../log';
import { adaptResponseFrom20 } from '../ocpp/adapter-2.0';
import type { Identity } from '../ocpp/context';
import { CALLRESULT, type Frame } from '../ocpp/framing';
import { versionOf } from '../ocpp/protocol';
import { checkPayload } from '../ocpp/validation';
import { putCallResult, type CallOutcome } from '../store/call-results';
import { logExchange } from '../store/message-log';
import { resumeTask } from '../workflows/task-token';
import { effectFor } from './effects';
import { releasePendingCall } from './outbound';
import './all-effects';

/**
 * Handles a charge point's CALLRESULT/CALLERROR on `$default`: matches it to our pending call by
 * id (a conditional remove, so an answer is applied once), validates it against the response
 * schema of the action it answers, applies its effects, and records the outcome for the caller.
 */
export async function completeCall(frame: Exclude<Frame, { type: 2 }>, identity: Identity, raw: string, at = new Date()): Promise<CallOutcome | undefined> {
  const pending = await releasePendingCall(identity.chargePointId, frame.id);
  if (!pending) {
    log.warn('answer to no pending call (unknown id, or it timed out)', { chargePointId: identity.chargePointId, messageId: frame.id });
    return undefined;
  }
  const version = versionOf(identity.protocol);
  let outcome: CallOutcome;
  if (frame.type === CALLRESULT) {
    const payload = identity.protocol === 'ocpp2.0' ? adaptResponseFrom20(pending.action, frame.payload) : frame.payload;
    const invalid = checkPayload(version, pending.action, 'conf', payload);
    if (invalid) {
      outcome = { kind: 'invalid', message: `${pending.action} response is invalid: ${invalid.message}`, payload: frame.payload };
    } else {
      outcome = { kind: 'result', payload };
      const effect = effectFor(pending.action);
      if (effect) {
        try {
          await effect(pending.payload, payload, { chargePointId: identity.chargePointId, version, messageId: frame.id, answeredAt: at });
        } catch (e) {
          metrics.countFailure('AnswerEffect');
          log.error('applying the effect of a call failed', { action: pending.action, chargePointId: identity.chargePointId, error: String((e as Error)?.stack ?? e) });
        }
      }
    }
  } else {
    outcome = { kind: 'error', code: frame.code, description: frame.description, details: frame.details };
  }
  await putCallResult({ messageId: frame.id, chargePointId: identity.chargePointId, action: pending.action, outcome, answeredAt: at.toISOString() });
  await logExchange(identity.chargePointId, { id: frame.id, action: pending.action, payload: pending.payload }, raw, new Date(pending.sentAt), 'out', at);
  if (pending.taskToken) {
    await resumeTask(pending.taskToken, outcome.kind === 'result'
      ? { ok: true, output: { response: outcome.payload } }
      : { ok: false, error: outcome.kind === 'error' ? `CallError.${outcome.code}` : 'InvalidResponse', cause: JSON.stringify(outcome) });
  }
  return outcome;
}
