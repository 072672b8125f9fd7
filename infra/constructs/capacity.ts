/**
 * Throttles and reserved concurrency sized from the fleet (`-c fleetSize=N`), so that a regional
 * blip — every charge point reconnecting at once — is absorbed instead of locking stations out.
 * The formula (docs/deploy.md, "Sizing for a fleet"; docs/scale.md works it for 1,000,000):
 *
 *   connectRate  = clamp(ceil(N / STORM_SECONDS), 10, 500)      $connect route, requests/s
 *   steadyRate   = ceil(N × MESSAGES_PER_STATION_PER_S)          ordinary traffic
 *   stageRate    = max(100, steadyRate + connectRate × MESSAGES_AFTER_CONNECT)
 *   stageBurst   = clamp(2 × stageRate, 200, 5000)
 *   authorizer   = max(5, ceil(connectRate × AUTHORIZER_S × 2))  reserved concurrency (×2 headroom)
 *   connect      = max(5, ceil(connectRate × CONNECT_S × 2))
 *
 * 500 new connections/s is API Gateway's account-and-region quota; 10,000 requests/s (burst 5,000)
 * the account throttle that also counts the `@connections` callbacks. Past them the stack cannot
 * help: `warnings` name the quota increase to request.
 */
export const AWS_QUOTAS = {
  /** API Gateway WebSocket: new connections per second, per account and region (adjustable). */
  newConnectionsPerSecond: 500,
  /** API Gateway account-level throttle, requests per second, all APIs and @connections calls (adjustable). */
  accountRequestsPerSecond: 10_000,
  accountBurst: 5_000,
  /** API Gateway WebSocket maximum connection duration: every station reconnects at least this often. */
  maxConnectionSeconds: 7_200,
  /** Lambda: concurrent executions per region (1,000 by default, far less on new accounts). */
  lambdaConcurrency: 1_000,
  /** Lambda keeps this many executions unreserved; reservations beyond it fail the deploy. */
  lambdaUnreservedMinimum: 100,
  /** A new on-demand DynamoDB table serves up to this many write request units/s before it adapts. */
  newTableWriteUnitsPerSecond: 4_000,
  /** One DynamoDB partition: 1,000 WCU/s and 3,000 RCU/s; a single key can never exceed them. */
  partitionWriteUnitsPerSecond: 1_000,
} as const;

/** How fast the whole fleet should be back after a blip (seconds). */
export const STORM_SECONDS = 60;
/** BootNotification + a StatusNotification per connector (≈ 3) + a first Heartbeat/MeterValues. */
export const MESSAGES_AFTER_CONNECT = 5;
/** One message per station per minute on average (MeterValues at 60 s while charging, Heartbeat at 300 s). */
export const MESSAGES_PER_STATION_PER_S = 1 / 60;
/** Authorizer run (scrypt at 512 MB + one GetItem) and connect run (one conditional write), seconds. */
export const AUTHORIZER_S = 0.3;
export const CONNECT_S = 0.2;

export interface Capacity {
  fleetSize: number;
  connectRate: number;
  connectBurst: number;
  stageRate: number;
  stageBurst: number;
  authorizerConcurrency: number;
  connectConcurrency: number;
  /** Requests/s the account sees at the storm's peak: the stage plus one DeleteConnection per reconnect. */
  accountRequestsPerSecond: number;
  /** Seconds until the whole fleet is reconnected at connectRate. */
  stormSeconds: number;
  /** Reconnects per second forced by the 2 h connection cap alone. */
  steadyReconnectsPerSecond: number;
  warnings: string[];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function capacityFor(fleetSize: number): Capacity {
  if (!Number.isInteger(fleetSize) || fleetSize < 1) throw new Error(`fleetSize must be a positive integer, got ${fleetSize}`);
  const wantedConnectRate = Math.ceil(fleetSize / STORM_SECONDS);
  const connectRate = clamp(wantedConnectRate, 10, AWS_QUOTAS.newConnectionsPerSecond);
  const steadyRate = Math.ceil(fleetSize * MESSAGES_PER_STATION_PER_S);
  const stageRate = Math.max(100, steadyRate + connectRate * MESSAGES_AFTER_CONNECT);
  const stageBurst = clamp(2 * stageRate, 200, AWS_QUOTAS.accountBurst);
  const authorizerConcurrency = Math.max(5, Math.ceil(connectRate * AUTHORIZER_S * 2));
  const connectConcurrency = Math.max(5, Math.ceil(connectRate * CONNECT_S * 2));
  const accountRequestsPerSecond = stageRate + connectRate;
  const warnings: string[] = [];
  if (wantedConnectRate > AWS_QUOTAS.newConnectionsPerSecond) {
    warnings.push(`${fleetSize} charge points need ${wantedConnectRate} new connections/s to be back within ${STORM_SECONDS} s; API Gateway allows ${AWS_QUOTAS.newConnectionsPerSecond}/s per account and region: request "New connections per second" = ${wantedConnectRate} (Service Quotas, API Gateway), or accept a ${Math.ceil(fleetSize / connectRate)} s storm`);
  }
  if (accountRequestsPerSecond > AWS_QUOTAS.accountRequestsPerSecond) {
    warnings.push(`the stage needs ${accountRequestsPerSecond} requests/s, above API Gateway's account throttle of ${AWS_QUOTAS.accountRequestsPerSecond}/s: request "Throttle rate" ≥ ${accountRequestsPerSecond}, or API Gateway throttles every API of the account`);
  }
  return {
    fleetSize,
    connectRate,
    connectBurst: 2 * connectRate,
    stageRate,
    stageBurst,
    authorizerConcurrency,
    connectConcurrency,
    accountRequestsPerSecond,
    stormSeconds: Math.ceil(fleetSize / connectRate),
    steadyReconnectsPerSecond: fleetSize / AWS_QUOTAS.maxConnectionSeconds,
    warnings,
  };
}
