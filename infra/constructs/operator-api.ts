import { Fn, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

export interface OperatorApiProps {
  handler: IFunction;
  logRetention: RetentionDays;
  destroyOnRemoval: boolean;
  throttleRate: number;
  throttleBurst: number;
  /** functions/uploads.ts: charge points' diagnostics uploads, `ANY /uploads/{proxy+}` without IAM (a per-job token in the path). */
  uploads?: IFunction;
  /** functions/soap.ts: OCPP 1.6 SOAP stations, `POST /ocpp/soap` without IAM (the Lambda checks their credentials; docs/soap.md). */
  soap?: IFunction;
}

const ACCESS_LOG = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  caller: '$context.identity.userArn',
  method: '$context.httpMethod',
  path: '$context.path',
  status: '$context.status',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
});

/**
 * The operator HTTP API (docs/operator-api.md) in the cloud: `ANY /api` and `ANY /api/{proxy+}`
 * → functions/api.ts with payload format 2.0, every route behind IAM (SigV4) authorization —
 * callers need `execute-api:Invoke` on it, e.g. through awscurl (docs/deploy.md). Beside it,
 * `PUT|POST /uploads/{proxy+}` → functions/uploads.ts without IAM: charge points upload diagnostics
 * there with the per-job token the location carries (shared/diagnostics/storage.ts).
 */
export class OperatorApi extends Construct {
  readonly api: HttpApi;
  readonly url: string;
  /** Where charge points upload diagnostics (DIAGNOSTICS_UPLOAD_URL), when an uploads function is given. */
  readonly uploadsUrl?: string;
  /** The API's host, for CloudFront's /ocpp/soap behaviour (when a soap function is given). */
  readonly soapOriginDomainName?: string;

  constructor(scope: Construct, id: string, props: OperatorApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'CSMS operator API (IAM auth)',
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const logs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN });
    new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: { destination: new LogGroupLogDestination(logs), format: AccessLogFormat.custom(ACCESS_LOG) },
    });
    const integration = new HttpLambdaIntegration('Handler', props.handler, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
    this.api.addRoutes({ path: '/api', methods: [HttpMethod.ANY], integration });
    this.api.addRoutes({ path: '/api/{proxy+}', methods: [HttpMethod.ANY], integration });
    this.url = `${this.api.apiEndpoint}/api`;
    if (props.uploads) {
      const routes = this.api.addRoutes({
        path: '/uploads/{proxy+}',
        methods: [HttpMethod.PUT, HttpMethod.POST],
        integration: new HttpLambdaIntegration('Uploads', props.uploads, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
        authorizer: new HttpNoneAuthorizer(),
      });
      for (const route of routes) acknowledge(route, 'AwsSolutions-APIG4', 'Charge points cannot sign requests: the upload location carries a per-job random token (128 bits) that the Lambda checks against the token object the CSMS wrote for that job; no other route is open.');
      this.uploadsUrl = `${this.api.apiEndpoint}/uploads`;
    }
    if (props.soap) {
      const routes = this.api.addRoutes({
        path: '/ocpp/soap',
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration('Soap', props.soap, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
        authorizer: new HttpNoneAuthorizer(),
      });
      for (const route of routes) acknowledge(route, 'AwsSolutions-APIG4', 'OCPP 1.6 SOAP stations cannot sign requests: the Lambda refuses any request without the CloudFront origin secret and checks the station\'s Basic auth and registration on every message, as the WebSocket authorizer does (docs/soap.md).');
      this.soapOriginDomainName = Fn.select(2, Fn.split('/', this.api.apiEndpoint));
    }
  }
}
