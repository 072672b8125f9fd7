import type { Node } from 'constructs';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { WorkflowLogLevel } from './workflows';

/**
 * Everything a deployment may choose, read once from CDK context (`cdk.json` defaults, overridden
 * with `npx cdk deploy -c key=value`). Values from the command line arrive as strings, values from
 * cdk.json as JSON: both are accepted. docs/deploy.md lists them.
 */
export interface CsmsSettings {
  /** `routes`: one route + Lambda per charge-point action (default). `dispatcher`: everything on $default. */
  routing: 'routes' | 'dispatcher';
  /** Unknown charge points are registered at their first connect (CSMS_AUTO_REGISTER). */
  autoRegister: boolean;
  /**
   * Master secret for the CloudFront → API Gateway origin header. When absent, a Secrets Manager
   * secret is generated and referenced dynamically, so no secret value is in the template.
   */
  originSecret?: string;
  /**
   * Pins the generated secret's version in the dynamic reference, so a deploy after
   * `put-secret-value` changes the template and CloudFormation re-resolves the value.
   */
  originSecretVersion?: string;
  /** Tables and secret are deleted with the stack (dev); they are retained by default. */
  destroyOnRemoval: boolean;
  /** X-Ray active tracing on the Lambdas (state machines always trace). */
  tracing: boolean;
  logRetention: RetentionDays;
  logLevel: string;
  heartbeatInterval: number;
  callTimeoutMs: number;
  /** WebSocket stage name, also the CloudFront origin path. */
  stageName: string;
  /** Charge points the deployment is sized for: stage and $connect throttles, reserved concurrency (infra/constructs/capacity.ts). */
  fleetSize: number;
  /** Overrides of the WebSocket stage throttle derived from fleetSize (and the operator API's 500/1000). */
  throttleRate?: number;
  throttleBurst?: number;
  /** Reserve concurrency for the authorizer and connect functions (sized from fleetSize), so no runaway route starves connects. */
  reservedConcurrency: boolean;
  /** ARN of a WAFv2 web ACL (scope CLOUDFRONT, created in us-east-1) attached to the distribution. */
  webAclArn?: string;
  /** Custom domain for charge points (needs certificateArn of an ACM certificate in us-east-1). */
  domainName?: string;
  certificateArn?: string;
  /** CloudFront standard access logs into an S3 bucket of the stack. */
  cloudFrontLogs: boolean;
  /**
   * Create the account-wide API Gateway CloudWatch role and point the region's API Gateway account
   * setting at it (WebSocket access logs need such a role once per account and region). Off by
   * default: the setting is one per region, and two stacks that set it fight over it. Turn it on
   * only when the region has none (docs/deploy.md: `aws apigateway get-account`).
   */
  apiGatewayAccountRole: boolean;
  /** E-mail subscribed to the alarm topic. */
  alarmEmail?: string;
  /** Days before uploaded diagnostics files (and the bucket's access logs) expire. */
  diagnosticsRetentionDays: number;
  /** Days an OCPP exchange stays in the message log (CSMS_MESSAGE_LOG_DAYS); 0 turns the log off (CSMS_MESSAGE_LOG=false). */
  messageLogDays: number;
  /** Days a meter value message is kept (CSMS_METER_VALUES_DAYS, DynamoDB TTL); 0 keeps them forever. */
  meterValuesDays: number;
  /** Seconds after a 2.x reconnect before GetTransactionStatus about the transactions held (CSMS_RECONNECT_TX_CHECK_S); 0 = off. */
  reconnectTransactionCheckSeconds: number;
  /** May an id tag (or another of its group) start a transaction while one of the group runs (CSMS_ALLOW_CONCURRENT_TX)? */
  allowConcurrentTx: boolean;
  /** Step Functions log level: OFF, FATAL, ERROR (default) or ALL. */
  workflowLogLevel: WorkflowLogLevel;
  /** Step Functions logs carry execution inputs/outputs (firmware URLs, charge point data); default false. */
  workflowLogExecutionData: boolean;
  /** How long a charge point may keep our verdict in its authorization cache (CSMS_AUTH_CACHE_EXPIRY_S); unset: no expiry sent. */
  authCacheExpirySeconds?: number;
}

