// $disconnect: best effort, possibly late — only clears the record if it still names this connection.
import { identityFrom, type WebSocketEvent } from '../shared/lambda/websocket';
import { clearConnection } from '../shared/store/charge-points';

export const handler = async (event: WebSocketEvent) => {
  const { chargePointId, connectionId } = identityFrom(event);
  if (chargePointId) await clearConnection(chargePointId, connectionId);
  return { statusCode: 200 };
};
