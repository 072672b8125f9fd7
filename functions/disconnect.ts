// $disconnect: best effort, possibly late — only clears the record if it still names this connection.
import { moveGauge } from '../shared/lambda/gauges';
import { identityFrom, type WebSocketEvent } from '../shared/lambda/identity';
import { METRIC } from '../shared/lambda/metric-names';
import { metrics } from '../shared/lambda/metrics';
import { lambda } from '../shared/lambda/middy';
import { setLogKeys } from '../shared/log';
import { siteStationOffline } from '../shared/sites/connection-hooks';
import { clearConnection } from '../shared/store/charge-points';

export const handler = lambda('disconnect', async (event: WebSocketEvent) => {
  const { chargePointId, connectionId } = identityFrom(event);
  setLogKeys({ chargePointId, connectionId });
  metrics.disconnected();
  if (chargePointId && (await clearConnection(chargePointId, connectionId))) {
    await moveGauge(METRIC.connectedChargePoints, -1);
    // A site's charge point: re-allocated with it counted offline (docs/sites.md).
    await siteStationOffline(chargePointId);
  }
  return { statusCode: 200 };
});
