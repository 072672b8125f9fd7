import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { log } from '../log';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE, type CallOutcomeName, type FailureKind, type RefuseReason } from './metric-names';

/**
 * Custom metrics through Powertools Metrics: CloudWatch Embedded Metric Format records on stdout
 * (CloudWatch Logs turns them into metrics; no API call on the hot path). One Powertools
 * instance per dimension set, created on first use and kept, because Powertools puts all
 * metrics of one instance under the same dimensions. The Lambda factory (shared/lambda/middy.ts)
 * flushes them at the end of every invocation; anything counted outside an invocation is
 * flushed by the next one.
 *
 * Every EMF record also goes to an in-process sum (`metricTotals`) unless the code runs in AWS
 * Lambda: the local runtime serves it at `GET /metrics`, and tests read it, so a fault can be
 * shown to raise the metric its alarm watches.
 */
type Dimensions = Record<string, string>;

const instances = new Map<string, Metrics>();
const totals = new Map<string, { name: string; dimensions: Dimensions; sum: number; count: number }>();
const inLambda = () => !!process.env.AWS_LAMBDA_FUNCTION_NAME;
const printEmf = () => inLambda() || !(process.env.JEST_WORKER_ID && !process.env.LOG_LEVEL) && process.env.CSMS_METRICS_STDOUT !== 'false';

interface EmfRecord {
  _aws?: { CloudWatchMetrics?: Array<{ Dimensions?: string[][]; Metrics?: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

/** Where Powertools writes an EMF line: stdout (what CloudWatch reads) and, off Lambda, the local sum. */
function emit(line: string): void {
  if (printEmf()) process.stdout.write(line + '\n');
  if (inLambda()) return;
  const record = JSON.parse(line) as EmfRecord;
  for (const directive of record._aws?.CloudWatchMetrics ?? []) {
    const dimNames = directive.Dimensions?.[0] ?? [];
    const dimensions = Object.fromEntries(dimNames.map((d) => [d, String(record[d])]));
    for (const { Name } of directive.Metrics ?? []) {
      const raw = record[Name];
      const values = (Array.isArray(raw) ? raw : [raw]).map(Number);
      const key = `${Name} ${JSON.stringify(dimensions)}`;
      const t = totals.get(key) ?? { name: Name, dimensions, sum: 0, count: 0 };
      t.sum += values.reduce((a, b) => a + b, 0);
      t.count += values.length;
      totals.set(key, t);
    }
  }
}

function instance(dimensions: Dimensions): Metrics {
  const key = JSON.stringify(dimensions);
  let m = instances.get(key);
  if (!m) {
    m = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: dimensions });
    // Powertools' only output seam is its private console; ours writes the same line to stdout.
    (m as unknown as { console: { log: (line: string) => void } }).console = { log: emit };
    instances.set(key, m);
  }
  return m;
}

/** Adds a value to a metric under these dimensions (flushed at the end of the invocation). */
export function addMetric(name: string, dimensions: Dimensions = {}, value = 1, unit: (typeof MetricUnit)[keyof typeof MetricUnit] = MetricUnit.Count): void {
  try {
    instance(dimensions).addMetric(name, unit, value);
  } catch (e) {
    log.warn('could not record a metric', { metric: name, error: String(e) });
  }
}

/** Writes every stored metric as EMF. Called by the Lambda factory when an invocation ends. */
export function flushMetrics(): void {
  for (const m of instances.values()) if (m.hasStoredMetrics()) m.publishStoredMetrics();
}

/** The small API the rest of the code calls. */
export const metrics = {
  message: (action: string, protocol: string) => addMetric(METRIC.messages, { action, protocol }),
  callError: (code: string) => addMetric(METRIC.callErrors, { code }),
  /** Work lost without a wrong answer: an answer effect, a transaction hook, a workflow resume that failed. */
  countFailure: (kind: FailureKind) => addMetric(METRIC.failures, { kind }),
  connected: () => addMetric(METRIC.connects),
  disconnected: () => addMetric(METRIC.disconnects),
  refusedConnect: (reason: RefuseReason) => addMetric(METRIC.refusedConnects, { reason }),
  gauge: (name: typeof METRIC.connectedChargePoints | typeof METRIC.activeTransactions, value: number) => addMetric(name, {}, value),
  transactionStarted: () => addMetric(METRIC.transactionsStarted),
  /** `energyWh`: meterStop − meterStart when both are known and the difference is not negative. */
  transactionStopped: (energyWh?: number) => {
    addMetric(METRIC.transactionsStopped);
    if (energyWh !== undefined && Number.isFinite(energyWh) && energyWh >= 0) addMetric(METRIC.energyDelivered, {}, energyWh, MetricUnit.Count);
  },
  operatorCall: (outcome: CallOutcomeName) => addMetric(METRIC.operatorCalls, { outcome }),
  apiError: (status: number) => {
    if (status >= 500) addMetric(METRIC.apiErrors, { class: '5xx' });
    else if (status >= 400) addMetric(METRIC.apiErrors, { class: '4xx' });
  },
};

export interface MetricTotal {
  name: string;
  dimensions: Dimensions;
  /** Sum of the values (the CloudWatch `Sum` statistic). */
  sum: number;
  /** Number of values (`SampleCount`). */
  count: number;
}

/** The sums of every EMF record this process wrote (not kept inside AWS Lambda). */
export function metricTotals(): MetricTotal[] {
  return [...totals.values()].map((t) => ({ ...t, dimensions: { ...t.dimensions } })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Sum of one metric over all records whose dimensions include `match`. */
export function metricSum(name: string, match: Dimensions = {}): number {
  return metricTotals()
    .filter((t) => t.name === name && Object.entries(match).every(([k, v]) => t.dimensions[k] === v))
    .reduce((a, t) => a + t.sum, 0);
}

/** Counts one operator call by its outcome (OperatorCalls by outcome) and hands the result back. */
export function countOperatorCall<T extends { status: number; body: Record<string, unknown> }>(result: T): T {
  const { status, body } = result;
  const outcome: CallOutcomeName =
    status === 200 ? 'Answered'
      : body.error === 'CallError' ? 'CallError'
        : body.error === 'InvalidResponse' ? 'InvalidResponse'
          : status === 504 ? 'Timeout'
            : body.error === 'NotConnected' ? 'NotConnected'
              : status >= 500 ? 'InternalError' : 'Refused';
  metrics.operatorCall(outcome);
  return result;
}
