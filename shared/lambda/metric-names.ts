/**
 * The CSMS's custom CloudWatch metrics (namespace `CSMS`, EMF on stdout, no API call): names and
 * dimensions in one place, read by the emitter (shared/lambda/metrics.ts), the alarms and the
 * dashboard (infra/constructs/observability.ts) and the cost model. Every metric also carries
 * Powertools' `service` dimension (always `csms`). docs/performance.md lists them with their cost.
 * This module imports nothing, so the CDK app can read it without loading any Lambda code.
 */
export const METRICS_NAMESPACE = 'CSMS';
export const METRICS_SERVICE = 'csms';

export const METRIC = {
  /** Inbound CALLs answered, by `action` and `protocol`. */
  messages: 'Messages',
  /** CALLERRORs we sent, by `code` (2.0.1 spelling). `code=InternalError` is a fault of ours. */
  callErrors: 'CallErrors',
  /** Failures that cost no answer but lose work, by `kind` (FAILURE_KINDS). */
  failures: 'Failures',
  connects: 'Connects',
  disconnects: 'Disconnects',
  /** Connections refused by the authorizer or `$connect`, by `reason` (REFUSE_REASONS). */
  refusedConnects: 'RefusedConnects',
  /** Gauges (statistic Maximum), from atomic counters updated on connect/disconnect and transaction start/stop. */
  connectedChargePoints: 'ConnectedChargePoints',
  activeTransactions: 'ActiveTransactions',
  transactionsStarted: 'TransactionsStarted',
  transactionsStopped: 'TransactionsStopped',
  /** Energy of stopped transactions, Wh (meterStop − meterStart). */
  energyDelivered: 'EnergyDeliveredWh',
  /** Operator calls (API and commands Lambda), by `outcome` (CALL_OUTCOMES). */
  operatorCalls: 'OperatorCalls',
  /** Operator API answers, by `class` (4xx, 5xx). */
  apiErrors: 'ApiErrors',
} as const;

export const FAILURE_KINDS = ['AnswerEffect', 'TransactionHook', 'WorkflowResume', 'Gauge', 'TransactionCheck'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export const REFUSE_REASONS = ['NotThroughEndpoint', 'InvalidIdentity', 'UnknownChargePoint', 'WrongUser', 'WrongPassword', 'NoSubprotocol', 'NotRegistered', 'Superseded', 'Other'] as const;
export type RefuseReason = (typeof REFUSE_REASONS)[number];

export const CALL_OUTCOMES = ['Answered', 'CallError', 'InvalidResponse', 'Timeout', 'NotConnected', 'Refused', 'InternalError'] as const;
export type CallOutcomeName = (typeof CALL_OUTCOMES)[number];

/**
 * Upper bound of distinct custom metrics (name × dimension values) the CSMS can emit: what the
 * cost model charges for (CloudWatch bills each one per month). Messages: every routed action ×
 * protocol it exists in (about 12 for 1.6, 22 each for 2.0.1 and 2.0); CallErrors: 12 codes.
 */
export const CUSTOM_METRIC_COUNT = {
  messages: 56,
  callErrors: 12,
  failures: FAILURE_KINDS.length,
  refusedConnects: REFUSE_REASONS.length,
  operatorCalls: CALL_OUTCOMES.length,
  apiErrors: 2,
  /** Connects, Disconnects, ConnectedChargePoints, ActiveTransactions, TransactionsStarted/Stopped, EnergyDeliveredWh. */
  plain: 7,
};
export const CUSTOM_METRICS_MAX = Object.values(CUSTOM_METRIC_COUNT).reduce((a, b) => a + b, 0);
