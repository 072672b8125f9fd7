/**
 * Cost model: what a charge point costs per month on AWS, from counted usage × list prices.
 * Pure: no I/O, no clock. `npm run bench` feeds it with the operations it counted (DynamoDB
 * request units, Lambda invocations and durations, API Gateway messages, log bytes) and the
 * prices in bench/prices.json; test/unit/cost-model.test.ts pins the arithmetic by hand.
 *
 * Free tiers are ignored (they vanish at fleet scale); volume tiers are applied to the whole
 * fleet's monthly usage, so the price per charge point falls as the fleet grows.
 */

/** One price band: `usd` per unit for usage up to `upTo` units a month (cumulative; absent = no limit). */
export interface Tier {
  upTo?: number;
  usd: number;
}

/** Unit prices (per single unit, not per million) as the model uses them. */
export interface UnitPrices {
  /** API Gateway WebSocket messages, per message (each direction counts, metered in `messageIncrementBytes`). */
  gatewayMessage: Tier[];
  gatewayConnectionMinute: Tier[];
  messageIncrementBytes: number;
  lambdaRequest: Tier[];
  /** arm64, per GB-second. */
  lambdaGbSecond: Tier[];
  dynamoWriteUnit: Tier[];
  dynamoReadUnit: Tier[];
  dynamoStorageGbMonth: Tier[];
  stepFunctionsTransition: Tier[];
  logsIngestedGb: Tier[];
  httpApiRequest: Tier[];
}

/** What one occurrence of an event (an OCPP exchange, a connection, an operator call) uses. */
export interface EventUsage {
  /** WebSocket messages billed by API Gateway (both directions, already in 32 KB units). */
  gatewayMessages: number;
  lambdaInvocations: number;
  /** Billed Lambda milliseconds summed over those invocations. */
  lambdaBilledMs: number;
  /** DynamoDB on-demand request units. */
  readUnits: number;
  writeUnits: number;
  /** Bytes ingested into CloudWatch Logs. */
  logBytes: number;
  stateTransitions?: number;
  httpApiRequests?: number;
}

/** Data a charge point leaves in DynamoDB per day, and how long it stays. */
export interface StoredData {
  bytesPerDay: number;
  /** Days kept (TTL); absent = kept, and the model charges `historyDays` of it. */
  retentionDays?: number;
}

export interface LoadProfile {
  name: string;
  /** Occurrences per charge point per day, by event name (keys of the usage table). */
  eventsPerDay: Record<string, number>;
  /** Minutes a charge point is connected per day (API Gateway connection minutes). */
  connectedMinutesPerDay: number;
  stored?: Record<string, StoredData>;
}

export interface CostOptions {
  lambdaMemoryMb: number;
  /** Days in a billing month (730 h / 24 = 30.4167 is the AWS convention). */
  daysPerMonth: number;
  /** Storage of data without a TTL is charged as it stands after this many days of history. */
  historyDays: number;
}

export const DEFAULT_COST_OPTIONS: CostOptions = { lambdaMemoryMb: 256, daysPerMonth: 730 / 24, historyDays: 365 };

export type Service = 'apiGatewayMessages' | 'apiGatewayConnectionMinutes' | 'lambdaRequests' | 'lambdaDuration'
  | 'dynamoWrites' | 'dynamoReads' | 'dynamoStorage' | 'stepFunctions' | 'cloudWatchLogs' | 'httpApi';
export const SERVICES: Service[] = ['apiGatewayMessages', 'apiGatewayConnectionMinutes', 'lambdaRequests', 'lambdaDuration',
  'dynamoWrites', 'dynamoReads', 'dynamoStorage', 'stepFunctions', 'cloudWatchLogs', 'httpApi'];

/** Monthly usage in billing units. */
export type MonthlyUsage = Record<Service, number>;

export interface FleetCost {
  fleetSize: number;
  /** Fleet usage per month, in billing units (messages, minutes, requests, GB-s, RU, GB-month, transitions, GB). */
  usage: MonthlyUsage;
  fleetUsdPerMonth: number;
  fleetByService: Record<Service, number>;
  perChargePointUsdPerMonth: number;
  perChargePointByService: Record<Service, number>;
}

/** API Gateway meters WebSocket messages in increments (32 KB): a 33 KB message counts twice. */
export function billedMessages(bytes: number, incrementBytes = 32 * 1024): number {
  return Math.max(1, Math.ceil(bytes / incrementBytes));
}

/** Lambda bills duration in 1 ms steps, rounded up. */
export function lambdaBilledMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs - 1e-9));
}

