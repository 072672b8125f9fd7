import { metrics } from '../lambda/metrics';
import { log } from '../log';

/**
 * Failure metric of transaction hooks, written as one CloudWatch embedded-metric-format line to
 * stdout (on Lambda, CloudWatch Logs turns it into the metric `CSMS/TransactionHookFailures` with
 * dimension `hook`; locally it is a log line), plus an error log line with the details.
 * Kept local so the transaction Lambdas need no metrics library; a shared metrics helper can
 * replace the body without changing callers.
 */
export const METRICS_NAMESPACE = 'CSMS';

export function recordHookFailure(hook: string, fields: { chargePointId: string; transactionId: string; error: unknown }): void {
  const line = {
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE, Dimensions: [['hook']], Metrics: [{ Name: 'TransactionHookFailures', Unit: 'Count' }] }],
    },
    hook,
    TransactionHookFailures: 1,
  };
  process.stdout.write(JSON.stringify(line) + '\n');
  // The shared metric the TransactionHook alarm watches (Failures kind=TransactionHook, infra/constructs/observability.ts).
  metrics.countFailure('TransactionHook');
  log.error('transaction hook failed', { hook, chargePointId: fields.chargePointId, transactionId: fields.transactionId, error: String((fields.error as Error)?.stack ?? fields.error) });
}
