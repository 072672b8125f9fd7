// $connect: OCPP-J 1.6 §3.1 / 2.0.1 part 4 §3 — subprotocol negotiation and the connection record.
import { acceptConnection } from '../shared/connect/connection';
import { moveGauge } from '../shared/lambda/gauges';
import { identityFrom, type WebSocketEvent } from '../shared/lambda/identity';
import { METRIC } from '../shared/lambda/metric-names';
import { metrics } from '../shared/lambda/metrics';
import { lambda } from '../shared/lambda/middy';
import { log, setLogKeys } from '../shared/log';
import { offeredSpelling, type Protocol } from '../shared/ocpp/protocol';
import { memberSite } from '../shared/sites/connection-hooks';
import { startReconnectCheck } from '../shared/transactions/reconnect-check';

export const handler = lambda('connect', async (event: WebSocketEvent) => {
  const { chargePointId, connectionId } = identityFrom(event);
  setLogKeys({ chargePointId, connectionId });
  const protocol = event.requestContext.authorizer?.protocol;
  if (!protocol) {
    metrics.refusedConnect('NoSubprotocol');
    return { statusCode: 400, body: 'None of the offered subprotocols is supported (ocpp2.0.1, ocpp2.0, ocpp1.6)' };
  }
  // Only the newest connection of an identity stays open (shared/connect/connection.ts).
  const outcome = await acceptConnection({
    chargePointId, connectionId, protocol: identityFrom(event).protocol, connectedAtMs: event.requestContext.connectedAt,
  });
  if (!outcome.accepted) {
    metrics.refusedConnect(outcome.status === 401 ? 'NotRegistered' : 'Superseded');
    return { statusCode: outcome.status, body: outcome.reason };
  }
  metrics.connected();
  // A connection that replaced another leaves the number of connected charge points as it was.
  if (!outcome.replaced) await moveGauge(METRIC.connectedChargePoints, 1);
  log.info('connected', { protocol });
  // 2.0.1 E14: ask about the transactions the CSMS still holds once the connection is open.
  // A site's charge point: its site is re-allocated once the connection is open (docs/sites.md).
  const siteId = await memberSite(chargePointId).catch(() => undefined);
  await startReconnectCheck(chargePointId, connectionId, protocol as Protocol, { siteId });
  const offered = Object.entries((event as { headers?: Record<string, string | undefined> }).headers ?? {}).find(([k]) => k.toLowerCase() === 'sec-websocket-protocol')?.[1];
  return { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': offeredSpelling(offered, protocol as Protocol) } };
});
