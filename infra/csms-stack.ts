import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Annotations, Aspects, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ROUTES, SHARED_ROUTE_ACTIONS } from '../shared/ocpp/routes';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { capacityFor } from './constructs/capacity';
import { analyzeCodeAccess } from './constructs/code-access';
import { CsmsFunction, REPO_ROOT } from './constructs/csms-function';
import { type DiagnosticsAccess, DiagnosticsStorage } from './constructs/diagnostics-storage';
import { Edge, OriginSecret } from './constructs/edge';
import { JustifiedWildcards } from './constructs/nag';
import { Observability } from './constructs/observability';
import { OperatorApi } from './constructs/operator-api';
import { type CsmsSettings, DEFAULT_SETTINGS } from './constructs/settings';
import { CsmsTables, readOnly } from './constructs/tables';
import { WebSocketGateway } from './constructs/websocket-gateway';
import { listWorkflowFiles, WORKFLOW_FUNCTIONS_DIR, workflowFunctionEntry } from './constructs/workflow-files';
import { Workflows } from './constructs/workflows';

export interface CsmsStackProps extends StackProps {
  settings?: Partial<CsmsSettings>;
}

/** The role a function plays; decides its trigger, limits and description. */
type Kind = 'authorizer' | 'connect' | 'disconnect' | 'router' | 'commands' | 'api' | 'action' | 'workflow' | 'other';

interface FunctionSpec {
  id: string;
  kind: Kind;
  entry: string;
  description: string;
}

/** The entry files every deployment has; each exports `handler`. */
const CORE: FunctionSpec[] = [
  { id: 'Authorizer', kind: 'authorizer', entry: 'functions/authorizer.ts', description: 'OCPP $connect authorizer: origin secret, identity, registration, Basic auth' },
  { id: 'Connect', kind: 'connect', entry: 'functions/connect.ts', description: 'OCPP $connect: subprotocol and connection record' },
  { id: 'Disconnect', kind: 'disconnect', entry: 'functions/disconnect.ts', description: 'OCPP $disconnect: clears the connection record' },
  { id: 'Router', kind: 'router', entry: 'functions/router.ts', description: 'OCPP $default: answers to CSMS calls, unrouted actions, broken frames' },
  { id: 'Commands', kind: 'commands', entry: 'functions/commands.ts', description: 'Operator command from the console: { chargePointId, action, payload }' },
  { id: 'Api', kind: 'api', entry: 'functions/api.ts', description: 'Operator HTTP API (IAM auth)' },
  { id: 'Uploads', kind: 'api', entry: 'functions/uploads.ts', description: 'Diagnostics uploads from charge points (per-job token) to S3' },
  { id: 'Soap', kind: 'api', entry: 'functions/soap.ts', description: 'OCPP 1.6 SOAP stations: CentralSystemService at POST /ocpp/soap' },
];

/** OCPP 1.6 over SOAP (docs/soap.md): routed by the operator HTTP API, behind CloudFront. */
const SOAP_ENTRY = 'functions/soap.ts';

/** Memory and timeout per role. WebSocket integrations stop waiting after 29 s, HTTP API ones after 30 s. */
const LIMITS: Record<Kind, { memorySize?: number; timeout: Duration }> = {
  // scrypt/PBKDF2 password checks are CPU-bound; Lambda CPU grows with memory.
  authorizer: { memorySize: 512, timeout: Duration.seconds(10) },
  connect: { timeout: Duration.seconds(15) },
  // A site's charge point: $disconnect re-allocates its site (docs/sites.md), calls included.
  disconnect: { timeout: Duration.seconds(28) },
  router: { timeout: Duration.seconds(28) },
  action: { timeout: Duration.seconds(28) },
  // Both wait for a charge point's answer for up to CSMS_CALL_TIMEOUT_MS (≤ 28 s).
  commands: { timeout: Duration.seconds(30) },
  api: { timeout: Duration.seconds(30) },
  workflow: { timeout: Duration.seconds(60) },
  other: { timeout: Duration.seconds(30) },
};

/**
 * S3 access to the diagnostics files, by entry. The code-access scan sees that a bundle uses the
 * S3 storage (shared/diagnostics/storage.ts) but not which of its methods, so this is explicit;
 * synth warns when a bundle issues S3 commands without an entry here.
 */
const DIAGNOSTICS_ACCESS: Record<string, DiagnosticsAccess> = {
  'functions/workflows/DiagnosticsPrepare.ts': 'upload', // presigns the charge point's PUT
  'functions/workflows/DiagnosticsRecordOutcome.ts': 'read', // HeadObject: did the file arrive?
  'functions/api.ts': 'read', // HeadObject + presigned GET for the operator's download
  'functions/uploads.ts': 'receive', // the job's token object, then the file
};

