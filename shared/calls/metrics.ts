/**
 * One count in CloudWatch, as a structured log line in the Embedded Metric Format (CloudWatch turns
 * it into the metric `name` in the `CSMS` namespace (as shared/transactions/metrics.ts) with the given dimensions; locally it is a log
 * line). Written whatever LOG_LEVEL says, except under jest unless LOG_LEVEL is set, like shared/log.
 * A stand-in until the runtime's Powertools metrics helper is available to shared code.
 */
export function countMetric(name: string, dimensions: Record<string, string>): void {
  if (process.env.JEST_WORKER_ID && !process.env.LOG_LEVEL) return;
  if (process.env.LOG_LEVEL === 'silent') return;
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'CSMS', Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: 'Count' }] }],
    },
    ...dimensions,
    [name]: 1,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
}
