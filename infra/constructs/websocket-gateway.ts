import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type IGrantable, ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface WebSocketGatewayProps {
  stageName: string;
  /** Stage-wide throttle (every route, $connect included). */
  throttleRate: number;
  throttleBurst: number;
  /** The $connect route's own throttle: each connect costs an authorizer run. */
  connectThrottle: { rate: number; burst: number };
  logRetention: RetentionDays;
  destroyOnRemoval: boolean;
  /** Create the account-wide API Gateway → CloudWatch Logs role (WebSocket access logs need it). */
  accountRole: boolean;
}

export interface WebSocketRoutes {
  authorizer: IFunction;
  connect: IFunction;
  disconnect: IFunction;
  router: IFunction;
  /** One two-way route per charge-point action (empty in `routing=dispatcher`). */
  actions: Record<string, IFunction>;
}

/** What a charge point sees: the API Gateway WebSocket context variables worth a log line. */
const ACCESS_LOG = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  chargePointId: '$context.authorizer.chargePointId',
  status: '$context.status',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
  authorizerError: '$context.authorizer.error',
});

/**
 * The charge points' WebSocket API. Route selection reads the action of an OCPP-J CALL
 * (`[2, id, "Action", {...}]` → `$request.body.[2]`); a CALLRESULT/CALLERROR or broken frame has
 * no matching route and lands on `$default`. Action routes are two-way: the Lambda's return value
 * is the answer frame, no PostToConnection needed.
 *
 * The API and stage are created first so the functions can be given CONNECTIONS_ENDPOINT; routes
 * are attached afterwards with `addRoutes`.
 */
export class WebSocketGateway extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogs: LogGroup;
  private readonly connectThrottle: { rate: number; burst: number };

  constructor(scope: Construct, id: string, props: WebSocketGatewayProps) {
    super(scope, id);
    this.connectThrottle = props.connectThrottle;
    this.api = new WebSocketApi(this, 'Api', {
      description: 'OCPP-J charge point connections (reached through CloudFront only)',
      routeSelectionExpression: '$request.body.[2]',
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: AccessLogFormat.custom(ACCESS_LOG) },
    });
    if (props.accountRole) {
      // WebSocket (like REST) access logging writes through the account-level API Gateway role.
      // Retained on deletion: other APIs of the account may rely on it.
      const role = new Role(this, 'CloudWatchRole', { assumedBy: new ServicePrincipal('apigateway.amazonaws.com'), managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')] });
      role.applyRemovalPolicy(RemovalPolicy.RETAIN);
      const account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
      account.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.stage.node.addDependency(account);
      acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]', "API Gateway's account logging role uses the AWS-maintained policy made for it; it can only push API Gateway logs.");
    }
  }

  /** https://{apiId}.execute-api.{region}.amazonaws.com/{stage} — the @connections endpoint. */
  get connectionsEndpoint(): string {
    return this.stage.callbackUrl;
  }

  /** The API's host name, CloudFront's origin. */
  get domainName(): string {
    return `${this.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
  }

  /** execute-api:ManageConnections on this stage's connections (PostToConnection, DeleteConnection). */
  grantManageConnections(grantee: IGrantable): void {
    this.stage.grantManagementApiAccess(grantee);
  }

  addRoutes(routes: WebSocketRoutes): void {
    const integration = (name: string, fn: IFunction) => new WebSocketLambdaIntegration(`${name}Integration`, fn, { timeout: Duration.seconds(29) });
    const authorizer = new WebSocketLambdaAuthorizer('Authorizer', routes.authorizer, { identitySource: ['route.request.querystring.cpid'] });
    const connect = this.api.addRoute('$connect', { integration: integration('Connect', routes.connect), authorizer });
    // Route-level throttle of $connect (a stage's route settings must name an existing route).
    (this.stage.node.defaultChild as CfnStage).routeSettings = {
      $connect: { ThrottlingRateLimit: this.connectThrottle.rate, ThrottlingBurstLimit: this.connectThrottle.burst }, // a JSON property: CloudFormation spelling
    };
    this.stage.node.addDependency(connect);
    this.api.addRoute('$disconnect', { integration: integration('Disconnect', routes.disconnect) });
    this.api.addRoute('$default', { integration: integration('Default', routes.router) });
    for (const [action, fn] of Object.entries(routes.actions)) {
      this.api.addRoute(action, { integration: integration(action, fn), returnResponse: true });
    }
    acknowledge(
      this.api,
      'AwsSolutions-APIG4',
      'WebSocket APIs authorize once, on $connect (Lambda REQUEST authorizer: CloudFront origin secret, charge point registration, Basic auth); every later route runs on that authorized connection with the authorizer context, and API Gateway accepts no authorizer on them.',
    );
  }
}
