import type { APIGatewayProxyResultV2, APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { ActionHandlers, Identity } from '../ocpp/context';
import { answerRaw } from '../ocpp/inbound';
import { isProtocol } from '../ocpp/protocol';
import type { ActionValidators } from '../ocpp/validators';
import { generatedValidation } from '../ocpp/validators/route';
import type { RegistrationStatus } from '../store/charge-points';

/** A WebSocket event after the authorizer: its context travels with every message of the connection. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { authorizer?: Record<string, unknown> };
};

export function identityFrom(event: WebSocketEvent): Identity {
  const a = event.requestContext.authorizer ?? {};
  const protocol = isProtocol(a.protocol) ? a.protocol : 'ocpp1.6';
  return {
    chargePointId: String(a.chargePointId ?? ''),
    protocol,
    connectionId: event.requestContext.connectionId,
    registrationStatus: (a.registrationStatus as RegistrationStatus) ?? 'Accepted',
  };
}

/**
 * The Lambda behind a two-way route for one action: its return value is the answer frame that
 * API Gateway sends back on the connection. It validates with the action's generated validators
 * (shared/ocpp/validators/<Action>.ts), which behave as the runtime Ajv path does.
 */
export function routeHandler(action: string, handlers: ActionHandlers, validators: ActionValidators) {
  const validation = generatedValidation(action, validators);
  return async (event: WebSocketEvent): Promise<APIGatewayProxyResultV2> => {
    const body = await answerRaw(event.body, identityFrom(event), (a) => (a === action ? handlers : undefined), validation);
    return body === undefined ? { statusCode: 200 } : { statusCode: 200, body };
  };
}
