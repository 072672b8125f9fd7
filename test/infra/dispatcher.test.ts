import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CsmsStack } from '../../infra/csms-stack';
import { REPO_ROOT } from '../../infra/constructs/csms-function';
import { settingsFromContext } from '../../infra/constructs/settings';
import { ROUTES } from '../../shared/ocpp/routes';

/** The feature flags and defaults of cdk.json, as `cdk synth` applies them. */
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

/**
 * The other end of every switch, in one stack built from CDK context exactly as `cdk deploy -c ...`
 * would: dispatcher routing, auto-registration, an origin master secret, dev removal policies, a
 * custom domain, CloudFront access logs, short diagnostics retention, no message log.
 */
const CONTEXT = {
  'aws:cdk:bundling-stacks': [],
  routing: 'dispatcher',
  autoRegister: 'true',
  originSecret: 'correct-horse-battery-staple',
  destroyOnRemoval: 'true',
  domainName: 'csms.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
  cloudFrontLogs: 'true',
  alarmEmail: 'ops@example.com',
  diagnosticsRetentionDays: '30',
  messageLogDays: '0',
  allowConcurrentTx: 'false',
  authCacheExpirySeconds: '600',
};

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any
let stack: CsmsStack;
let template: Template;
let resources: Record<string, Resource>;

beforeAll(() => {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...CONTEXT } });
  stack = new CsmsStack(app, 'CsmsDev', { settings: settingsFromContext(app.node) });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const ofType = (type: string) => Object.values(resources).filter((r) => r.Type === type);
const fn = (description: string) => ofType('AWS::Lambda::Function').find((f) => f.Properties.Description === description)!;
const ROUTER = 'OCPP $default: answers to CSMS calls, unrouted actions, broken frames';

describe('routing=dispatcher', () => {
  it('has only $connect, $disconnect and $default on the WebSocket API', () => {
    const wsApi = Object.entries(resources).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api' && r.Properties.ProtocolType === 'WEBSOCKET')![0];
    const keys = ofType('AWS::ApiGatewayV2::Route').filter((r) => r.Properties.ApiId.Ref === wsApi).map((r) => r.Properties.RouteKey);
    expect(keys.sort()).toEqual(['$connect', '$default', '$disconnect']);
    template.resourceCountIs('AWS::ApiGatewayV2::RouteResponse', 0);
  });

  it('deploys no per-action Lambda', () => {
    const descriptions = ofType('AWS::Lambda::Function').map((f) => f.Properties.Description);
    for (const action of Object.keys(ROUTES)) expect(descriptions).not.toContain(`OCPP ${action} (two-way route)`);
  });

  it('lets the router reach every table the actions reach, and post to connections', () => {
    const role = fn(ROUTER).Properties.Role['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s: { Action: string | string[] }) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['execute-api:ManageConnections', 'dynamodb:PutItem']));
  });

  it('lets the router resume task tokens (it receives every notification) and start reservation-expiry', () => {
    const role = fn(ROUTER).Properties.Role['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const on = (action: string) => JSON.stringify(statements.filter((s) => ([] as string[]).concat(s.Action).includes(action)).map((s) => s.Resource));
    for (const name of ['firmware-update', 'diagnostics-upload', 'reservation-expiry']) {
      expect(on('states:SendTaskSuccess')).toContain(`:stateMachine:CsmsDev-${name}"`);
      expect(on('states:SendTaskFailure')).toContain(`:stateMachine:CsmsDev-${name}"`);
    }
    expect(on('states:StartExecution')).toContain(':stateMachine:CsmsDev-reservation-expiry"');
    expect(on('states:StartExecution')).not.toContain('firmware-update');
  });

  it('deploys every state machine and stays far under 500 resources', () => {
    template.resourceCountIs('AWS::StepFunctions::StateMachine', readdirSync(join(__dirname, '../../infra/workflows')).filter((f) => f.endsWith('.asl.json')).length);
    expect(Object.keys(resources).length).toBeLessThan(300);
  });
});

describe('context switches', () => {
  it('turns auto-registration on and lets the authorizer register charge points', () => {
    const authorizer = fn('OCPP $connect authorizer: origin secret, identity, registration, Basic auth');
    expect(authorizer.Properties.Environment.Variables.CSMS_AUTO_REGISTER).toBe('true');
    const role = authorizer.Properties.Role['Fn::GetAtt'][0];
    const actions = ofType('AWS::IAM::Policy')
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(role))
      .flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action));
    expect(actions).toContain('dynamodb:PutItem');
  });

  it('derives the origin header from the master secret: same value for CloudFront and the authorizer, master never in the template', () => {
    const expected = createHmac('sha256', CONTEXT.originSecret).update('csms-origin-verify/CsmsDev').digest('hex');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      // Both origins (the WebSocket stage and the HTTP API behind /ocpp/soap, docs/soap.md) carry it.
      DistributionConfig: Match.objectLike({ Origins: [1, 2].map(() => Match.objectLike({ OriginCustomHeaders: [{ HeaderName: 'x-origin-verify', HeaderValue: expected }, { HeaderName: 'x-csms-transport', HeaderValue: 'tls' }] })) }),
    });
    expect(fn('OCPP $connect authorizer: origin secret, identity, registration, Basic auth').Properties.Environment.Variables.CSMS_ORIGIN_SECRET).toBe(expected);
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain(CONTEXT.originSecret);
  });

  it('deletes tables with the stack when destroyOnRemoval=true', () => {
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t.DeletionPolicy).toBe('Delete');
  });

  it('serves the custom domain with TLS 1.2 (2021 policy) and logs to an SSL-only bucket', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['csms.example.com'],
        ViewerCertificate: { AcmCertificateArn: CONTEXT.certificateArn, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
    expect(JSON.stringify(template.findOutputs('ChargePointUrl').ChargePointUrl.Value)).toBe(JSON.stringify('wss://csms.example.com/ocpp/{chargePointId}'));
    template.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
  });

  it('expires diagnostics files after diagnosticsRetentionDays and deletes both buckets with the stack', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'diagnostics-bucket/' }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
    });
    const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
    expect(buckets).toHaveLength(3); // diagnostics, its access logs, CloudFront logs
    for (const b of buckets) expect(b.DeletionPolicy).toBe('Delete');
  });

  it('turns the message log off, forbids concurrent transactions and sends an authorization cache expiry', () => {
    for (const f of ofType('AWS::Lambda::Function')) {
      const env = f.Properties.Environment.Variables;
      expect(env).toMatchObject({ CSMS_MESSAGE_LOG: 'false', CSMS_ALLOW_CONCURRENT_TX: 'false', CSMS_AUTH_CACHE_EXPIRY_S: '600' });
      expect(env.CSMS_MESSAGE_LOG_DAYS).toBeUndefined();
    }
  });

  it('subscribes the alarm e-mail', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  it('stays clean under cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});