const HANDLER_EXPORT = /export\s+(?:const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/;
const hasHandler = (entry: string) => HANDLER_EXPORT.test(readFileSync(join(REPO_ROOT, entry), 'utf8'));
const pascal = (name: string) => name.replace(/(^|[-_.])([a-z0-9])/gi, (_, __, c: string) => c.toUpperCase());

/** Every other `functions/*.ts` (e.g. composite-schedule.ts) and every `functions/workflows/*.ts` entry. */
function discoveredFunctions(): FunctionSpec[] {
  const specs: FunctionSpec[] = [];
  const known = new Set(CORE.map((c) => c.entry));
  for (const file of readdirSync(join(REPO_ROOT, 'functions')).filter((f) => f.endsWith('.ts')).sort()) {
    const entry = `functions/${file}`;
    if (known.has(entry) || !hasHandler(entry)) continue;
    specs.push({ id: pascal(basename(file, '.ts')), kind: 'other', entry, description: `${basename(file, '.ts')} (invoke from the console or other services)` });
  }
  const wfDir = join(REPO_ROOT, WORKFLOW_FUNCTIONS_DIR);
  if (existsSync(wfDir)) {
    for (const file of readdirSync(wfDir).filter((f) => f.endsWith('.ts')).sort()) {
      const name = basename(file, '.ts');
      const entry = workflowFunctionEntry(name);
      if (!hasHandler(entry)) continue;
      specs.push({ id: `Workflow${pascal(name)}`, kind: 'workflow', entry, description: `Workflow task ${name}` });
    }
  }
  return specs;
}

/**
 * The whole CSMS: tables, the charge points' WebSocket API behind CloudFront, one Lambda per
 * charge-point action (or one dispatcher), the operator HTTP API, the workflows, a dashboard.
 * Environment-agnostic: `cdk synth` needs no credentials and no account lookups.
 */
export class CsmsStack extends Stack {
  readonly settings: CsmsSettings;
  readonly functions = new Map<string, CsmsFunction>();

  constructor(scope: Construct, id: string, props: CsmsStackProps = {}) {
    super(scope, id, { description: 'Serverless OCPP 1.6 / 2.0 / 2.0.1 CSMS', ...props });
    const settings: CsmsSettings = { ...DEFAULT_SETTINGS, ...props.settings };
    this.settings = settings;
    const destroy = settings.destroyOnRemoval;

    const tables = new CsmsTables(this, 'Tables', { destroyOnRemoval: destroy });
    const capacity = capacityFor(settings.fleetSize);
    for (const warning of capacity.warnings) Annotations.of(this).addWarningV2('csms:capacity', warning);
    const gateway = new WebSocketGateway(this, 'Gateway', {
      stageName: settings.stageName,
      throttleRate: settings.throttleRate ?? capacity.stageRate,
      throttleBurst: settings.throttleBurst ?? capacity.stageBurst,
      connectThrottle: { rate: capacity.connectRate, burst: capacity.connectBurst },
      logRetention: settings.logRetention,
      destroyOnRemoval: destroy,
      accountRole: settings.apiGatewayAccountRole,
    });
    const originSecret = new OriginSecret(this, 'OriginSecret', { masterSecret: settings.originSecret, version: settings.originSecretVersion, destroyOnRemoval: destroy });
    const diagnostics = new DiagnosticsStorage(this, 'Diagnostics', { retentionDays: settings.diagnosticsRetentionDays, destroyOnRemoval: destroy });
    // A workflow whose task functions do not exist cannot be deployed: a synth error, never a silent gap.
    const workflowFiles = Workflows.deployable(this, listWorkflowFiles(REPO_ROOT), (name) => existsSync(join(REPO_ROOT, workflowFunctionEntry(name))) && hasHandler(workflowFunctionEntry(name)));

    // --- functions -------------------------------------------------------------------------
    // Rare actions are answered by $default (SHARED_ROUTE_ACTIONS): the stack stays under 500 resources.
    const actions = Object.keys(ROUTES).filter((a) => !SHARED_ROUTE_ACTIONS.has(a)).sort();
    const actionSpecs: FunctionSpec[] = [];
    if (settings.routing === 'routes') {
      for (const action of actions) {
        const entry = `functions/ocpp/${action}.ts`;
        if (existsSync(join(REPO_ROOT, entry))) actionSpecs.push({ id: `Ocpp${action}`, kind: 'action', entry, description: `OCPP ${action} (two-way route)` });
        // Still served (by the router, from the same ROUTES table), just without a route of its own.
        else Annotations.of(this).addWarningV2('csms:missing-action-entry', `ROUTES has ${action} but ${entry} does not exist: ${action} is answered by $default`);
      }
    }
    const specs = [...CORE, ...actionSpecs, ...discoveredFunctions()];

    const environment: Record<string, string> = {
      ...tables.environment(),
      ...Workflows.environment(this, workflowFiles),
      CONNECTIONS_ENDPOINT: gateway.connectionsEndpoint,
      CSMS_AUTO_REGISTER: String(settings.autoRegister),
      CSMS_HEARTBEAT_INTERVAL: String(settings.heartbeatInterval),
      CSMS_CALL_TIMEOUT_MS: String(settings.callTimeoutMs),
      CSMS_ALLOW_CONCURRENT_TX: String(settings.allowConcurrentTx),
      CSMS_MESSAGE_LOG: String(settings.messageLogDays > 0),
      ...(settings.messageLogDays > 0 ? { CSMS_MESSAGE_LOG_DAYS: String(settings.messageLogDays) } : {}),
      CSMS_RECONNECT_TX_CHECK_S: String(settings.reconnectTransactionCheckSeconds),
      ...(settings.meterValuesDays > 0 ? { CSMS_METER_VALUES_DAYS: String(settings.meterValuesDays) } : {}),
      ...(settings.authCacheExpirySeconds ? { CSMS_AUTH_CACHE_EXPIRY_S: String(settings.authCacheExpirySeconds) } : {}),
      LOG_LEVEL: settings.logLevel,
    };
    for (const entry of Object.keys(DIAGNOSTICS_ACCESS)) {
      if (!specs.some((s) => s.entry === entry)) throw new Error(`DIAGNOSTICS_ACCESS in infra/csms-stack.ts names ${entry}, which is not deployed: update it`);
    }
    for (const spec of specs) {
      const fn = new CsmsFunction(this, spec.id, {
        entry: spec.entry,
        description: spec.description,
        environment: {
          ...environment,
          // Only the authorizer checks the origin header; nothing else gets the secret.
          // (and the SOAP Lambda, which authorizes every OCPP 1.6 SOAP message as the authorizer does a connect).
          ...(spec.kind === 'authorizer' || spec.entry === SOAP_ENTRY ? { CSMS_ORIGIN_SECRET: originSecret.value } : {}),
          // Only the functions granted access to the diagnostics files know the bucket.
          ...(DIAGNOSTICS_ACCESS[spec.entry] ? diagnostics.environment : {}),
        },
        logRetention: settings.logRetention,
        destroyOnRemoval: destroy,
        tracing: settings.tracing,
        ...LIMITS[spec.kind],
      });
      this.functions.set(spec.id, fn);
      // A runaway route (or a flood of messages) must not take the concurrency connects need.
      const reserved = spec.kind === 'authorizer' ? capacity.authorizerConcurrency : spec.kind === 'connect' ? capacity.connectConcurrency : undefined;
      if (reserved && settings.reservedConcurrency) (fn.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved;
    }

    // --- least-privilege grants, derived from what each bundle's code does (code-access.ts) -
    const workflows = new Workflows(this, 'Workflows', {
      files: workflowFiles,
      taskFunction: (name) => {
        const fn = this.functions.get(`Workflow${pascal(name)}`);
        if (!fn) throw new Error(`A workflow uses \${Fn_${name}} but ${workflowFunctionEntry(name)} does not exist or exports no handler`);
        return fn;
      },
      tables,
      logRetention: settings.logRetention,
      destroyOnRemoval: destroy,
      logLevel: settings.workflowLogLevel,
      includeExecutionData: settings.workflowLogExecutionData,
    });
    const access = analyzeCodeAccess(REPO_ROOT, specs.map((s) => s.entry));
    for (const spec of specs) {
      const fn = this.functions.get(spec.id)!;
      const code = access.get(spec.entry)!;
      const tableAccess = new Map(code.tables);
      // The authorizer only writes when it registers an unknown charge point (CSMS_AUTO_REGISTER).
      if (spec.kind === 'authorizer' && tableAccess.has('chargePoints') && !settings.autoRegister) tableAccess.set('chargePoints', readOnly(tableAccess.get('chargePoints')!));
      tables.grant(fn, tableAccess);
      if (code.manageConnections) gateway.grantManageConnections(fn);
      workflows.grantResume(fn, code.taskResponses);
      workflows.grantStart(fn, code.startsWorkflows);
      workflows.grantDescribe(fn, code.describesExecutions);
      const s3 = DIAGNOSTICS_ACCESS[spec.entry];
      if (s3) diagnostics.grant(fn, s3);
      else if (code.s3Commands.size) Annotations.of(fn).addWarningV2('csms:s3-access', `${spec.entry} issues S3 commands (${[...code.s3Commands].join(', ')}) but has no DIAGNOSTICS_ACCESS entry in infra/csms-stack.ts: it gets neither DIAGNOSTICS_BUCKET nor a grant`);
      for (const warning of code.warnings) Annotations.of(fn).addWarningV2('csms:code-access', warning);
      const list = (v: Set<string> | 'all') => (v === 'all' ? 'all' : [...v].sort());
      fn.node.addMetadata('csms:access', {
        tables: Object.fromEntries([...tableAccess].map(([t, actions]) => [t, [...actions].sort()])),
        manageConnections: code.manageConnections,
        taskResponses: [...code.taskResponses].sort(),
        startsWorkflows: list(code.startsWorkflows),
        describesExecutions: list(code.describesExecutions),
        diagnosticsFiles: s3 ?? null,
        appliedRegistries: code.appliedRegistries,
      });
    }

    // --- entry points -----------------------------------------------------------------------
    const fn = (id: string) => this.functions.get(id)!;
    gateway.addRoutes({
      authorizer: fn('Authorizer'),
      connect: fn('Connect'),
      disconnect: fn('Disconnect'),
      router: fn('Router'),
      actions: Object.fromEntries(actionSpecs.map((s) => [s.id.slice('Ocpp'.length), fn(s.id)])),
    });
    const operatorApi = new OperatorApi(this, 'OperatorApi', {
      handler: fn('Api'),
      logRetention: settings.logRetention,
      destroyOnRemoval: destroy,
      throttleRate: settings.throttleRate ?? 500,
      throttleBurst: settings.throttleBurst ?? 1000,
      uploads: fn('Uploads'),
      // OCPP 1.6 over SOAP (docs/soap.md), behind the same CloudFront distribution.
      soap: fn('Soap'),
    });
    const edge = new Edge(this, 'Edge', {
      apiDomainName: gateway.domainName,
      stageName: settings.stageName,
      originSecret: originSecret.value,
      domainName: settings.domainName,
      certificateArn: settings.certificateArn,
      accessLogs: settings.cloudFrontLogs,
      destroyOnRemoval: destroy,
      webAclArn: settings.webAclArn,
      soapOriginDomainName: operatorApi.soapOriginDomainName,
    });
    // 1.6 GetDiagnostics locations point at the upload endpoint (shared/diagnostics/storage.ts).
    if (operatorApi.uploadsUrl) fn('WorkflowDiagnosticsPrepare').addEnvironment('DIAGNOSTICS_UPLOAD_URL', operatorApi.uploadsUrl);
    new Observability(this, 'Observability', {
      webSocketApiId: gateway.api.apiId,
      stageName: settings.stageName,
      functions: Object.fromEntries(this.functions),
      tables: Object.fromEntries(Object.values(tables.tables).map((t) => [t.node.id, t])),
      stateMachines: Object.fromEntries(workflows.machines),
      alarmEmail: settings.alarmEmail,
    });

    // Justify the unavoidable IAM wildcards once every grant exists (see nag.ts).
    Aspects.of(this).add(new JustifiedWildcards());

    // --- outputs ----------------------------------------------------------------------------
    new CfnOutput(this, 'ChargePointUrl', { value: `${edge.chargePointUrl}/{chargePointId}`, description: 'Charge points connect here (subprotocol ocpp1.6, ocpp2.0 or ocpp2.0.1)' });
    if (edge.soapUrl) new CfnOutput(this, 'SoapUrl', { value: edge.soapUrl, description: 'OCPP 1.6 SOAP stations post here (CentralSystemService)' });
    new CfnOutput(this, 'OperatorApiUrl', { value: operatorApi.url, description: 'Operator HTTP API (SigV4 / IAM auth)' });
    new CfnOutput(this, 'RoutingMode', { value: settings.routing });
    new CfnOutput(this, 'CommandsFunctionName', { value: fn('Commands').functionName, description: 'Console test event: { "chargePointId", "action", "payload" }' });
    if (this.functions.has('CompositeSchedule')) new CfnOutput(this, 'CompositeScheduleFunctionName', { value: fn('CompositeSchedule').functionName });
    new CfnOutput(this, 'WebSocketApiId', { value: gateway.api.apiId });
    new CfnOutput(this, 'DistributionId', { value: edge.distribution.distributionId });
    new CfnOutput(this, 'DiagnosticsBucketName', { value: diagnostics.bucket.bucketName, description: 'Uploaded diagnostics files (diagnostics/<chargePointId>/<jobId>)' });
    if (originSecret.secret) new CfnOutput(this, 'OriginSecretArn', { value: originSecret.secret.secretArn, description: 'Rotate with put-secret-value, then deploy' });
    for (const [envVar, machine] of workflows.machines) {
      const id = envVar.toLowerCase().replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()); // FirmwareUpdateStateMachineArn
      new CfnOutput(this, id, { value: machine.stateMachineArn, description: `Env ${envVar}` });
    }
  }
}
