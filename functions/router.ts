// $default: answers to our calls (CALLRESULT/CALLERROR), actions without a route of their own
// (all of them in `routing=dispatcher` mode), unknown actions and broken frames (OCPP-J §4).
import { completeCall } from '../shared/calls/completion';
import { identityFrom, type WebSocketEvent } from '../shared/lambda/websocket';
import { postFrame } from '../shared/lambda/post';
import { answerBrokenFrame, answerCall } from '../shared/ocpp/inbound';
import { CALL, FrameError, parseFrame } from '../shared/ocpp/framing';
import { handlersFor } from '../shared/ocpp/routes';
import { runtimeValidation } from '../shared/ocpp/validation';

export const handler = async (event: WebSocketEvent) => {
  const identity = identityFrom(event);
  let answer: string | undefined;
  try {
    const frame = parseFrame(event.body);
    if (frame.type === CALL) answer = await answerCall(frame, identity, handlersFor(frame.action), runtimeValidation);
    else await completeCall(frame, identity, event.body ?? '');
  } catch (e) {
    if (!(e instanceof FrameError)) throw e;
    answer = answerBrokenFrame(e, identity);
  }
  if (answer !== undefined) await postFrame(identity.connectionId, answer);
  return { statusCode: 200 };
};
