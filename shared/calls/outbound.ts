import { randomUUID } from 'node:crypto';
import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connections, db } from '../aws';
import { config } from '../config';
import { FRAME_LIMIT_BYTES } from '../edge';
import { callFrame } from '../ocpp/framing';
import { schemaVersionOf, versionOf, type Protocol } from '../ocpp/protocol';
import { checkPayload } from '../ocpp/validation';
import { adaptRequestTo20 } from '../ocpp/adapter-2.0';
import { clearConnection, getChargePoint, isConditionFailure, liveConnectionId, type PendingCall } from '../store/charge-points';
import { getCallResult, type CallResult } from '../store/call-results';
import { tableName } from '../store/tables';
import { logExchange } from '../store/message-log';
import { redactSecrets } from '../security/passwords';
import { GuardRejection, runGuards } from './guards';
import { isSoapConnection } from '../soap/liveness';
import { postSoapCall, soapOperation } from '../soap/outbound';
import './all-effects'; // registers the guards (and effects) of every domain module

/** Why a call could not be made or finished; `status` is the operator API's HTTP status. */
export class CallFailure extends Error {
  constructor(readonly status: 400 | 404 | 409 | 413 | 502 | 504, readonly error: string, message: string) {
    super(message);
  }
}

export interface SentCall {
  messageId: string;
  chargePointId: string;
  action: string;
  protocol: Protocol;
  connectionId: string;
  sentAt: number;
  /** Epoch ms: the call's timeout (its pending slot expires then). */
  deadline: number;
}

/** Less than this left of the caller's budget: the call is not sent (504 at once). */
const MIN_CALL_MS = 100;

/**
 * Sends one CALL to a charge point: validates the payload against the request schema of the
 * charge point's version, runs the action's guards, claims the single pending-call slot of that
 * charge point with a conditional write, and posts the frame to its live connection.
 * The call's timeout is `deadline` (epoch ms) when given — the end of the caller's whole budget,
 * for calls made inside a chain or a guard — or `timeoutMs` (default CSMS_CALL_TIMEOUT_MS) from now,
 * whichever is earlier.
 */
export async function sendCall(chargePointId: string, action: string, payload: unknown, opts: { taskToken?: string; timeoutMs?: number; deadline?: number } = {}): Promise<SentCall> {
  const deadline = Math.min(opts.deadline ?? Infinity, Date.now() + (opts.timeoutMs ?? config.callTimeoutMs()));
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new CallFailure(404, 'NotFound', `Charge point ${chargePointId} is not registered`);
  const connectionId = liveConnectionId(cp);
  if (!connectionId || !cp.protocol) throw new CallFailure(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
  const version = versionOf(cp.protocol);
  const schemaVersion = schemaVersionOf(cp.protocol);
  const invalid = checkPayload(schemaVersion, action, 'req', payload);
  if (invalid) {
    throw new CallFailure(400, invalid.code === 'NotImplemented' ? 'UnknownAction' : 'InvalidPayload',
      invalid.code === 'NotImplemented' ? `${action} is not an OCPP ${schemaVersion} action` : `${action} payload is invalid for OCPP ${schemaVersion}: ${invalid.message}`);
  }
  // An OCPP 1.6 SOAP station serves only the operations of the ChargePointService WSDL (docs/soap.md).
  if (isSoapConnection(connectionId) && !soapOperation(action)) throw new CallFailure(400, 'UnknownAction', `${action} is not an operation of the OCPP 1.6 SOAP ChargePointService`);
  // Domain rules a schema cannot express (shared/calls/guards.ts): refused before anything is sent.
  try {
    await runGuards(action, chargePointId, payload, version, { deadline });
  } catch (e) {
    if (e instanceof GuardRejection) throw new CallFailure(e.status, e.error, e.message);
    throw e;
  }
  // API Gateway closes the connection (1009) on a CSMS message over one 32 KB frame: refuse it, nothing sent.
  const bytes = Buffer.byteLength(callFrame(randomUUID(), action, cp.protocol === 'ocpp2.0' ? adaptRequestTo20(action, payload) : payload));
  if (bytes > FRAME_LIMIT_BYTES) throw new CallFailure(413, 'FrameTooLarge', `${action} would be a ${bytes}-byte frame; API Gateway WebSocket frames carry at most 32 KB (${FRAME_LIMIT_BYTES} bytes): send less per call`);
  const now = Date.now();
  if (deadline - now < MIN_CALL_MS) throw new CallFailure(504, 'Timeout', `No time left to send ${action} to ${chargePointId} within the caller's budget`);
  const pending: PendingCall = {
    messageId: randomUUID(),
    action,
    // A password the call carries is never stored (shared/security/passwords.ts).
    payload: redactSecrets(action, payload),
    connectionId,
    sentAt: new Date(now).toISOString(),
    expiresAtMs: deadline,
    taskToken: opts.taskToken,
  };
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('chargePoints'),
      Key: { chargePointId },
      UpdateExpression: 'SET pendingCall = :p',
      // At most one outstanding call per charge point (OCPP-J §4.1.1); an expired one no longer counts.
      ConditionExpression: 'connectionId = :c AND (attribute_not_exists(pendingCall) OR pendingCall.expiresAtMs < :now)',
      ExpressionAttributeValues: { ':p': pending, ':c': connectionId, ':now': now },
      removeUndefinedValues: true,
    } as ConstructorParameters<typeof UpdateCommand>[0]));
  } catch (e) {
    if (isConditionFailure(e)) throw new CallFailure(409, 'Busy', `Charge point ${chargePointId} has another call outstanding (or just disconnected); try again`);
    throw e;
  }
  if (isSoapConnection(connectionId)) {
    // SOAP is request/response: the answer comes back on this request and is completed here as the
    // router completes a JSON station's (records the outcome, applies the effects, resumes a task).
    const sent = await postSoapCall(cp, pending.messageId, action, payload, deadline);
    if (!sent.ok) {
      await releasePendingCall(chargePointId, pending.messageId);
      throw new CallFailure(sent.status, sent.error, sent.message);
    }
    const { completeCall } = await import('./completion');
    await completeCall(sent.frame, { chargePointId, protocol: cp.protocol, connectionId, registrationStatus: cp.registrationStatus }, sent.raw);
    return { messageId: pending.messageId, chargePointId, action, protocol: cp.protocol, connectionId, sentAt: now, deadline };
  }
  const wirePayload = cp.protocol === 'ocpp2.0' ? adaptRequestTo20(action, payload) : payload;
  try {
    await connections().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(callFrame(pending.messageId, action, wirePayload)) }));
  } catch (e) {
    if (e instanceof GoneException || (e as { name?: string }).name === 'GoneException') {
      await clearConnection(chargePointId, connectionId);
      throw new CallFailure(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
    }
    await releasePendingCall(chargePointId, pending.messageId);
    throw e;
  }
  return { messageId: pending.messageId, chargePointId, action, protocol: cp.protocol, connectionId, sentAt: now, deadline };
}

