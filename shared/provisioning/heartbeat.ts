import { config } from '../config';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { touchLastSeen } from '../store/charge-points';

/**
 * Last-seen is written at most once per CSMS_LAST_SEEN_INTERVAL_MS per charge point and process:
 * with 300 s heartbeats that is well under 0.1 writes per Heartbeat on average.
 */
const lastWritten = new Map<string, number>();

export async function heartbeat(_payload: unknown, ctx: CallContext): Promise<{ currentTime: string }> {
  const now = ctx.receivedAt.getTime();
  const previous = lastWritten.get(ctx.chargePointId);
  if (previous === undefined || now - previous >= config.lastSeenWriteIntervalMs()) {
    lastWritten.set(ctx.chargePointId, now);
    await touchLastSeen(ctx.chargePointId, ctx.receivedAt);
  }
  return { currentTime: new Date().toISOString() };
}

/** OCPP 1.6 §4.6 Heartbeat · OCPP 2.0.1 G02 Heartbeat. */
export const Heartbeat: ActionHandlers = { '1.6': heartbeat, '2.0.1': heartbeat };
