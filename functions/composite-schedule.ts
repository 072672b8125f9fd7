// OCPP 1.6 §3.13 / §5.7 · 2.0.1 K08: the composite schedule, from the AWS console or other AWS services (docs/console-runbook.md).
//   { "profiles": [...], "connectorId", "start", "duration", ... }  → the composite of those profiles (docs/operator-api.md, nothing stored)
//   { "chargePointId", "connectorId", "start"?, "duration", "chargingRateUnit"? } → the composite of what the CSMS installed there
import { lambda } from '../shared/lambda/middy';
import { chargePointComposite, statelessComposite } from '../shared/smart-charging/queries';

export const handler = lambda('composite-schedule', async (event: unknown) => {
  if (event && typeof event === 'object' && !Array.isArray(event) && 'chargePointId' in event) {
    const e = event as Record<string, unknown>;
    if (typeof e.chargePointId !== 'string' || !e.chargePointId) return { status: 400, error: 'BadRequest', message: 'chargePointId must be a non-empty string' };
    const { status, body } = await chargePointComposite(e.chargePointId, e, false);
    return { status, ...body };
  }
  const { status, body } = statelessComposite(event);
  return { status, ...body };
});
