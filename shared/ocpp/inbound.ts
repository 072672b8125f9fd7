import type { MiddlewareObj, Request } from '@middy/core';
import type { Context } from 'aws-lambda';
import { identityFrom, type WebSocketEvent } from '../lambda/identity';
import { metrics } from '../lambda/metrics';
import type { AnyMiddleware } from '../lambda/middy';
import { log, setLogKeys } from '../log';
import { putEvent } from '../store/events';
import { logExchange } from '../store/message-log';
import { adaptRequestFrom20, adaptResponseTo20 } from './adapter-2.0';
import { implFor, type ActionHandlers, type ActionImpl, type CallContext, type Identity } from './context';
import { INTERNAL_ERROR_DESCRIPTION, OcppError, wireCode, type ErrorCode } from './errors';
import { CALL, CALLRESULTERROR, errorFrame, FrameError, parseFrame, resultFrame, SEND, type Frame } from './framing';
import { schemaVersionOf, versionOf } from './protocol';
import { payloadError, type CallValidation } from './validators';

/**
 * The OCPP route pipeline as middy middlewares (docs/architecture.md "One inbound message"),
 * outermost first:
 *
 *   ocppMetrics → audit → callErrorMapper → frameParsing → identity → registrationGate
 *     → adapter20 → requestValidation → responseValidation → handler (the action's domain function)
 *
 * inside the factory's Logger and Metrics flush (shared/lambda/middy.ts). On the way out, the
 * response validation checks our answer, the 2.0 adapter turns it back into 2.0, the frame
 * parsing frames it as a CALLRESULT. Any failure on the way in or out reaches the CALLERROR
 * mapper, which *sets* the CALLERROR as the response, so the audit log and the metrics (outside
 * it) see every outcome. `validation` is the router's runtime Ajv (shared/ocpp/validation.ts, any
 * action) or a route Lambda's generated validators (shared/ocpp/validators, its one action): this
 * module imports neither, so a route Lambda's bundle carries no schema set and no Ajv compiler.
 */

/** What the pipeline knows about one inbound message, on the Lambda context for the handler. */
export interface OcppState {
  raw: string | undefined;
  receivedAt: Date;
  frame?: Frame;
  identity?: Identity;
  impl?: ActionImpl;
  call?: CallContext;
  /** The request payload as the domain function gets it (2.0 adapted to 2.0.1). */
  request?: unknown;
  /** The CALLERROR code we answered with (2.0.1 spelling), if any. */
  errorCode?: ErrorCode;
}
export type OcppContext = Context & { ocpp: OcppState };
export interface LambdaAnswer {
  statusCode: number;
  body?: string;
}
type OcppRequest = Request<WebSocketEvent, unknown, unknown, Context>;

const stateOf = (request: OcppRequest): OcppState => (request.context as OcppContext).ocpp;
const identityOf = (request: OcppRequest): Identity => stateOf(request).identity ?? identityFrom(request.event);
const isCall = (s: OcppState): s is OcppState & { frame: Extract<Frame, { type: typeof CALL }> } => s.frame?.type === CALL;
/**
 * A CALL or a 2.1 SEND: both carry an action and a payload and go through the gate, the
 * validation and the action's domain function; only a CALL is answered (2.1 part 4: a SEND never is).
 */
type Message = Extract<Frame, { type: typeof CALL | typeof SEND }>;
const isMessage = (s: OcppState): s is OcppState & { frame: Message } => s.frame?.type === CALL || s.frame?.type === SEND;

/** Starts the message's state; counts messages by action and protocol and CALLERRORs by code. */
export const ocppMetrics: MiddlewareObj<WebSocketEvent> = {
  before: (request) => {
    (request.context as OcppContext).ocpp = { raw: request.event.body, receivedAt: new Date() };
  },
  after: (request) => countOutcome(request as OcppRequest),
  onError: (request) => countOutcome(request as OcppRequest),
};
function countOutcome(request: OcppRequest): void {
  const s = stateOf(request);
  if (!s) return;
  if (isMessage(s)) metrics.message(s.frame.action, identityOf(request).protocol);
  if (s.errorCode) metrics.callError(s.errorCode);
}

/**
 * One audit-log write per answered CALL (shared/store/message-log.ts, which never throws). The
 * write is given until shortly before the Lambda's deadline, so a slow table cannot cost the
 * charge point its answer.
 */
