import { randomUUID } from 'node:crypto';
import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connections, db } from '../aws';
import { config } from '../config';
import { FRAME_LIMIT_BYTES } from '../edge';
import { callFrame } from '../ocpp/framing';
import { versionOf, type Protocol } from '../ocpp/protocol';
import { checkPayload } from '../ocpp/validation';
import { adaptRequestTo20 } from '../ocpp/adapter-2.0';
import { clearConnection, getChargePoint, isConditionFailure, liveConnectionId, type PendingCall } from '../store/charge-points';
import { getCallResult, type CallOutcome } from '../store/call-results';
import { tableName } from '../store/tables';
import { logExchange } from '../store/message-log';
import { GuardRejection, runGuards } from './guards';
import './all-effects'; // registers the guards (and effects) of every domain module

/** Why a call could not be made or finished; `status` is the operator API's HTTP status. */
export class CallFailure extends Error {
  constructor(readonly status: 400 | 404 | 409 | 413 | 504, readonly error: string, message: string) {
    super(message);
  }
}

export interface SentCall {
  messageId: string;
  chargePointId: string;
  action: string;
  protocol: Protocol;
}

/**
 * Sends one CALL to a charge point: validates the payload against the request schema of the
 * charge point's version, claims the single pending-call slot of that charge point with a
 * conditional write, and posts the frame to its live connection.
 */
export async function sendCall(chargePointId: string, action: string, payload: unknown, opts: { taskToken?: string; timeoutMs?: number } = {}): Promise<SentCall> {
  const cp = await getChargePoint(chargePointId, true);
  if (!cp) throw new CallFailure(404, 'NotFound', `Charge point ${chargePointId} is not registered`);
  const connectionId = liveConnectionId(cp);
  if (!connectionId || !cp.protocol) throw new CallFailure(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
  const version = versionOf(cp.protocol);
  const invalid = checkPayload(version, action, 'req', payload);
  if (invalid) {
    throw new CallFailure(400, invalid.code === 'NotImplemented' ? 'UnknownAction' : 'InvalidPayload',
      invalid.code === 'NotImplemented' ? `${action} is not an OCPP ${version} action` : `${action} payload is invalid for OCPP ${version}: ${invalid.message}`);
  }
  // Domain rules a schema cannot express (shared/calls/guards.ts): refused before anything is sent.
  try {
    await runGuards(action, chargePointId, payload, version);
  } catch (e) {
    if (e instanceof GuardRejection) throw new CallFailure(e.status, e.error, e.message);
    throw e;
  }
  // API Gateway closes the connection (1009) on a CSMS message over one 32 KB frame: refuse it, nothing sent.
  const bytes = Buffer.byteLength(callFrame(randomUUID(), action, cp.protocol === 'ocpp2.0' ? adaptRequestTo20(action, payload) : payload));
  if (bytes > FRAME_LIMIT_BYTES) throw new CallFailure(413, 'FrameTooLarge', `${action} would be a ${bytes}-byte frame; API Gateway WebSocket frames carry at most 32 KB (${FRAME_LIMIT_BYTES} bytes): send less per call`);
  const now = Date.now();
  const pending: PendingCall = {
    messageId: randomUUID(),
    action,
    payload,
    connectionId,
    sentAt: new Date(now).toISOString(),
    expiresAtMs: now + (opts.timeoutMs ?? config.callTimeoutMs()),
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
  return { messageId: pending.messageId, chargePointId, action, protocol: cp.protocol };
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

/**
 * Waits for the answer recorded by the router. Polling keeps the caller a plain Lambda (no open
 * socket to the charge point); the router writes the outcome once, keyed by message id.
 */
export async function awaitOutcome(call: SentCall, timeoutMs = config.callTimeoutMs()): Promise<CallOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await getCallResult(call.messageId);
    if (r) return r.outcome;
    if (Date.now() >= deadline) break;
    await new Promise((res) => setTimeout(res, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
  }
  const released = await releasePendingCall(call.chargePointId, call.messageId);
  if (released) await logExchange(call.chargePointId, { id: call.messageId, action: call.action, payload: released.payload }, undefined, new Date(released.sentAt), 'out');
  // A late answer may have landed between the last poll and the release.
  const late = await getCallResult(call.messageId);
  if (late) return late.outcome;
  throw new CallFailure(504, 'Timeout', `No answer to ${call.action} from ${call.chargePointId} within ${timeoutMs} ms`);
}
