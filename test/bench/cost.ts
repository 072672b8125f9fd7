/**
 * Part 6 glue: turns what parts 1 and 2 measured into per-event AWS usage and prices it with
 * shared/cost-model.ts and bench/prices.json, for a stated load profile.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  billedMessages, DEFAULT_COST_OPTIONS, fleetCost, fullBill, gsiExtraWriteUnits, lambdaBilledMs, SERVICES, stackFixedCost, unitPrices,
  type CostOptions, type EventUsage, type FleetUsageExtras, type LoadProfile, type PriceFile, type Service,
} from '../../shared/cost-model';
import { CUSTOM_METRICS_MAX } from '../../shared/lambda/metric-names';
import { TABLE_LIST } from '../../shared/store/tables';
import type { CpuResult } from './cpu';
import type { Measured, OpsResult, OpsRun } from './ops';
import { REPO_DIR } from './proc';
import type { BenchProtocol } from './samples';

export const ASSUMPTIONS = {
  lambdaMemoryMb: 256,
  /** Lambda gives one full vCPU at 1,769 MB and a proportional share below; this machine's core counts as one vCPU. */
  cpuScale: 1769 / 256,
  /** DynamoDB round trip inside the region, per sequential operation (single-digit ms). */
  dynamoIoMsPerOp: 5,
  /** START, END and REPORT lines Lambda writes per invocation (text format). */
  platformLogBytesPerInvocation: 350,
  /** How long the operator-call Lambda waits for a real charge point's answer (it polls CallResults). */
  operatorWaitMs: 1000,
  /** Session length and meter value interval of the load profile. */
  sessionsPerDay: 5,
  sessionMinutes: 60,
  meterValueIntervalS: 60,
  heartbeatIntervalS: 300,
  /** API Gateway closes a connection after 2 h at most: 12 reconnects a day. */
  reconnectsPerDay: 12,
  operatorCallsPerDay: 2,
  /** DynamoDB storage: 100 bytes of per-item overhead plus keys and timestamps. */
  itemOverheadBytes: 150,
  messageLogDays: 30,
  historyDays: DEFAULT_COST_OPTIONS.historyDays,
  daysPerMonth: DEFAULT_COST_OPTIONS.daysPerMonth,
  fleetSizes: [1, 1000, 100_000],
  /** One API Gateway access log line (JSON of infra/constructs/websocket-gateway.ts). */
  accessLogLineBytes: 400,
  /** Alarms of a stack (infra/constructs/observability.ts): one per Lambda (about 45) plus about 15 others. */
  stackAlarms: 60,
};

/** The stated load profile: events per charge point per day. */
export function dayProfile(protocol: BenchProtocol): Record<string, number> {
  const a = ASSUMPTIONS;
  const meterValues = a.sessionsPerDay * ((a.sessionMinutes * 60) / a.meterValueIntervalS);
  const common = {
    connect: a.reconnectsPerDay,
    disconnect: a.reconnectsPerDay,
    BootNotification: 1,
    Heartbeat: 86_400 / a.heartbeatIntervalS,
    Authorize: a.sessionsPerDay,
  };
  return protocol === 'ocpp1.6'
    ? {
      ...common,
      StatusNotification: a.sessionsPerDay * 4, // Preparing, Charging, Finishing, Available
      StartTransaction: a.sessionsPerDay,
      MeterValues: meterValues,
      StopTransaction: a.sessionsPerDay,
      'operator:GetConfiguration': a.operatorCallsPerDay / 2,
      'operator:ChangeConfiguration': a.operatorCallsPerDay / 2,
    }
    : {
      ...common,
      StatusNotification: a.sessionsPerDay * 2, // Occupied, Available
      'TransactionEvent:Started': a.sessionsPerDay,
      'TransactionEvent:Updated': meterValues,
      'TransactionEvent:Ended': a.sessionsPerDay,
      'operator:GetVariables': a.operatorCallsPerDay / 2,
      'operator:SetVariables': a.operatorCallsPerDay / 2,
    };
}