export const audit: MiddlewareObj<WebSocketEvent> = {
  after: (request) => writeAudit(request as OcppRequest),
  onError: (request) => writeAudit(request as OcppRequest),
};
const AUDIT_RESERVE_MS = 200;
async function writeAudit(request: OcppRequest): Promise<void> {
  const s = stateOf(request);
  const body = (request.response as LambdaAnswer | undefined)?.body;
  if (!s || !isCall(s) || body === undefined) return;
  const write = logExchange(identityOf(request).chargePointId, s.frame, body, s.receivedAt);
  const remaining = request.context.getRemainingTimeInMillis?.();
  if (remaining === undefined) return write;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), Math.max(0, remaining - AUDIT_RESERVE_MS))));
  const outcome = await Promise.race([write, late]);
  clearTimeout(timer);
  if (outcome === 'late') log.warn('message log write still running at the deadline; answering without waiting');
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
export function answerBrokenFrame(e: FrameError, identity: Pick<Identity, 'protocol' | 'chargePointId'>): string | undefined {
  if (e.unanswerable) {
    log.warn('broken SEND or CALLRESULTERROR: not answered (OCPP 2.1 part 4)', { reason: e.message, messageId: e.id });
    return undefined;
  }
  const id = e.id ?? (identity.protocol === 'ocpp1.6' ? undefined : '-1');
  return id === undefined ? undefined : errorFrameFor(id, e, identity);
}

/**
 * Every failure of a CALL (or of an unreadable frame) becomes the CALLERROR response here, in
 * `onError`, so the middlewares outside still see the outcome. A failure while handling a
 * CALLRESULT/CALLERROR (router only) has no answer and fails the invocation.
 */
export const callErrorMapper: MiddlewareObj<WebSocketEvent> = {
  onError: (request) => {
    const r = request as OcppRequest;
    const s = stateOf(r);
    const e = r.error;
    const identity = identityOf(r);
    if (e instanceof FrameError) {
      const body = answerBrokenFrame(e, identity);
      // A broken SEND/CALLRESULTERROR is counted under its code too, though never answered.
      if (body !== undefined || e.unanswerable) s.errorCode = e.code;
      r.response = body === undefined ? { statusCode: 200 } : { statusCode: 200, body };
    } else if (s && isCall(s)) {
      s.errorCode = e instanceof OcppError ? e.code : 'InternalError';
      r.response = { statusCode: 200, body: errorFrameFor(s.frame.id, e, identity) };
    } else if (s && isMessage(s)) {
      // A SEND that failed (unknown action, invalid payload, our fault): counted and logged, never answered.
      s.errorCode = e instanceof OcppError ? e.code : 'InternalError';
      if (!(e instanceof OcppError)) log.error('unexpected error while handling a SEND', { error: String((e as Error)?.stack ?? e) });
      else log.warn('SEND refused: not answered (OCPP 2.1 part 4)', { action: s.frame.action, code: e.code, reason: e.message });
      r.response = { statusCode: 200 };
    }
  },
};

/** Parses the frame on the way in; frames the domain function's answer as a CALLRESULT on the way out. */
export const frameParsing: MiddlewareObj<WebSocketEvent> = {
  before: (request) => {
    const s = stateOf(request as OcppRequest);
    s.frame = parseFrame(request.event.body, identityFrom(request.event).protocol === 'ocpp2.1');
    setLogKeys({ messageId: s.frame.id, action: s.frame.type === CALL || s.frame.type === SEND ? s.frame.action : undefined });
  },
  after: (request) => {
    const s = stateOf(request as OcppRequest);
    request.response = isCall(s) ? { statusCode: 200, body: resultFrame(s.frame.id, request.response) } : { statusCode: 200 };
  },
};

/** The caller from the authorizer context (chargePointId, protocol, registrationStatus): no table read. */
export const identity: MiddlewareObj<WebSocketEvent> = {
  before: (request) => {
    const who = identityFrom(request.event);
    stateOf(request as OcppRequest).identity = who;
    setLogKeys({ chargePointId: who.chargePointId, protocol: who.protocol, connectionId: who.connectionId });
  },
};

/**
 * Finds the action's implementation for the caller's version (NotImplemented: unknown action;
 * NotSupported: known but not supported) and refuses anything but the actions allowed before
 * acceptance from a charge point that is not Accepted (1.6 §4.2; 2.0.1 B02.FR.09/B03: SecurityError).
 */
export function registrationGate(handlersFor: (action: string) => ActionHandlers | undefined, validation: CallValidation): MiddlewareObj<WebSocketEvent> {
  return {
    before: (request) => {
      const s = stateOf(request as OcppRequest);
      if (!isMessage(s)) return;
      const who = s.identity!;
      const version = versionOf(who.protocol);
      const schemaVersion = schemaVersionOf(who.protocol);
      const handlers = handlersFor(s.frame.action);
      const impl = handlers && implFor(handlers, schemaVersion);
      if (!handlers || !impl) {
        throw validation.isKnownAction(schemaVersion, s.frame.action)
          ? new OcppError('NotSupported', `${s.frame.action} is not supported by this CSMS for OCPP ${schemaVersion}`)
          : new OcppError('NotImplemented', `Unknown action ${s.frame.action}`);
      }
      // 2.1 part 4: an action is either a SEND or a CALL, never both.
      if (Boolean(handlers.send) !== (s.frame.type === SEND)) {
        throw new OcppError('ProtocolError', handlers.send ? `${s.frame.action} is a SEND (message type 6), not a CALL` : `${s.frame.action} is a CALL (message type 2), not a SEND`);
      }
      if (who.registrationStatus !== 'Accepted' && !handlers.allowedBeforeAccepted) {
        throw new OcppError('SecurityError', `Charge point is ${who.registrationStatus}: only BootNotification is accepted`);
      }
      s.impl = impl;
      s.call = { ...who, version, schemaVersion, messageId: s.frame.id, action: s.frame.action, receivedAt: s.receivedAt };
    },
  };
}

