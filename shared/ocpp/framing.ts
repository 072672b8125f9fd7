import { OcppError } from './errors';

/** OCPP-J message type ids (OCPP-J 1.6 §4.1.3, 2.0.1 part 4 §4.1; 5 and 6 only in 2.1 part 4). */
export const CALL = 2;
export const CALLRESULT = 3;
export const CALLERROR = 4;
/** 2.1: a station's error answer to a CALLRESULT we sent; never answered. */
export const CALLRESULTERROR = 5;
/** 2.1: an unconfirmed message (NotifyPeriodicEventStream); processed, never answered. */
export const SEND = 6;
const MAX_ID_LENGTH = 36;

export type Frame =
  | { type: typeof CALL; id: string; action: string; payload: unknown }
  | { type: typeof CALLRESULT; id: string; payload: unknown }
  | { type: typeof CALLERROR; id: string; code: string; description: string; details: unknown }
  | { type: typeof CALLRESULTERROR; id: string; code: string; description: string; details: unknown }
  | { type: typeof SEND; id: string; action: string; payload: unknown };

/** A frame we could not accept; `id` is set when one could be read, so the sender gets an answer. */
export class FrameError extends OcppError {
  constructor(
    code: ConstructorParameters<typeof OcppError>[0],
    message: string,
    readonly id: string | undefined,
    /** A broken SEND or CALLRESULTERROR (2.1): the rules forbid any answer to those. */
    readonly unanswerable = false,
  ) {
    super(code, message);
    this.name = 'FrameError';
  }
}

/**
 * Parses one WebSocket text message into a frame, or throws FrameError saying why not. Message
 * types 5 and 6 exist only on `ocpp2.1` connections (`rpc21`); elsewhere they are
 * MessageTypeNotSupported as any unknown type.
 */
export function parseFrame(raw: string | undefined | null, rpc21 = false): Frame {
  let msg: unknown;
  try {
    msg = JSON.parse(raw ?? '');
  } catch {
    // Broken JSON that still reads as a 2.1 SEND or CALLRESULTERROR gets no answer either.
    throw new FrameError('RpcFrameworkError', 'Message is not valid JSON', salvageId(raw), rpc21 && /^\s*\[\s*[56]\s*,/.test(raw ?? ''));
  }
  const unanswerable = rpc21 && Array.isArray(msg) && (msg[0] === SEND || msg[0] === CALLRESULTERROR);
  if (!Array.isArray(msg) || msg.length < 3) {
    throw new FrameError('RpcFrameworkError', 'Message is not a JSON array of an OCPP-J frame', readableId(msg), unanswerable);
  }
  const [type, id] = msg;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw new FrameError('RpcFrameworkError', `Message id must be a string of 1 to ${MAX_ID_LENGTH} characters`, readableId(msg), unanswerable);
  }
  switch (type) {
    case CALL: {
      const [, , action, payload] = msg;
      if (typeof action !== 'string' || action.length === 0) {
        throw new FrameError('RpcFrameworkError', 'CALL action must be a non-empty string', id);
      }
      if (msg.length !== 4) throw new FrameError('FormatViolation', 'CALL must have exactly 4 elements', id);
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new FrameError('FormatViolation', 'CALL payload must be a JSON object', id);
      }
      return { type: CALL, id, action, payload };
    }
    case CALLRESULT:
      return { type: CALLRESULT, id, payload: msg[2] };
    case CALLERROR:
      return { type: CALLERROR, id, code: String(msg[2]), description: String(msg[3] ?? ''), details: msg[4] ?? {} };
    case CALLRESULTERROR:
    case SEND:
      if (rpc21) return type === SEND ? parseSend(msg, id) : { type: CALLRESULTERROR, id, code: String(msg[2]), description: String(msg[3] ?? ''), details: msg[4] ?? {} };
    // falls through: not a message type before 2.1
    default:
      throw new FrameError('MessageTypeNotSupported', `Unknown message type ${JSON.stringify(type)}`, id);
  }
}

/** 2.1 part 4: `[6, id, action, payload]`, the shape of a CALL; a broken one gets no answer. */
function parseSend(msg: unknown[], id: string): Frame {
  const [, , action, payload] = msg;
  if (typeof action !== 'string' || action.length === 0) throw new FrameError('RpcFrameworkError', 'SEND action must be a non-empty string', id, true);
  if (msg.length !== 4) throw new FrameError('FormatViolation', 'SEND must have exactly 4 elements', id, true);
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new FrameError('FormatViolation', 'SEND payload must be a JSON object', id, true);
  return { type: SEND, id, action, payload };
}

function readableId(msg: unknown): string | undefined {
  if (!Array.isArray(msg)) return undefined;
  const id = msg[1];
  // An over-long id is still readable: the sender gets its error under the id it used.
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** From broken JSON like `[2,"abc","Heartbeat",{` we can still read the id and answer. */
function salvageId(raw: string | undefined | null): string | undefined {
  const m = /^\s*\[\s*[234]\s*,\s*"([^"\\]{1,128})"/.exec(raw ?? '');
  return m?.[1];
}

export function callFrame(id: string, action: string, payload: unknown): string {
  return JSON.stringify([CALL, id, action, payload]);
}
export function resultFrame(id: string, payload: unknown): string {
  return JSON.stringify([CALLRESULT, id, payload]);
}
export function errorFrame(id: string, code: string, description: string, details: unknown = {}): string {
  return JSON.stringify([CALLERROR, id, code, description, details]);
}