/** per-message budget (docs/performance.md)s per message, DynamoDB operations. */
export const OPS_BUDGETS: Record<string, { maxOps: number; maxWrites?: number; label: string }> = {
  Heartbeat: { maxOps: 0.1, label: '≤ 0.1 amortised' },
  StatusNotification: { maxOps: 1, label: '1' },
  MeterValues: { maxOps: 1, label: '1' },
  Authorize: { maxOps: 1, maxWrites: 0, label: '1 read' },
  StartTransaction: { maxOps: 3, label: '≤ 3' },
  StopTransaction: { maxOps: 3, label: '≤ 3' },
  // 2.0.1 by analogy (not among the budgets): Started/Ended like Start/Stop, Updated like MeterValues.
  'TransactionEvent:Started': { maxOps: 3, label: '≤ 3 (as StartTransaction)' },
  'TransactionEvent:Updated': { maxOps: 1, label: '1 (as MeterValues)' },
  'TransactionEvent:Ended': { maxOps: 3, label: '≤ 3 (as StopTransaction)' },
};

export function withinBudget(name: string, m: Pick<Measured, 'total' | 'writes'>): boolean | undefined {
  const b = OPS_BUDGETS[name];
  if (!b) return undefined;
  return m.total <= b.maxOps + 1e-9 && (b.maxWrites === undefined || m.writes <= b.maxWrites);
}

const isMissing = (outcome: string) => /NotImplemented|NotSupported/.test(outcome);

/** Assumed usage for an action the CSMS does not have yet: its budget, all writes. */
function assumedRow(name: string, like: Measured | undefined, messageLog: boolean): Measured {
  const budget = OPS_BUDGETS[name]?.maxOps ?? 1;
  const writes = name === 'Authorize' ? 0 : budget;
  const reads = name === 'Authorize' ? 1 : 0;
  const log = messageLog ? 1 : 0;
  return {
    name, reads, queries: 0, writes: writes + log, total: reads + writes + log, readUnits: reads, writeUnits: writes + log, messageLogWrites: log, detail: {},
    requestBytes: like?.requestBytes ?? 200, responseBytes: like?.responseBytes ?? 60, appLogBytes: 0, outcome: 'assumed (budget)', wallMs: 0, samples: 0,
  };
}

export interface EventRow extends EventUsage {
  event: string;
  perDay: number;
  /** DynamoDB operations per occurrence (all kinds). */
  ops: number;
  source: 'measured' | 'assumed';
}

const WRITE_COMMANDS = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)(Command)? /;

