// $default: answers to our calls (CALLRESULT/CALLERROR), actions without a route of their own
// (all of them in `routing=dispatcher` mode), unknown actions and broken frames (OCPP-J §4).
import { completeCall } from '../shared/calls/completion';
import { routerHandler } from '../shared/lambda/websocket';
import { handlersFor } from '../shared/ocpp/routes';
import { runtimeValidation } from '../shared/ocpp/validation';

export const handler = routerHandler(handlersFor, runtimeValidation, completeCall);
