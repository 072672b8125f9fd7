/** Settings from the environment, read on each call so tests and the local runtime can change them. */
function num(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== '' && process.env[name] !== undefined ? v : fallback;
}

export const config = {
  /** BootNotification interval; API Gateway closes idle connections after 10 min, so ≤ 300 s by default. */
  heartbeatInterval: () => num('CSMS_HEARTBEAT_INTERVAL', 300),
  /** Interval given to Pending/Rejected charge points before they may boot again. */
  bootRetryInterval: () => num('CSMS_BOOT_RETRY_INTERVAL', 60),
  autoRegister: () => process.env.CSMS_AUTO_REGISTER === 'true',
  /** Secret header CloudFront adds; when set, the authorizer refuses connections without it. */
  originSecret: () => process.env.CSMS_ORIGIN_SECRET ?? '',
  /** How long a CSMS→charge point call may wait for its answer (API Gateway integrations stop at 29 s). */
  callTimeoutMs: () => num('CSMS_CALL_TIMEOUT_MS', 25_000),
  /** API Gateway's maximum connection age: a connection record older than this is stale. */
  connectionMaxAgeMs: () => num('CSMS_CONNECTION_MAX_AGE_MS', 2 * 3600_000),
  messageLogDays: () => num('CSMS_MESSAGE_LOG_DAYS', 30),
  messageLogEnabled: () => process.env.CSMS_MESSAGE_LOG !== 'false',
  /** Seconds after a 2.x reconnect before GetTransactionStatus about held transactions (shared/transactions/reconnect-check.ts); 0 = off. */
  reconnectCheckSeconds: () => num('CSMS_RECONNECT_TX_CHECK_S', 0),
  /** Days a stored meter value message is kept (DynamoDB TTL); 0 keeps them (the local default). */
  meterValuesDays: () => num('CSMS_METER_VALUES_DAYS', 0),
  /** Endpoint of the @connections management API (set by the stack / local runtime). */
  connectionsEndpoint: () => process.env.CONNECTIONS_ENDPOINT ?? '',
  dynamoEndpoint: () => process.env.DYNAMODB_ENDPOINT || undefined,
};