export const DEFAULT_SETTINGS: CsmsSettings = {
  routing: 'routes',
  autoRegister: false,
  destroyOnRemoval: false,
  tracing: false,
  logRetention: RetentionDays.ONE_MONTH,
  logLevel: 'info',
  heartbeatInterval: 300,
  callTimeoutMs: 25_000,
  stageName: 'ocpp',
  fleetSize: 1000,
  reservedConcurrency: true,
  cloudFrontLogs: false,
  apiGatewayAccountRole: false,
  workflowLogLevel: 'ERROR',
  workflowLogExecutionData: false,
  diagnosticsRetentionDays: 90,
  messageLogDays: 30,
  // 13 months: a billing year plus the time to dispute its last bill; then a quarter of the storage bill goes.
  meterValuesDays: 400,
  reconnectTransactionCheckSeconds: 5,
  allowConcurrentTx: true,
};

const RETENTIONS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'));

/** Reads the settings from CDK context; throws with a readable message on a wrong value. */
export function settingsFromContext(node: Node): CsmsSettings {
  const raw = (key: string): unknown => node.tryGetContext(key);
  const str = (key: string): string | undefined => {
    const v = raw(key);
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const v = raw(key);
    if (v === undefined || v === null || v === '') return fallback;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    throw new Error(`Context ${key} must be true or false, got ${JSON.stringify(v)}`);
  };
  const int = (key: string, fallback: number): number => {
    const s = str(key);
    if (s === undefined) return fallback;
    const n = Number(s);
    if (!Number.isInteger(n) || n < 0) throw new Error(`Context ${key} must be a non-negative integer, got ${JSON.stringify(s)}`);
    return n;
  };
  const routing = str('routing') ?? DEFAULT_SETTINGS.routing;
  if (routing !== 'routes' && routing !== 'dispatcher') throw new Error(`Context routing must be "routes" or "dispatcher", got "${routing}"`);
  const retention = int('logRetentionDays', DEFAULT_SETTINGS.logRetention);
  if (!RETENTIONS.has(retention)) throw new Error(`Context logRetentionDays must be one of CloudWatch's values (1, 3, 5, 7, 14, 30, 60, 90, ...), got ${retention}`);
  const domainName = str('domainName');
  const certificateArn = str('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) throw new Error('Context domainName and certificateArn go together');
  const settings: CsmsSettings = {
    routing,
    autoRegister: bool('autoRegister', DEFAULT_SETTINGS.autoRegister),
    originSecret: str('originSecret'),
    originSecretVersion: str('originSecretVersion'),
    destroyOnRemoval: bool('destroyOnRemoval', DEFAULT_SETTINGS.destroyOnRemoval),
    tracing: bool('tracing', DEFAULT_SETTINGS.tracing),
    logRetention: retention as RetentionDays,
    logLevel: str('logLevel') ?? DEFAULT_SETTINGS.logLevel,
    heartbeatInterval: int('heartbeatInterval', DEFAULT_SETTINGS.heartbeatInterval),
    callTimeoutMs: int('callTimeoutMs', DEFAULT_SETTINGS.callTimeoutMs),
    stageName: str('stageName') ?? DEFAULT_SETTINGS.stageName,
    fleetSize: int('fleetSize', DEFAULT_SETTINGS.fleetSize),
    reservedConcurrency: bool('reservedConcurrency', DEFAULT_SETTINGS.reservedConcurrency),
    domainName,
    certificateArn,
    cloudFrontLogs: bool('cloudFrontLogs', DEFAULT_SETTINGS.cloudFrontLogs),
    apiGatewayAccountRole: bool('apiGatewayAccountRole', DEFAULT_SETTINGS.apiGatewayAccountRole),
    alarmEmail: str('alarmEmail'),
    diagnosticsRetentionDays: int('diagnosticsRetentionDays', DEFAULT_SETTINGS.diagnosticsRetentionDays),
    messageLogDays: int('messageLogDays', DEFAULT_SETTINGS.messageLogDays),
    meterValuesDays: int('meterValuesDays', DEFAULT_SETTINGS.meterValuesDays),
    reconnectTransactionCheckSeconds: int('reconnectTransactionCheckSeconds', DEFAULT_SETTINGS.reconnectTransactionCheckSeconds),
    allowConcurrentTx: bool('allowConcurrentTx', DEFAULT_SETTINGS.allowConcurrentTx),
    workflowLogLevel: DEFAULT_SETTINGS.workflowLogLevel,
    workflowLogExecutionData: bool('workflowLogExecutionData', DEFAULT_SETTINGS.workflowLogExecutionData),
  };
  const wfLevel = (str('workflowLogLevel') ?? DEFAULT_SETTINGS.workflowLogLevel).toUpperCase();
  if (!['OFF', 'FATAL', 'ERROR', 'ALL'].includes(wfLevel)) throw new Error(`Context workflowLogLevel must be OFF, FATAL, ERROR or ALL, got "${wfLevel}"`);
  settings.workflowLogLevel = wfLevel as WorkflowLogLevel;
  for (const key of ['throttleRate', 'throttleBurst'] as const) if (str(key) !== undefined) settings[key] = int(key, 0);
  const webAclArn = str('webAclArn');
  if (webAclArn !== undefined) {
    // CloudFront takes only global (CLOUDFRONT-scope) web ACLs, which live in us-east-1.
    if (!/^arn:aws[\w-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(webAclArn)) throw new Error(`Context webAclArn must be the ARN of a CLOUDFRONT-scope WAFv2 web ACL (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got "${webAclArn}"`);
    settings.webAclArn = webAclArn;
  }
  if (settings.fleetSize < 1) throw new Error('Context fleetSize must be at least 1');
  const authCacheExpiry = str('authCacheExpirySeconds');
  if (authCacheExpiry !== undefined) {
    settings.authCacheExpirySeconds = int('authCacheExpirySeconds', 0);
    if (settings.authCacheExpirySeconds < 1) throw new Error('Context authCacheExpirySeconds must be at least 1 (leave it unset to send no cache expiry)');
  }
  if (settings.diagnosticsRetentionDays < 1 || settings.diagnosticsRetentionDays > 3650) throw new Error(`Context diagnosticsRetentionDays must be between 1 and 3650, got ${settings.diagnosticsRetentionDays}`);
  if (settings.messageLogDays > 3650) throw new Error(`Context messageLogDays must be at most 3650 (0 turns the message log off), got ${settings.messageLogDays}`);
  if (settings.reconnectTransactionCheckSeconds < 0 || settings.reconnectTransactionCheckSeconds > 300) throw new Error(`Context reconnectTransactionCheckSeconds must be between 0 (off) and 300, got ${settings.reconnectTransactionCheckSeconds}`);
  if (settings.meterValuesDays < 0 || settings.meterValuesDays > 3650) throw new Error(`Context meterValuesDays must be between 0 (kept forever) and 3650, got ${settings.meterValuesDays}`);
  if (settings.heartbeatInterval > 540) throw new Error('Context heartbeatInterval must stay under API Gateway\'s 10 min idle timeout (≤ 540 s)');
  if (settings.callTimeoutMs > 28_000) throw new Error('Context callTimeoutMs must be ≤ 28000: API Gateway stops waiting for an integration after 29 s');
  if (!/^[A-Za-z0-9_-]+$/.test(settings.stageName)) throw new Error(`Context stageName may hold letters, digits, - and _ only, got "${settings.stageName}"`);
  return settings;
}
