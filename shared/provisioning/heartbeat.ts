import type { ActionHandlers, CallContext } from '../ocpp/context';

/**
 * No DynamoDB operation at all: the gateway knows when a connection last carried a message
 * (GetConnection LastActiveAt, read by the charge point view), and `$disconnect` records the end.
 * Writing last-seen here would cost one write per Heartbeat for what the gateway already knows.
 */
export function heartbeat(_payload: unknown, _ctx: CallContext): { currentTime: string } {
  return { currentTime: new Date().toISOString() };
}

/** OCPP 1.6 §4.6 Heartbeat · OCPP 2.0.1 G02 Heartbeat. */
export const Heartbeat: ActionHandlers = { '1.6': heartbeat, '2.0.1': heartbeat };