export function eventUsage(run: OpsRun, cpu: CpuResult | undefined): { rows: EventRow[]; profile: LoadProfile; extras: FleetUsageExtras } {
  const perDay = dayProfile(run.protocol);
  const a = ASSUMPTIONS;
  const cpuOf = (name: string) => cpu?.handler.find((h) => h.protocol === run.protocol && h.name === name)?.cpuMs.p50;
  const measuredCpu = (cpu?.handler ?? []).filter((h) => h.outcome === 'CALLRESULT').map((h) => h.cpuMs.p50).sort((x, y) => x - y);
  const fallbackCpu = measuredCpu.length ? measuredCpu[Math.floor(measuredCpu.length / 2)] : 2;
  const rows: EventRow[] = [];
  let logBytesPerDay = 0;
  let meterBytesPerDay = 0;
  let wireBytesPerDay = 0;
  let accessLogLinesPerDay = 0;
  const writesByTablePerDay: Record<string, number> = {};
  for (const [event, count] of Object.entries(perDay)) {
    let m = event === 'Heartbeat' ? run.heartbeatCadence.row : run.rows.find((r) => r.name === event);
    let source: EventRow['source'] = 'measured';
    if (!m || isMissing(m.outcome) || /HTTP (?!200)/.test(m.outcome)) {
      m = assumedRow(event, m, run.messageLog);
      source = 'assumed';
    }
    const kind = event.startsWith('operator:') ? 'operator' : event === 'connect' ? 'connect' : event === 'disconnect' ? 'disconnect' : 'inbound';
    const invocations = { operator: 2, connect: 2, disconnect: 1, inbound: 1 }[kind];
    const gatewayMessages = kind === 'connect' || kind === 'disconnect' ? 0 : billedMessages(m.requestBytes) + billedMessages(m.responseBytes);
    const cpuMs = cpuOf(event) ?? fallbackCpu;
    const perInvocationMs = cpuMs * a.cpuScale + (m.total / invocations) * a.dynamoIoMsPerOp;
    const lambdaMs = invocations * lambdaBilledMs(perInvocationMs) + (kind === 'operator' ? a.operatorWaitMs : 0);
    rows.push({
      event, perDay: count, ops: m.total, source,
      gatewayMessages, lambdaInvocations: invocations, lambdaBilledMs: lambdaMs,
      readUnits: m.readUnits, writeUnits: m.writeUnits,
      logBytes: m.appLogBytes + invocations * a.platformLogBytesPerInvocation,
      httpApiRequests: kind === 'operator' ? 1 : 0,
    });
    logBytesPerDay += count * m.messageLogWrites * (m.requestBytes + m.responseBytes + a.itemOverheadBytes);
    if (/^MeterValues$|^TransactionEvent:Updated$/.test(event)) meterBytesPerDay += count * (m.requestBytes + a.itemOverheadBytes);
    if (kind !== 'operator') accessLogLinesPerDay += count;
    if (kind === 'inbound') wireBytesPerDay += count * (m.requestBytes + m.responseBytes);
    for (const [key, n] of Object.entries(m.detail)) {
      if (!WRITE_COMMANDS.test(key)) continue;
      const table = key.split(' ')[1];
      writesByTablePerDay[table] = (writesByTablePerDay[table] ?? 0) + count * n;
    }
  }
  const days = a.daysPerMonth;
  const perMonth = (perDay: Record<string, number>) => Object.fromEntries(Object.entries(perDay).map(([k, v]) => [k, v * days]));
  const extras: FleetUsageExtras = {
    connectsPerMonth: (perDay.connect ?? 0) * days,
    bytesPerMonth: wireBytesPerDay * days,
    accessLogLinesPerMonth: accessLogLinesPerDay * days,
    accessLogLineBytes: a.accessLogLineBytes,
    gsiWriteUnitsPerMonth: gsiExtraWriteUnits(perMonth(writesByTablePerDay), TABLE_LIST),
  };
  const profile: LoadProfile = {
    name: `${run.protocol} day`,
    eventsPerDay: perDay,
    connectedMinutesPerDay: 24 * 60,
    stored: {
      messageLog: { bytesPerDay: logBytesPerDay, retentionDays: a.messageLogDays },
      meterValues: { bytesPerDay: meterBytesPerDay },
    },
  };
  return { rows, profile, extras };
}

export interface CostScenario {
  protocol: BenchProtocol;
  messageLog: boolean;
  events: EventRow[];
  opsPerDay: number;
  writeUnitsPerDay: number;
  readUnitsPerDay: number;
  fleets: Array<{
    fleetSize: number; perChargePointUsdPerMonth: number; fleetUsdPerMonth: number; perChargePointByService: Record<Service, number>;
    /** The whole bill (shared/cost-model.ts fullBill): plus PITR, GSI writes, access logs, CloudFront; the per-stack items apart. */
    full: { perChargePointUsdPerMonth: number; perChargePoint: Record<string, number>; fixedUsdPerMonth: number; fleetUsdPerMonth: number };
  }>;
  assumedEvents: string[];
}

export interface CostResult {
  prices: { file: string; takenOn: string; region: string };
  assumptions: typeof ASSUMPTIONS;
  profiles: Record<BenchProtocol, Record<string, number>>;
  scenarios: CostScenario[];
  /** Share of the per-charge-point cost that the audit log adds (log on vs off), per protocol, at 1,000 CPs. */
  auditLogShare: Record<string, number>;
  dominant: Array<{ service: Service; usd: number; share: number }>;
  /** Per stack and month whatever the fleet: custom metrics at their upper bound (CUSTOM_METRICS_MAX), alarms, dashboard, secret. */
  stackFixed: { items: Record<string, number>; usd: number };
}

