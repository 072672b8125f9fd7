import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import type { Identity } from '../ocpp/context';
import { isProtocol } from '../ocpp/protocol';
import type { RegistrationStatus } from '../store/charge-points';

/** A WebSocket event after the authorizer: its context travels with every message of the connection. */
export type WebSocketEvent = APIGatewayProxyWebsocketEventV2 & {
  requestContext: APIGatewayProxyWebsocketEventV2['requestContext'] & { authorizer?: Record<string, unknown> };
};

/** Who is talking, from the authorizer context: no table read. */
export function identityFrom(event: WebSocketEvent): Identity {
  const a = event.requestContext?.authorizer ?? {};
  const protocol = isProtocol(a.protocol) ? a.protocol : 'ocpp1.6';
  return {
    chargePointId: String(a.chargePointId ?? ''),
    protocol,
    connectionId: event.requestContext?.connectionId,
    registrationStatus: (a.registrationStatus as RegistrationStatus) ?? 'Accepted',
  };
}