/** Cost of `units` under volume tiers (each band priced at its own rate). */
export function tieredCost(units: number, tiers: Tier[]): number {
  let cost = 0;
  let from = 0;
  for (const t of tiers) {
    if (units <= from) break;
    const to = t.upTo ?? Infinity;
    cost += (Math.min(units, to) - from) * t.usd;
    from = to;
  }
  return cost;
}

const zero = (): MonthlyUsage => Object.fromEntries(SERVICES.map((s) => [s, 0])) as MonthlyUsage;

/** One charge point's monthly usage under `profile`; events without usage data are reported in `missing`. */
export function monthlyUsagePerChargePoint(
  profile: LoadProfile,
  usageByEvent: Record<string, EventUsage>,
  opts: CostOptions = DEFAULT_COST_OPTIONS,
): { usage: MonthlyUsage; missing: string[] } {
  const u = zero();
  const missing: string[] = [];
  const gb = opts.lambdaMemoryMb / 1024;
  for (const [event, perDay] of Object.entries(profile.eventsPerDay)) {
    const e = usageByEvent[event];
    if (!e) {
      if (perDay > 0) missing.push(event);
      continue;
    }
    const n = perDay * opts.daysPerMonth;
    u.apiGatewayMessages += n * e.gatewayMessages;
    u.lambdaRequests += n * e.lambdaInvocations;
    u.lambdaDuration += n * (e.lambdaBilledMs / 1000) * gb;
    u.dynamoReads += n * e.readUnits;
    u.dynamoWrites += n * e.writeUnits;
    u.cloudWatchLogs += (n * e.logBytes) / 1e9;
    u.stepFunctions += n * (e.stateTransitions ?? 0);
    u.httpApi += n * (e.httpApiRequests ?? 0);
  }
  u.apiGatewayConnectionMinutes = profile.connectedMinutesPerDay * opts.daysPerMonth;
  for (const s of Object.values(profile.stored ?? {})) {
    u.dynamoStorage += (s.bytesPerDay * (s.retentionDays ?? opts.historyDays)) / 1e9;
  }
  return { usage: u, missing };
}

/** Dollars for a fleet's monthly usage, tiers applied to the fleet total. */
export function priceUsage(usage: MonthlyUsage, prices: UnitPrices): Record<Service, number> {
  return {
    apiGatewayMessages: tieredCost(usage.apiGatewayMessages, prices.gatewayMessage),
    apiGatewayConnectionMinutes: tieredCost(usage.apiGatewayConnectionMinutes, prices.gatewayConnectionMinute),
    lambdaRequests: tieredCost(usage.lambdaRequests, prices.lambdaRequest),
    lambdaDuration: tieredCost(usage.lambdaDuration, prices.lambdaGbSecond),
    dynamoWrites: tieredCost(usage.dynamoWrites, prices.dynamoWriteUnit),
    dynamoReads: tieredCost(usage.dynamoReads, prices.dynamoReadUnit),
    dynamoStorage: tieredCost(usage.dynamoStorage, prices.dynamoStorageGbMonth),
    stepFunctions: tieredCost(usage.stepFunctions, prices.stepFunctionsTransition),
    cloudWatchLogs: tieredCost(usage.cloudWatchLogs, prices.logsIngestedGb),
    httpApi: tieredCost(usage.httpApi, prices.httpApiRequest),
  };
}

/** The monthly bill of `fleetSize` identical charge points, in total and per charge point. */
export function fleetCost(
  profile: LoadProfile,
  usageByEvent: Record<string, EventUsage>,
  prices: UnitPrices,
  fleetSize: number,
  opts: CostOptions = DEFAULT_COST_OPTIONS,
): FleetCost & { missing: string[] } {
  const { usage: one, missing } = monthlyUsagePerChargePoint(profile, usageByEvent, opts);
  const usage = Object.fromEntries(SERVICES.map((s) => [s, one[s] * fleetSize])) as MonthlyUsage;
  const fleetByService = priceUsage(usage, prices);
  const perChargePointByService = Object.fromEntries(SERVICES.map((s) => [s, fleetByService[s] / fleetSize])) as Record<Service, number>;
  const fleetUsdPerMonth = SERVICES.reduce((sum, s) => sum + fleetByService[s], 0);
  return { fleetSize, usage, fleetUsdPerMonth, fleetByService, perChargePointUsdPerMonth: fleetUsdPerMonth / fleetSize, perChargePointByService, missing };
}

/**
 * bench/prices.json as written (per million / per thousand / per GB, as AWS publishes them)
 * → unit prices. Tier limits in the file are in the same units as the price they go with.
 */
