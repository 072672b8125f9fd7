// $connect: OCPP-J 1.6 §3.1 / 2.0.1 part 4 §3 — subprotocol negotiation and the connection record.
import { identityFrom, type WebSocketEvent } from '../shared/lambda/websocket';
import { acceptConnection } from '../shared/connect/connection';
import { log } from '../shared/log';
import { offeredSpelling, type Protocol } from '../shared/ocpp/protocol';

export const handler = async (event: WebSocketEvent) => {
  const protocol = event.requestContext.authorizer?.protocol;
  if (!protocol) return { statusCode: 400, body: 'None of the offered subprotocols is supported (ocpp2.0.1, ocpp2.0, ocpp1.6)' };
  const { chargePointId, connectionId } = identityFrom(event);
  // Only the newest connection of an identity stays open (shared/connect/connection.ts).
  const outcome = await acceptConnection({
    chargePointId, connectionId, protocol: identityFrom(event).protocol, connectedAtMs: event.requestContext.connectedAt,
  });
  if (!outcome.accepted) return { statusCode: outcome.status, body: outcome.reason };
  log.info('connected', { chargePointId, connectionId, protocol });
  const offered = Object.entries((event as { headers?: Record<string, string | undefined> }).headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': offeredSpelling(offered, protocol as Protocol) } };
};
