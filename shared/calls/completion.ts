import { log } from '../log';
import { adaptResponseFrom20 } from '../ocpp/adapter-2.0';
import type { Identity } from '../ocpp/context';
import { CALLRESULT, type Frame } from '../ocpp/framing';
import { schemaVersionOf, versionOf } from '../ocpp/protocol';
import type { Answer } from '../ocpp/inbound';
import { checkPayload } from '../ocpp/validation';
import { putCallResult, settleCallEffects, type CallOutcome } from '../store/call-results';
import { logExchange } from '../store/message-log';
import { resumeTask } from '../workflows/task-token';
import { effectFor } from './effects';
import { releasePendingCall } from './outbound';
import './all-effects';

/**
 * Handles a charge point's CALLRESULT/CALLERROR on `$default`:
 * 1. matches it to our pending call by id and frees the slot (a conditional remove: an answer is
 *    taken once, and not after the caller gave up on it);
 * 2. validates it against the response schema of the action it answers;
 * 3. records the outcome for the caller — before any effect, so a slow or failing effect never
 *    turns an answered call into a timeout (`effects: 'pending'` while they run);
 * 4. runs the action's effects, each on its own with bounded retries (shared/calls/effects.ts),
 *    and records how they ended (`done` / `failed`, failures also logged and counted);
 * 5. resumes a Step Functions task token if the call carried one.
 */
export async function completeCall(frame: Answer, identity: Identity, raw: string, at = new Date()): Promise<CallOutcome | undefined> {
  const pending = await releasePendingCall(identity.chargePointId, frame.id);
  if (!pending) {
    log.warn('answer to no pending call (unknown id, or it timed out)', { chargePointId: identity.chargePointId, messageId: frame.id });
    return undefined;
  }
  const version = versionOf(identity.protocol);
  let outcome: CallOutcome;
  if (frame.type === CALLRESULT) {
    const payload = identity.protocol === 'ocpp2.0' ? adaptResponseFrom20(pending.action, frame.payload) : frame.payload;
    const invalid = checkPayload(schemaVersionOf(identity.protocol), pending.action, 'conf', payload);
    outcome = invalid
      ? { kind: 'invalid', message: `${pending.action} response is invalid: ${invalid.message}`, payload: frame.payload }
      : { kind: 'result', payload };
  } else {
    outcome = { kind: 'error', code: frame.code, description: frame.description, details: frame.details };
  }
  const effect = outcome.kind === 'result' ? effectFor(pending.action) : undefined;
  await putCallResult({
    messageId: frame.id, chargePointId: identity.chargePointId, action: pending.action, outcome, answeredAt: at.toISOString(), effects: effect ? 'pending' : undefined,
  });
  await logExchange(identity.chargePointId, { id: frame.id, action: pending.action, payload: pending.payload }, raw, new Date(pending.sentAt), 'out', at);
  if (effect && outcome.kind === 'result') {
    const report = await effect(pending.payload, outcome.payload, { chargePointId: identity.chargePointId, version, messageId: frame.id, answeredAt: at });
    await settleCallEffects(frame.id, report.failed);
  }
  if (pending.taskToken) {
    await resumeTask(pending.taskToken, outcome.kind === 'result'
      ? { ok: true, output: { response: outcome.payload } }
      : { ok: false, error: outcome.kind === 'error' ? `CallError.${outcome.code}` : 'InvalidResponse', cause: JSON.stringify(outcome) });
  }
  return outcome;
}
