import { log } from '../log';
import { logExchange } from '../store/message-log';
import { adaptRequestFrom20, adaptResponseTo20 } from './adapter-2.0';
import type { ActionHandlers, CallContext, Identity } from './context';
import { INTERNAL_ERROR_DESCRIPTION, OcppError, wireCode } from './errors';
import { CALL, errorFrame, FrameError, parseFrame, resultFrame, type Frame } from './framing';
import { versionOf } from './protocol';
import { payloadError, type CallValidation } from './validators';

/**
 * Turns one inbound CALL into the frame to send back: validates the request, gates on the
 * registration status, runs the action, validates our answer. Never throws.
 * `validation` is the router's runtime Ajv (shared/ocpp/validation.ts, any action) or a route
 * Lambda's generated validators (shared/ocpp/validators, its one action): this module imports
 * neither, so a route Lambda's bundle carries no schema set and no Ajv compiler.
 */
export async function answerCall(
  frame: Extract<Frame, { type: typeof CALL }>,
  identity: Identity,
  handlers: ActionHandlers | undefined,
  validation: CallValidation,
  receivedAt = new Date(),
): Promise<string> {
  const version = versionOf(identity.protocol);
  const ctx: CallContext = { ...identity, version, messageId: frame.id, action: frame.action, receivedAt };
  let out: string;
  try {
    const impl = handlers?.[version];
    if (!impl) {
      // OCPP-J: NotImplemented = action unknown to the receiver; NotSupported = known but not supported.
      throw validation.isKnownAction(version, frame.action)
        ? new OcppError('NotSupported', `${frame.action} is not supported by this CSMS for OCPP ${version}`)
        : new OcppError('NotImplemented', `Unknown action ${frame.action}`);
    }
    if (identity.registrationStatus !== 'Accepted' && !handlers.allowedBeforeAccepted) {
      // 1.6 §4.2: no requests until Accepted; 2.0.1 B02.FR.09/B03: SecurityError while Pending/Rejected.
      throw new OcppError('SecurityError', `Charge point is ${identity.registrationStatus}: only BootNotification is accepted`);
    }
    const request = identity.protocol === 'ocpp2.0' ? adaptRequestFrom20(frame.action, frame.payload) : frame.payload;
    const badRequest = validation.check(version, frame.action, 'req', request);
    if (badRequest) throw payloadError(badRequest);
    const response = await impl(request, ctx);
    const invalid = validation.check(version, frame.action, 'conf', response);
    if (invalid) {
      log.error('our response failed its schema', { action: frame.action, chargePointId: identity.chargePointId, reason: invalid.message });
      throw new OcppError('InternalError', INTERNAL_ERROR_DESCRIPTION);
    }
    out = resultFrame(frame.id, identity.protocol === 'ocpp2.0' ? adaptResponseTo20(frame.action, response) : response);
  } catch (e) {
    out = errorFrameFor(frame.id, e, identity);
  }
  await logExchange(identity.chargePointId, frame, out, receivedAt);
  return out;
}

/** The single place where any failure becomes a CALLERROR with the version's spelling. */
export function errorFrameFor(id: string, e: unknown, identity: Pick<Identity, 'protocol' | 'chargePointId'>): string {
  const version = versionOf(identity.protocol);
  if (e instanceof OcppError) return errorFrame(id, wireCode(e.code, version), e.message, e.details);
  log.error('unexpected error while handling a message', { chargePointId: identity.chargePointId, error: String((e as Error)?.stack ?? e) });
  return errorFrame(id, wireCode('InternalError', version), INTERNAL_ERROR_DESCRIPTION, {});
}

/**
 * For a frame that cannot be parsed: the CALLERROR to send, or undefined when no id can be read
 * (2.0.1 part 4 §4.2.3 answers those under message id "-1"; 1.6 has no way to answer them).
 */
export function answerBrokenFrame(e: FrameError, identity: Identity): string | undefined {
  const id = e.id ?? (identity.protocol === 'ocpp1.6' ? undefined : '-1');
  return id === undefined ? undefined : errorFrameFor(id, e, identity);
}

/** A two-way route's whole job: body in, frame out (or nothing when no answer is owed). */
export async function answerRaw(
  body: string | undefined,
  identity: Identity,
  handlersFor: (action: string) => ActionHandlers | undefined,
  validation: CallValidation,
): Promise<string | undefined> {
  let frame: Frame;
  try {
    frame = parseFrame(body);
  } catch (e) {
    return answerBrokenFrame(e as FrameError, identity);
  }
  if (frame.type !== CALL) return undefined;
  return answerCall(frame, identity, handlersFor(frame.action), validation);
}