export function loadPrices(): PriceFile {
  return JSON.parse(readFileSync(join(REPO_DIR, 'bench', 'prices.json'), 'utf8'));
}

/** The per-stack resources the bill counts: custom metrics at their upper bound (CUSTOM_METRICS_MAX). */
const STACK_RESOURCES = { alarms: ASSUMPTIONS.stackAlarms, dashboards: 1, secrets: 1, customMetrics: CUSTOM_METRICS_MAX };

export function computeCost(ops: OpsResult, cpu: CpuResult | undefined): CostResult {
  const file = loadPrices();
  const prices = unitPrices(file);
  const opts: CostOptions = { lambdaMemoryMb: ASSUMPTIONS.lambdaMemoryMb, daysPerMonth: ASSUMPTIONS.daysPerMonth, historyDays: ASSUMPTIONS.historyDays };
  const scenarios: CostScenario[] = [];
  for (const run of ops.runs) {
    const { rows, profile, extras } = eventUsage(run, cpu);
    const fleets = ASSUMPTIONS.fleetSizes.map((n) => {
      const f = fleetCost(profile, Object.fromEntries(rows.map((r) => [r.event, r])), prices, n, opts);
      const bill = fullBill(f, extras, STACK_RESOURCES, prices.dynamoWriteUnit[0].usd);
      return {
        fleetSize: n, perChargePointUsdPerMonth: f.perChargePointUsdPerMonth, fleetUsdPerMonth: f.fleetUsdPerMonth, perChargePointByService: f.perChargePointByService,
        full: { perChargePointUsdPerMonth: bill.perChargePointUsd, perChargePoint: bill.perChargePoint, fixedUsdPerMonth: bill.fixedUsd, fleetUsdPerMonth: bill.fleetUsdPerMonth },
      };
    });
    scenarios.push({
      protocol: run.protocol, messageLog: run.messageLog, events: rows, fleets,
      opsPerDay: rows.reduce((s, r) => s + r.perDay * r.ops, 0),
      writeUnitsPerDay: rows.reduce((s, r) => s + r.perDay * r.writeUnits, 0),
      readUnitsPerDay: rows.reduce((s, r) => s + r.perDay * r.readUnits, 0),
      assumedEvents: rows.filter((r) => r.source === 'assumed').map((r) => r.event),
    });
  }
  const auditLogShare: Record<string, number> = {};
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const on = scenarios.find((s) => s.protocol === protocol && s.messageLog)?.fleets.find((f) => f.fleetSize === 1000);
    const off = scenarios.find((s) => s.protocol === protocol && !s.messageLog)?.fleets.find((f) => f.fleetSize === 1000);
    if (on && off) auditLogShare[protocol] = (on.perChargePointUsdPerMonth - off.perChargePointUsdPerMonth) / on.perChargePointUsdPerMonth;
  }
  const main = scenarios.find((s) => s.protocol === 'ocpp1.6' && s.messageLog)?.fleets.find((f) => f.fleetSize === 1000);
  const dominant = main
    ? SERVICES.map((service) => ({ service, usd: main.perChargePointByService[service], share: main.perChargePointByService[service] / main.perChargePointUsdPerMonth }))
      .sort((x, y) => y.usd - x.usd)
    : [];
  return {
    prices: { file: 'bench/prices.json', takenOn: file.takenOn, region: file.region },
    assumptions: ASSUMPTIONS,
    profiles: { 'ocpp1.6': dayProfile('ocpp1.6'), 'ocpp2.0.1': dayProfile('ocpp2.0.1') },
    scenarios, auditLogShare, dominant,
    stackFixed: (() => {
      const items = stackFixedCost(STACK_RESOURCES);
      return { items, usd: Object.values(items).reduce((a, b) => a + b, 0) };
    })(),
  };
}