export interface PriceFile {
  region: string;
  takenOn: string;
  apiGatewayWebSocket: { messagesPerMillion: Array<{ upToMillions?: number; usd: number }>; connectionMinutesPerMillion: number; messageIncrementKB: number };
  lambdaArm64: { requestsPerMillion: number; gbSecond: Array<{ upToGbSeconds?: number; usd: number }> };
  dynamoDbOnDemand: { writeRequestUnitsPerMillion: number; readRequestUnitsPerMillion: number; storageGbMonth: number };
  stepFunctionsStandard: { stateTransitionsPerThousand: number };
  cloudWatchLogs: { ingestedGb: Array<{ upToGb?: number; usd: number }> };
  httpApi: { requestsPerMillion: Array<{ upToMillions?: number; usd: number }> };
}

export function unitPrices(file: PriceFile): UnitPrices {
  const perMillion = (tiers: Array<{ upToMillions?: number; usd: number }>): Tier[] =>
    tiers.map((t) => ({ upTo: t.upToMillions === undefined ? undefined : t.upToMillions * 1e6, usd: t.usd / 1e6 }));
  return {
    gatewayMessage: perMillion(file.apiGatewayWebSocket.messagesPerMillion),
    gatewayConnectionMinute: [{ usd: file.apiGatewayWebSocket.connectionMinutesPerMillion / 1e6 }],
    messageIncrementBytes: file.apiGatewayWebSocket.messageIncrementKB * 1024,
    lambdaRequest: [{ usd: file.lambdaArm64.requestsPerMillion / 1e6 }],
    lambdaGbSecond: file.lambdaArm64.gbSecond.map((t) => ({ upTo: t.upToGbSeconds, usd: t.usd })),
    dynamoWriteUnit: [{ usd: file.dynamoDbOnDemand.writeRequestUnitsPerMillion / 1e6 }],
    dynamoReadUnit: [{ usd: file.dynamoDbOnDemand.readRequestUnitsPerMillion / 1e6 }],
    dynamoStorageGbMonth: [{ usd: file.dynamoDbOnDemand.storageGbMonth }],
    stepFunctionsTransition: [{ usd: file.stepFunctionsStandard.stateTransitionsPerThousand / 1e3 }],
    logsIngestedGb: file.cloudWatchLogs.ingestedGb.map((t) => ({ upTo: t.upToGb, usd: t.usd })),
    httpApiRequest: perMillion(file.httpApi.requestsPerMillion),
  };
}

// --- line items the per-event model leaves out ---------------------------------------------------

/**
 * Prices of the items below, us-east-1 list prices (per unit). Not in bench/prices.json, which
 * belongs to the bench: kept here with the arithmetic that uses them.
 */
export interface ExtraPrices {
  /** DynamoDB point-in-time recovery (continuous backups), per GB-month of table size. */
  pitrGbMonth: number;
  /** CloudFront HTTPS requests (a WebSocket upgrade is one), per request. */
  cloudFrontRequest: number;
  /** CloudFront data transfer out to the internet, per GB (WebSocket frames both ways are billed as out). */
  cloudFrontGbOut: number;
  /** CloudWatch Logs ingestion, per GB (API Gateway access logs). */
  logsIngestedGb: number;
  /** CloudWatch custom metric, per metric-month (first 10,000). */
  customMetricMonth: number;
  /** CloudWatch standard-resolution alarm, per alarm-month. */
  alarmMonth: number;
  /** CloudWatch dashboard, per dashboard-month (beyond the free 3). */
  dashboardMonth: number;
  /** Secrets Manager, per secret-month. */
  secretMonth: number;
  /** WAF: per web ACL-month, per rule-month, per request. */
  webAclMonth: number;
  webAclRuleMonth: number;
  webAclRequest: number;
}

export const EXTRA_PRICES: ExtraPrices = {
  pitrGbMonth: 0.2,
  cloudFrontRequest: 0.01 / 10_000,
  cloudFrontGbOut: 0.085,
  logsIngestedGb: 0.5,
  customMetricMonth: 0.3,
  alarmMonth: 0.1,
  dashboardMonth: 3,
  secretMonth: 0.4,
  webAclMonth: 5,
  webAclRuleMonth: 1,
  webAclRequest: 0.6 / 1e6,
};

