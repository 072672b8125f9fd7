import type { MiddlewareObj } from '@middy/core';
import type { ActionHandlers } from '../ocpp/context';
import { ocppHandler, ocppPipeline, ROUTE_DEADLINE_MARGIN_MS, type Answer, type LambdaAnswer } from '../ocpp/inbound';
import type { CallValidation } from '../ocpp/validators';
import type { ActionValidators } from '../ocpp/validators';
import { generatedValidation } from '../ocpp/validators/route';
import { identityFrom, type WebSocketEvent } from './identity';
import { DeadlineExceeded, lambda } from './middy';
import { postFrame } from './post';
import type { Frame } from '../ocpp/framing';
import type { Identity } from '../ocpp/context';

export { identityFrom, type WebSocketEvent };

/** Every two-way answer is due before the Lambda's own timeout (a timed-out Lambda makes API Gateway answer with its own JSON error). */
const deadline = (role: string) => ({ marginMs: ROUTE_DEADLINE_MARGIN_MS(), onDeadline: () => new DeadlineExceeded(role) });

/**
 * The Lambda behind a two-way route for one action: its return value is the answer frame that
 * API Gateway sends back on the connection. It validates with the action's generated validators
 * (shared/ocpp/validators/<Action>.ts), which behave as the runtime Ajv path does.
 */
export function routeHandler(action: string, handlers: ActionHandlers, validators: ActionValidators) {
  const validation = generatedValidation(action, validators);
  return lambda<WebSocketEvent, LambdaAnswer>('route', ocppHandler() as never, {
    middlewares: ocppPipeline((a) => (a === action ? handlers : undefined), validation),
    deadline: deadline(action),
  });
}

/** `$default` is one-way: the answer, if any, is posted back on the connection. */
const postAnswer: MiddlewareObj<WebSocketEvent> = {
  after: (request) => post(request.event, request),
  onError: (request) => post(request.event, request),
};
async function post(event: WebSocketEvent, request: { response: unknown }): Promise<void> {
  const answer = request.response as LambdaAnswer | undefined;
  if (!answer) return;
  if (answer.body !== undefined) await postFrame(identityFrom(event).connectionId, answer.body);
  request.response = { statusCode: 200 };
}

/** The `$default` Lambda: any action from the route table, and the answers to our calls. */
export function routerHandler(
  handlersFor: (action: string) => ActionHandlers | undefined,
  validation: CallValidation,
  onAnswer: (frame: Answer, identity: Identity, raw: string) => Promise<unknown>,
) {
  return lambda<WebSocketEvent, LambdaAnswer>('router', ocppHandler(onAnswer) as never, {
    middlewares: ocppPipeline(handlersFor, validation, { afterMetrics: [postAnswer] }),
    deadline: deadline('$default'),
  });
}