/** `ocpp2.0`: payloads in and out are adapted to 2.0.1 (docs/ocpp-2.0-differences.md). */
export const adapter20: MiddlewareObj<WebSocketEvent> = {
  before: (request) => {
    const s = stateOf(request as OcppRequest);
    if (!isMessage(s)) return;
    s.request = s.identity!.protocol === 'ocpp2.0' ? adaptRequestFrom20(s.frame.action, s.frame.payload) : s.frame.payload;
  },
  after: (request) => {
    const s = stateOf(request as OcppRequest);
    if (isCall(s) && s.identity!.protocol === 'ocpp2.0') request.response = adaptResponseTo20(s.frame.action, request.response);
  },
};

/** The request against the official schema of its action and version (Ajv keyword → CALLERROR code). */
export function requestValidation(validation: CallValidation): MiddlewareObj<WebSocketEvent> {
  return {
    before: (request) => {
      const s = stateOf(request as OcppRequest);
      if (!isMessage(s)) return;
      const bad = validation.check(s.call!.schemaVersion, s.frame.action, 'req', s.request);
      if (bad) throw payloadError(bad);
    },
  };
}

/** Our answer against its schema: an invalid answer of ours becomes InternalError and a log line, never a wrong frame. */
export function responseValidation(validation: CallValidation): MiddlewareObj<WebSocketEvent> {
  return {
    after: (request) => {
      const s = stateOf(request as OcppRequest);
      if (!isCall(s)) return;
      const invalid = validation.check(s.call!.schemaVersion, s.frame.action, 'conf', request.response);
      if (invalid) {
        log.error('our response failed its schema', { reason: invalid.message });
        throw new OcppError('InternalError', INTERNAL_ERROR_DESCRIPTION);
      }
    },
  };
}

/** The whole pipeline, for a route Lambda (one action) or the router (any action). */
export function ocppPipeline(handlersFor: (action: string) => ActionHandlers | undefined, validation: CallValidation, extra: { afterMetrics?: AnyMiddleware[] } = {}): AnyMiddleware[] {
  return [
    ocppMetrics,
    ...(extra.afterMetrics ?? []),
    audit,
    callErrorMapper,
    frameParsing,
    identity,
    registrationGate(handlersFor, validation),
    adapter20,
    requestValidation(validation),
    responseValidation(validation),
  ];
}

/**
 * The pipeline's handler: a CALL runs the action's domain function; anything else (only the
 * router gets CALLRESULTs and CALLERRORs) goes to `other`, and a route Lambda owes no answer.
 */
export function ocppHandler(other?: (frame: Answer, identity: Identity, raw: string) => Promise<unknown>) {
  return async (_event: WebSocketEvent, context: Context): Promise<unknown> => {
    const s = (context as OcppContext).ocpp;
    if (isMessage(s)) {
      const answer = await s.impl!(s.request, s.call!);
      return s.frame.type === CALL ? answer : undefined;
    }
    if (s.frame?.type === CALLRESULTERROR) return recordCallResultError(s.frame, s.identity!);
    if (other) await other(s.frame as Answer, s.identity!, s.raw ?? '');
    return undefined;
  };
}
/** What the router hands to completeCall: the answers to our CALLs. */
export type Answer = Extract<Frame, { type: 3 | 4 }>;

/**
 * 2.1 part 4 CALLRESULTERROR: the station could not process a CALLRESULT we sent (the id is that
 * of the station's CALL). Recorded as an event of kind `CallResultError` (one per message id, a
 * repeat overwrites) and logged, never answered.
 */
async function recordCallResultError(frame: Extract<Frame, { type: typeof CALLRESULTERROR }>, who: Identity): Promise<undefined> {
  log.warn('CALLRESULTERROR from the charge point', { messageId: frame.id, code: frame.code, description: frame.description });
  await putEvent(who.chargePointId, 'CallResultError', new Date(), { messageId: frame.id, errorCode: frame.code, errorDescription: frame.description, errorDetails: frame.details }, frame.id);
  return undefined;
}

/** Shortens how long a two-way route may run: the CALLERROR must reach API Gateway before the Lambda times out. */
export const ROUTE_DEADLINE_MARGIN_MS = () => Number(process.env.CSMS_DEADLINE_MARGIN_MS ?? 1000);

export { INTERNAL_ERROR_DESCRIPTION };