/** A table as the model needs it: its GSIs (shared/store/tables.ts `indexes`), with their projection. */
export interface IndexedTable {
  name: string;
  indexes?: Array<{ name: string; projection?: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' }>;
}

/**
 * Write units one item write costs on a table, counting its GSIs: with projection ALL each index
 * holding the item takes a write of the same size (a key change: a delete and a put). Upper bound
 * `1 + indexes` (every index holds the item); `indexedShare` (0..1) scales it for sparse indexes
 * that hold only some items. KEYS_ONLY/INCLUDE indexes cost 1 unit per write whatever the item size
 * (their entries stay under 1 KB), so for items over 1 KB they are cheaper.
 */
export function gsiWriteFactor(table: IndexedTable, itemKb = 1, indexedShare = 1): number {
  let extra = 0;
  for (const index of table.indexes ?? []) extra += (index.projection ?? 'ALL') === 'ALL' ? Math.ceil(itemKb) : 1;
  return 1 + (extra / Math.ceil(itemKb)) * indexedShare;
}

/** Extra write units the GSIs add to `writesByTable` (write units per month on each table, base only). */
export function gsiExtraWriteUnits(writesByTable: Record<string, number>, tables: IndexedTable[], indexedShare: Record<string, number> = {}): number {
  let extra = 0;
  for (const t of tables) extra += (writesByTable[t.name] ?? 0) * (gsiWriteFactor(t, 1, indexedShare[t.name] ?? 1) - 1);
  return extra;
}

/** What one stack costs whatever the fleet: reported apart from the per-charge-point cost. */
export interface FixedResources {
  alarms: number;
  dashboards: number;
  secrets: number;
  customMetrics: number;
  webAclRules?: number;
  /** Whether a web ACL is attached (webAclArn). */
  webAcl?: boolean;
}

export interface FleetUsageExtras {
  /** WebSocket connects per charge point per month (each an upgrade request through CloudFront). */
  connectsPerMonth: number;
  /** Bytes through CloudFront per charge point per month (frames both ways, plus headers). */
  bytesPerMonth: number;
  /** API Gateway access log lines per charge point per month (one per message, connect, disconnect) and their size. */
  accessLogLinesPerMonth: number;
  accessLogLineBytes: number;
  /** Extra DynamoDB write units per charge point per month from GSIs (gsiExtraWriteUnits). */
  gsiWriteUnitsPerMonth: number;
}

export interface Bill {
  fleetSize: number;
  /** Per charge point and month, by line item (the base model's services plus the extras). */
  perChargePoint: Record<string, number>;
  perChargePointUsd: number;
  /** Per stack and month, whatever the fleet size. */
  fixed: Record<string, number>;
  fixedUsd: number;
  fleetUsdPerMonth: number;
}

/** The per-stack items of the bill, whatever the fleet size, by line item ($/month). */
export function stackFixedCost(fixed: FixedResources, prices: ExtraPrices = EXTRA_PRICES): Record<string, number> {
  return {
    alarms: fixed.alarms * prices.alarmMonth,
    dashboards: fixed.dashboards * prices.dashboardMonth,
    secrets: fixed.secrets * prices.secretMonth,
    customMetrics: fixed.customMetrics * prices.customMetricMonth,
    ...(fixed.webAcl ? { webAcl: prices.webAclMonth + (fixed.webAclRules ?? 0) * prices.webAclRuleMonth } : {}),
  };
}

/**
 * The whole monthly bill: the base model (`fleetCost`) plus point-in-time recovery on every table,
 * GSI write amplification, API Gateway access logs, CloudFront requests and data, and the fixed
 * per-stack items (alarms, dashboard, secret, custom metrics, WAF) reported apart.
 */
export function fullBill(base: FleetCost, extras: FleetUsageExtras, fixed: FixedResources, dynamoWriteUnitUsd: number, prices: ExtraPrices = EXTRA_PRICES): Bill {
  const n = base.fleetSize;
  const perChargePoint: Record<string, number> = { ...base.perChargePointByService };
  const storageGbPerCp = base.usage.dynamoStorage / n;
  perChargePoint.dynamoPitr = storageGbPerCp * prices.pitrGbMonth;
  perChargePoint.dynamoGsiWrites = extras.gsiWriteUnitsPerMonth * dynamoWriteUnitUsd;
  perChargePoint.apiGatewayAccessLogs = (extras.accessLogLinesPerMonth * extras.accessLogLineBytes / 1e9) * prices.logsIngestedGb;
  perChargePoint.cloudFrontRequests = extras.connectsPerMonth * prices.cloudFrontRequest;
  perChargePoint.cloudFrontData = (extras.bytesPerMonth / 1e9) * prices.cloudFrontGbOut;
  if (fixed.webAcl) perChargePoint.webAclRequests = extras.connectsPerMonth * prices.webAclRequest;
  const fixedItems = stackFixedCost(fixed, prices);
  const perChargePointUsd = Object.values(perChargePoint).reduce((a, b) => a + b, 0);
  const fixedUsd = Object.values(fixedItems).reduce((a, b) => a + b, 0);
  return { fleetSize: n, perChargePoint, perChargePointUsd, fixed: fixedItems, fixedUsd, fleetUsdPerMonth: perChargePointUsd * n + fixedUsd };
}
