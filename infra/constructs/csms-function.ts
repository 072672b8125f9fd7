import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LAMBDA_ALIASES } from '../lambda/aliases';
import { acknowledge } from './nag';

/** The repository root: entries, the lockfile and tsconfig are found from here. */
export const REPO_ROOT = join(__dirname, '..', '..');

export interface CsmsFunctionProps {
  /** Entry file relative to the repository root, e.g. `functions/router.ts`; it exports `handler`. */
  entry: string;
  description: string;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  destroyOnRemoval: boolean;
  tracing: boolean;
  /** Default 256 MB. */
  memorySize?: number;
  /** Default 10 s. */
  timeout?: Duration;
}

/**
 * The one way this project deploys a Lambda (Powertools' FunctionWithLogGroup pattern): Node 22 on
 * arm64, bundled by the local esbuild (never Docker) into one minified CommonJS file with the AWS
 * SDK v3 inside (tree-shaken from the ESM builds; the runtime's copy is not used, so the code runs
 * the SDK version of the lockfile), its own log group with a retention, and its own role that may
 * only write to that log group. Everything else (tables, connections, workflows) is granted
 * explicitly by the stack.
 */
export class CsmsFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CsmsFunctionProps) {
    const entry = join(REPO_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`Lambda entry ${props.entry} does not exist`);
    const removalPolicy = props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    const logGroup = new LogGroup(scope, `${id}LogGroup`, { retention: props.logRetention, removalPolicy });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      // Powertools: service and metrics namespace (shared/lambda/metric-names.ts), 1 % of invocations log at debug.
      environment: { POWERTOOLS_SERVICE_NAME: 'csms', POWERTOOLS_METRICS_NAMESPACE: 'CSMS', POWERTOOLS_LOGGER_SAMPLE_RATE: '0.01', ...props.environment },
      logGroup,
      role,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        minify: true,
        sourceMap: false,
        target: 'node22',
        format: OutputFormat.CJS,
        // ESM builds first: the AWS SDK v3 tree-shakes far better from them (about half the size).
        // ES-module-only packages (middy) need nothing more: esbuild resolves their `import` condition.
        mainFields: ['module', 'main'],
        bundleAwsSDK: true,
        externalModules: [],
        // Credentials from the environment only (infra/lambda/credentials-from-env.ts): the default chain is dead weight in Lambda.
        esbuildArgs: Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        // Tracing is decided at bundle time: off, the Tracer and the X-Ray SDK are not in the bundle (shared/lambda/tracing.ts).
        define: { 'process.env.CSMS_TRACING': JSON.stringify(props.tracing ? 'true' : 'false') },
        forceDockerBundling: false,
      },
    });
    // The role may only create streams and put events in this function's own log group (its ARN
    // already ends in :*), instead of AWSLambdaBasicExecutionRole's logs on every group.
    logGroup.grantWrite(role);

    acknowledge(this, 'AwsSolutions-L1', 'nodejs22.x is pinned on purpose: the local runtime, the tests and the bundle target are Node 22 (docs/architecture.md); moving to nodejs24.x is a deliberate upgrade of all three.');
  }
}
