import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, SingleValueWidget, TextWidget, TreatMissingData, type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../shared/lambda/metric-names';
import { TABLE_LIST } from '../../shared/store/tables';
import { acknowledge } from './nag';

export interface ObservabilityProps {
  webSocketApiId: string;
  stageName: string;
  /** Construct id → function (Authorizer, Connect, Disconnect, Router, Commands, Api, Ocpp<Action>, Workflow<Name>, …). */
  functions: Record<string, LambdaFunction>;
  /** Table name (construct id) → table. */
  tables: Record<string, Table>;
  /** Workflow environment variable → state machine. */
  stateMachines?: Record<string, StateMachine>;
  alarmEmail?: string;
  /** WebSocket ClientError (4xx incl. 429 throttled connects) per 5 min that counts as a spike. Default 100. */
  clientErrorSpike?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
const MINUTE = Duration.minutes(1);

/** The handler roles the dashboard groups latency by, from the construct ids the stack gives its functions. */
export function roleOf(id: string): string {
  if (id.startsWith('Ocpp')) return 'routes';
  if (id.startsWith('Workflow')) return 'workflows';
  if (['Authorizer', 'Connect', 'Disconnect'].includes(id)) return 'connections';
  if (id === 'Router') return 'router';
  return 'operator';
}

/**
 * What an operator opens in the AWS console and what pages them (SNS topic, with an e-mail
 * subscription when `alarmEmail` is set). Alarms:
 * - every Lambda: any error in 5 minutes (and all Lambdas in the account: any throttle — the
 *   account's concurrency is shared, so a throttle anywhere starves charge points);
 * - the CSMS's own metrics (shared/lambda/metric-names.ts): any InternalError answered
 *   (CallErrors code=InternalError), any failed answer effect, transaction hook or workflow
 *   resume, any operator API 5xx;
 * - API Gateway WebSocket: IntegrationError, and ClientError spikes (429 throttled connects, refused upgrades);
 * - Step Functions: any failed execution per state machine;
 * - DynamoDB: any throttled read or write per table, its global secondary indexes included.
 * The dashboard's name includes the region: dashboard names are global per account.
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'Alarms', { displayName: 'CSMS alarms', enforceSSL: true });
    acknowledge(
      this.alarmTopic,
      'AwsSolutions-SNS2',
      'Alarm notifications carry alarm names and states only. CloudWatch cannot publish to a topic under the AWS-managed aws/sns key, and a customer managed key for this content is not worth its cost; the topic policy enforces TLS.',
    );
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold = 1) => {
      const a = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms.push(a);
      return a;
    };

    const ws = (metricName: string, statistic = 'Sum', period = FIVE_MINUTES) =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.webSocketApiId, Stage: props.stageName }, statistic, period });
    const csms = (metricName: string, dims: Record<string, string> = {}, statistic = 'Sum', period = FIVE_MINUTES) =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE, ...dims }, statistic, period });
    /** Every dimension value of a CSMS metric, one line each. */
    const search = (metricName: string, dims: string[], label: string, period = FIVE_MINUTES, scale = 1) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${['service', ...dims].join(',')}} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})${scale === 1 ? '' : ` / ${scale}`}`,
        label,
        period,
        usingMetrics: {},
      });
    const fns = Object.entries(props.functions);

    // --- alarms ------------------------------------------------------------------------------
    for (const [name, fn] of fns) alarm(`${name}Errors`, `${name} Lambda reported errors`, fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }));
    alarm('InternalErrors', 'The CSMS answered a charge point with InternalError (a fault of ours, e.g. DynamoDB unavailable)', csms(METRIC.callErrors, { code: 'InternalError' }));
    for (const kind of ['AnswerEffect', 'TransactionHook', 'WorkflowResume'] as const) {
      alarm(`${kind}Failures`, `${kind} failures: work lost without a wrong answer (see the logs of the Lambda that counted it)`, csms(METRIC.failures, { kind }));
    }
    alarm('OperatorApi5xx', 'The operator API answered 5xx (a fault of ours)', csms(METRIC.apiErrors, { class: '5xx' }));
    alarm('WebSocketIntegrationErrors', 'API Gateway WebSocket integration errors (a route Lambda failed or timed out)', ws('IntegrationError'));
    alarm('WebSocketClientErrorSpike', 'API Gateway WebSocket client errors spike: throttled connects (429) or a flood of refused upgrades', ws('ClientError'), props.clientErrorSpike ?? 100);
    alarm('LambdaThrottles', 'Lambda throttled invocations in this account and region (concurrency is shared by every function)',
      new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: FIVE_MINUTES }));
    for (const [envVar, machine] of Object.entries(props.stateMachines ?? {})) {
      const name = envVar.replace(/_STATE_MACHINE_ARN$/, '').toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      alarm(`${name}ExecutionsFailed`, `${name} workflow executions failed`, machine.metricFailed({ statistic: 'Sum', period: FIVE_MINUTES }));
    }
    const throttles = (tableName: string, table: Table, n: number) => {
      const indexes = TABLE_LIST.find((d) => d.name === tableName)?.indexes ?? [];
      const usingMetrics: Record<string, IMetric> = {};
      const add = (key: string, metricName: string, index?: string) => {
        usingMetrics[`t${n}${key}`] = new Metric({
          namespace: 'AWS/DynamoDB', metricName, statistic: 'Sum', period: FIVE_MINUTES,
          dimensionsMap: { TableName: table.tableName, ...(index ? { GlobalSecondaryIndexName: index } : {}) },
        });
      };
      add('r', 'ReadThrottleEvents');
      add('w', 'WriteThrottleEvents');
      indexes.forEach((ix, i) => {
        add(`r${i}`, 'ReadThrottleEvents', ix.name);
        add(`w${i}`, 'WriteThrottleEvents', ix.name);
      });
      return new MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics, period: FIVE_MINUTES, label: `${tableName} throttled` });
    };
    const tableThrottles = Object.entries(props.tables).map(([name, t], n) => {
      const m = throttles(name, t, n);
      alarm(`${name}Throttles`, `DynamoDB throttled requests on ${name} (table or a global secondary index)`, m);
      return m;
    });

    // --- dashboard ---------------------------------------------------------------------------
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-${Stack.of(this).region}-csms` });
    const byRole = new Map<string, Array<[string, LambdaFunction]>>();
    for (const entry of fns) byRole.set(roleOf(entry[0]), [...(byRole.get(roleOf(entry[0])) ?? []), entry]);
    const machines = Object.entries(props.stateMachines ?? {});
    const firmware = machines.find(([envVar]) => envVar.startsWith('FIRMWARE'))?.[1];
    const invocations = (fnId: string, label: string) => props.functions[fnId]?.metricInvocations({ statistic: 'Sum', period: FIVE_MINUTES, label });

    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# CSMS\nCharge points, OCPP traffic, answers and faults. Custom metrics: namespace `CSMS` (docs/performance.md).', width: 24, height: 2 }),
      new SingleValueWidget({ title: 'Connected charge points', metrics: [csms(METRIC.connectedChargePoints, {}, 'Maximum', MINUTE)], width: 6 }),
      new SingleValueWidget({ title: 'Active transactions', metrics: [csms(METRIC.activeTransactions, {}, 'Maximum', MINUTE)], width: 6 }),
      new GraphWidget({ title: 'Connects / disconnects / refused', left: [csms(METRIC.connects), csms(METRIC.disconnects)], right: [search(METRIC.refusedConnects, ['reason'], 'refused')], width: 12 }),
      new GraphWidget({ title: 'Messages per second by action', left: [search(METRIC.messages, ['action', 'protocol'], 'messages/s', MINUTE, 60)], width: 12, height: 8 }),
      new GraphWidget({ title: 'CALLERRORs sent by code', left: [search(METRIC.callErrors, ['code'], 'CALLERRORs')], width: 12, height: 8 }),
      new GraphWidget({ title: 'Connected charge points / active transactions', left: [csms(METRIC.connectedChargePoints, {}, 'Maximum', MINUTE)], right: [csms(METRIC.activeTransactions, {}, 'Maximum', MINUTE)], width: 12 }),
      new GraphWidget({ title: 'Energy delivered per hour (Wh)', left: [csms(METRIC.energyDelivered, {}, 'Sum', Duration.hours(1))], right: [csms(METRIC.transactionsStarted, {}, 'Sum', Duration.hours(1)), csms(METRIC.transactionsStopped, {}, 'Sum', Duration.hours(1))], width: 12 }),
      new GraphWidget({ title: 'Operator calls by outcome', left: [search(METRIC.operatorCalls, ['outcome'], 'calls')], right: [search(METRIC.apiErrors, ['class'], 'API errors')], width: 12 }),
      new GraphWidget({ title: 'Failures (effects, hooks, workflow resumes, gauges)', left: [search(METRIC.failures, ['kind'], 'failures')], width: 12 }),
      new GraphWidget({
        title: 'Firmware rollouts',
        left: firmware ? [firmware.metricStarted({ period: FIVE_MINUTES, label: 'rollouts started' }), firmware.metricSucceeded({ period: FIVE_MINUTES, label: 'rollouts finished' }), firmware.metricFailed({ period: FIVE_MINUTES, label: 'rollouts failed' })] : [],
        right: [invocations('WorkflowFirmwareSendUpdate', 'charge points sent UpdateFirmware'), invocations('WorkflowFirmwareRecordOutcome', 'charge point outcomes recorded'), csms(METRIC.messages, { action: 'FirmwareStatusNotification', protocol: 'ocpp1.6' }, 'Sum', FIVE_MINUTES)].filter((m): m is Metric => !!m),
        width: 12,
      }),
      new GraphWidget({ title: 'WebSocket connects / messages', left: [ws('ConnectCount'), ws('MessageCount')], width: 12 }),
      new GraphWidget({ title: 'WebSocket errors', left: [ws('ClientError'), ws('ExecutionError'), ws('IntegrationError')], right: [ws('IntegrationLatency', 'p99')], width: 12 }),
      ...[...byRole].map(([role, list]) => new GraphWidget({
        title: `Handler duration p99 (ms): ${role}`,
        left: list.map(([name, fn]) => fn.metricDuration({ statistic: 'p99', period: FIVE_MINUTES, label: name })),
        width: 12,
        height: 6,
      })),
      new GraphWidget({ title: 'Lambda errors and throttles', left: fns.map(([name, fn]) => fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES, label: name })), right: [new Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum', period: FIVE_MINUTES, label: 'throttles (account)' })], width: 12, height: 8 }),
      new GraphWidget({ title: 'DynamoDB throttled requests (tables and indexes)', left: tableThrottles, width: 12, height: 8 }),
    );
  }
}