/** Frees the slot if it is still held by this call (after a timeout or a failed post). */
export async function releasePendingCall(chargePointId: string, messageId: string): Promise<PendingCall | undefined> {
  try {
    const out = await db().send(new UpdateCommand({
      TableName: tableName('chargePoints'),
      Key: { chargePointId },
      UpdateExpression: 'REMOVE pendingCall',
      ConditionExpression: 'pendingCall.messageId = :m',
      ExpressionAttributeValues: { ':m': messageId },
      ReturnValues: 'ALL_OLD',
    }));
    return out.Attributes?.pendingCall as PendingCall | undefined;
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

const POLL_MS = 100;
/** Every this many polls the waiter also looks at the slot: a station that went away ends the wait. */
const SLOT_CHECK_EVERY = 3;

const pause = (ms: number) => new Promise((res) => setTimeout(res, Math.max(1, ms)));

/**
 * Waits for the answer recorded by the router, until the call's deadline. Polling keeps the caller
 * a plain Lambda (no open socket to the charge point); the router writes the outcome once, keyed by
 * message id, before it applies the answer's effects.
 * - Outcome recorded, effects done or failed → returned at once. Effects still running → waited
 *   for until the deadline (so what the answer changed can be read right after), then returned
 *   with `effects: 'pending'`: an answered call is never reported as a timeout.
 * - The slot disappears without an outcome (the station disconnected or reconnected — both free
 *   the slot) → 409 NotConnected, without waiting out the timeout.
 * - `signal` aborted (the operator gave up) or the deadline passes → the slot is freed (504).
 */
export async function awaitOutcome(call: SentCall, opts: { signal?: AbortSignal } = {}): Promise<CallResult> {
  let slotGone = false;
  for (let tick = 1; ; tick++) {
    const now = Date.now();
    const r = await getCallResult(call.messageId);
    if (r && (r.effects !== 'pending' || now >= call.deadline)) return r;
    // A freed slot with the same connection: the router is recording the answer (keep waiting).
    if (!r && !slotGone && tick % SLOT_CHECK_EVERY === 0) {
      const cp = await getChargePoint(call.chargePointId, true);
      if (cp?.pendingCall?.messageId !== call.messageId) {
        if (liveConnectionId(cp) !== call.connectionId) return lostCall(call, liveConnectionId(cp));
        slotGone = true;
      }
    }
    if (opts.signal?.aborted) return giveUp(call, 'Aborted', `The request for ${call.action} to ${call.chargePointId} was aborted; the call was abandoned`);
    if (now >= call.deadline) return giveUp(call, 'Timeout', `No answer to ${call.action} from ${call.chargePointId} within ${call.deadline - call.sentAt} ms`);
    await pause(Math.min(POLL_MS, call.deadline - now));
  }
}

/** The slot was freed without an outcome: a late outcome still counts; otherwise say why. */
async function lostCall(call: SentCall, liveConnection: string | undefined): Promise<CallResult> {
  // The router frees the slot just before it writes the outcome: give that write a moment.
  for (let i = 0; i < 2; i++) {
    const late = await getCallResult(call.messageId);
    if (late) return late;
    if (i === 0) await pause(POLL_MS);
  }
  if (liveConnection !== call.connectionId) throw new CallFailure(409, 'NotConnected', `Charge point ${call.chargePointId} disconnected before answering ${call.action}`);
  throw new CallFailure(504, 'Timeout', `No answer to ${call.action} from ${call.chargePointId} was recorded`);
}

/** Frees the slot (logging the unanswered call); an outcome that landed meanwhile still counts. */
async function giveUp(call: SentCall, error: string, message: string): Promise<CallResult> {
  const released = await releasePendingCall(call.chargePointId, call.messageId);
  if (released) await logExchange(call.chargePointId, { id: call.messageId, action: call.action, payload: released.payload }, undefined, new Date(released.sentAt), 'out');
  const late = await getCallResult(call.messageId);
  if (late) return late;
  // Freed by someone else: the router recording the answer right now, or a disconnect.
  if (!released) return lostCall(call, liveConnectionId(await getChargePoint(call.chargePointId, true)));
  throw new CallFailure(504, error, message);
}
