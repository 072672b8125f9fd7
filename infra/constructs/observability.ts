import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, Metric, TextWidget, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface ObservabilityProps {
  webSocketApiId: string;
  stageName: string;
  /** Display name → function. */
  functions: Record<string, LambdaFunction>;
  tables: Record<string, Table>;
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * One dashboard (WebSocket traffic, Lambda errors and duration, DynamoDB throttles) and one alarm
 * per Lambda on any error in 5 minutes, sent to an SNS topic (with an e-mail subscription when
 * `alarmEmail` is set).
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

    const ws = (metricName: string, statistic = 'Sum') =>
      new Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiId: props.webSocketApiId, Stage: props.stageName }, statistic, period: FIVE_MINUTES });
    const fns = Object.entries(props.functions);
    const perFunction = (f: (fn: LambdaFunction) => Metric) => fns.map(([name, fn]) => f(fn).with({ label: name, period: FIVE_MINUTES }));

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${Stack.of(this).stackName}-csms` });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# CSMS\nCharge point WebSocket traffic, Lambda health and DynamoDB throttling.', width: 24, height: 2 }),
      new GraphWidget({ title: 'WebSocket connects / messages', left: [ws('ConnectCount'), ws('MessageCount')], width: 12 }),
      new GraphWidget({ title: 'WebSocket errors', left: [ws('ClientError'), ws('ExecutionError'), ws('IntegrationError')], right: [ws('IntegrationLatency', 'p99')], width: 12 }),
      new GraphWidget({ title: 'Lambda errors', left: perFunction((fn) => fn.metricErrors({ statistic: 'Sum' })), width: 12, height: 8 }),
      new GraphWidget({ title: 'Lambda duration p99 (ms)', left: perFunction((fn) => fn.metricDuration({ statistic: 'p99' })), width: 12, height: 8 }),
      new GraphWidget({
        title: 'DynamoDB throttled requests',
        left: Object.entries(props.tables).flatMap(([name, t]) => [
          t.metric('ReadThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES, label: `${name} read` }),
          t.metric('WriteThrottleEvents', { statistic: 'Sum', period: FIVE_MINUTES, label: `${name} write` }),
        ]),
        width: 24,
        height: 8,
      }),
    );

    for (const [name, fn] of fns) {
      const alarm = new Alarm(this, `${name}Errors`, {
        alarmDescription: `${name} Lambda reported errors`,
        metric: fn.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(this.alarmTopic));
      this.alarms.push(alarm);
    }
  }
}
