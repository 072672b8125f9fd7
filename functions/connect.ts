// $connect: OCPP-J 1.6 §3.1 / 2.0.1 part 4 §3 — subprotocol negotiation and the connection record.
import { identityFrom, type WebSocketEvent } from '../shared/lambda/websocket';
import { closeConnection } from '../shared/lambda/post';
import { isConditionFailure, recordConnection } from '../shared/store/charge-points';
import { log } from '../shared/log';
import { offeredSpelling, type Protocol } from '../shared/ocpp/protocol';

export const handler = async (event: WebSocketEvent) => {
  const protocol = event.requestContext.authorizer?.protocol;
  if (!protocol) return { statusCode: 400, body: 'None of the offered subprotocols is supported (ocpp2.0.1, ocpp2.0, ocpp1.6)' };
  const { chargePointId, connectionId } = identityFrom(event);
  try {
    const replaced = await recordConnection(chargePointId, connectionId, identityFrom(event).protocol);
    // A reconnect replaces the old connection: close it so only one socket speaks for this identity.
    if (replaced) await closeConnection(replaced);
  } catch (e) {
    if (isConditionFailure(e)) return { statusCode: 401, body: 'Charge point is not registered' };
    throw e;
  }
  log.info('connected', { chargePointId, connectionId, protocol });
  const offered = Object.entries((event as { headers?: Record<string, string | undefined> }).headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': offeredSpelling(offered, protocol as Protocol) } };
};
