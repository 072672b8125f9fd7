import { Annotations, ArnFormat, Aws, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { type TableId, TABLES } from '../../shared/store/tables';
import type { CsmsTables, DynamoAction } from './tables';
import { type WorkflowFile, workflowFunctionEntry } from './workflow-files';

export interface WorkflowsProps {
  files: WorkflowFile[];
  /** The Lambda built from functions/workflows/<name>.ts. */
  taskFunction: (name: string) => IFunction;
  tables: CsmsTables;
  logRetention: RetentionDays;
  destroyOnRemoval: boolean;
  /** Step Functions log level (default ERROR: failed executions and states only). */
  logLevel?: WorkflowLogLevel;
  /** Log inputs and outputs too (default false: they hold firmware URLs, charge point data). */
  includeExecutionData?: boolean;
}

export type WorkflowLogLevel = 'OFF' | 'FATAL' | 'ERROR' | 'ALL';
const LOG_LEVELS: Record<WorkflowLogLevel, LogLevel> = { OFF: LogLevel.OFF, FATAL: LogLevel.FATAL, ERROR: LogLevel.ERROR, ALL: LogLevel.ALL };

/**
 * One Standard state machine per infra/workflows/*.asl.json (see workflow-files.ts for the
 * placeholder convention), with X-Ray tracing and logging at ERROR level without execution data by
 * default (`workflowLogLevel`, `workflowLogExecutionData`). Log groups are named
 * `/aws/vendedlogs/states/<stack>-<workflow>-<stack id>`: Step Functions delivers logs as vended
 * logs, and under that prefix CloudWatch Logs does not grow a resource policy per log group (whose
 * 5,120-character limit a few machines would exhaust). The stack id part keeps a retained group of
 * a deleted stack from blocking a new stack of the same name.
 *
 * Machines carry fixed names (`<stack>-<file>`), so their ARNs are known before they exist: the
 * Lambdas get them as environment variables and IAM resources without a reference to the machine,
 * which would otherwise form a cycle (machine → task Lambda ARN, task Lambda → machine ARN).
 */
export class Workflows extends Construct {
  readonly machines = new Map<string, StateMachine>();

  /** ARN of the machine of a workflow name, formatted without referencing the resource. */
  static arnOf(scope: Construct, name: string): string {
    return Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: Workflows.machineName(scope, name), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }

  static machineName(scope: Construct, name: string): string {
    const full = `${Stack.of(scope).stackName}-${name}`;
    if (full.length > 80) throw new Error(`State machine name ${full} exceeds 80 characters: shorten the stack name or ${name}.asl.json`);
    return full;
  }

  /**
   * The workflow files whose task functions all exist. A missing one is a synth error on `scope`
   * (`cdk synth` fails): a workflow must not silently disappear from a deployment.
   */
  static deployable(scope: Construct, files: WorkflowFile[], hasTaskFunction: (name: string) => boolean): WorkflowFile[] {
    return files.filter((wf) => {
      const missing = wf.functions.filter((name) => !hasTaskFunction(name));
      if (missing.length) Annotations.of(scope).addError(`csms:workflow-skipped: ${wf.path} cannot be deployed: ${missing.map(workflowFunctionEntry).join(', ')} missing or without a handler export`);
      return missing.length === 0;
    });
  }

  /** `{ FIRMWARE_UPDATE_STATE_MACHINE_ARN: arn, ... }` for every workflow file. */
  static environment(scope: Construct, files: WorkflowFile[]): Record<string, string> {
    return Object.fromEntries(files.map((f) => [f.envVar, Workflows.arnOf(scope, f.name)]));
  }

  constructor(scope: Construct, id: string, private readonly props: WorkflowsProps) {
    super(scope, id);
    const tableIdByName = new Map(Object.entries(TABLES).map(([tid, def]) => [def.name, tid as TableId]));
    // The first block of the stack's UUID: unique per stack instance, known at deploy time.
    const stackSuffix = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
    const level = props.logLevel ?? 'ERROR';
    for (const file of props.files) {
      const logGroup = new LogGroup(this, `${file.name}Logs`, {
        logGroupName: `/aws/vendedlogs/states/${Workflows.machineName(this, file.name)}-${stackSuffix}`,
        retention: props.logRetention,
        removalPolicy: props.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      });
      const substitutions: Record<string, string> = {};
      const taskFunctions = file.functions.map((name) => {
        const fn = props.taskFunction(name);
        substitutions[`Fn_${name}`] = fn.functionArn;
        return fn;
      });
      for (const tableName of file.tables) substitutions[`Table_${tableName}`] = props.tables.tables[tableIdByName.get(tableName)!].tableName;

      const machine = new StateMachine(this, file.name, {
        stateMachineName: Workflows.machineName(this, file.name),
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(file.definition),
        definitionSubstitutions: substitutions,
        logs: { destination: logGroup, level: LOG_LEVELS[level], includeExecutionData: props.includeExecutionData ?? false },
        tracingEnabled: true,
        // Machines hold no data: always deleted with the stack, so a redeploy can reuse the name.
      });
      if (level !== 'ALL') acknowledge(machine, 'AwsSolutions-SF1', `Logs at ${level} level by default (-c workflowLogLevel=ALL for every state transition): every execution is already traced with X-Ray and recorded in the Jobs table, and ALL with execution data would copy firmware URLs and charge point data into CloudWatch Logs.`);
      for (const fn of taskFunctions) fn.grantInvoke(machine);
      if (file.tables.length) props.tables.grant(machine, new Map([...serviceTableActions(file.definition)].map(([t, actions]) => [tableIdByName.get(t)!, actions])));
      if (file.distributedMap) {
        // A Distributed Map runs its iterations as child executions of this same machine.
        const arn = Workflows.arnOf(this, file.name);
        machine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
        machine.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [this.executionsArn(file.name, true)] }));
      }
      this.machines.set(file.envVar, machine);
    }
  }

  /**
   * SendTaskSuccess/Failure/Heartbeat (the ones the code issues): a task token does not say which
   * machine waits on it, so any of ours may.
   */
  grantResume(grantee: IGrantable, actions: Iterable<string> = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat']): void {
    const arns = this.props.files.map((f) => Workflows.arnOf(this, f.name));
    const granted = [...actions].sort();
    if (arns.length && granted.length) grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: granted, resources: arns }));
  }

  grantStart(grantee: IGrantable, envVars: Set<string> | 'all'): void {
    const arns = this.select(envVars).map((f) => Workflows.arnOf(this, f.name));
    if (arns.length) grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: arns }));
  }

  grantDescribe(grantee: IGrantable, envVars: Set<string> | 'all'): void {
    const arns = this.select(envVars).map((f) => this.executionsArn(f.name, false));
    if (arns.length) grantee.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: arns }));
  }

  private select(envVars: Set<string> | 'all'): WorkflowFile[] {
    return this.props.files.filter((f) => envVars === 'all' || envVars.has(f.envVar));
  }

  private executionsArn(name: string, children: boolean): string {
    return Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: children ? `${Workflows.machineName(this, name)}/*` : `${Workflows.machineName(this, name)}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
  }
}

/** Step Functions' optimized DynamoDB integrations → the IAM action each needs. */
const SERVICE_ACTIONS: Record<string, DynamoAction> = { getItem: 'GetItem', putItem: 'PutItem', updateItem: 'UpdateItem', deleteItem: 'DeleteItem' };

/**
 * Per `${Table_X}` placeholder, the DynamoDB actions the machine's own Task states issue
 * (`arn:aws:states:::dynamodb:<op>`, or `aws-sdk:dynamodb:<op>`); a table named elsewhere (e.g.
 * passed to a Lambda) gets none.
 */
export function serviceTableActions(definition: string): Map<string, Set<DynamoAction>> {
  const out = new Map<string, Set<DynamoAction>>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const op = typeof o.Resource === 'string' ? /^arn:aws:states:::(?:aws-sdk:)?dynamodb:(\w+)$/.exec(o.Resource)?.[1] : undefined;
    const table = /^\$\{Table_(\w+)\}$/.exec(String((o.Parameters as Record<string, unknown> | undefined)?.TableName ?? ''))?.[1];
    if (op && table) {
      const action = SERVICE_ACTIONS[op] ?? (`${op[0].toUpperCase()}${op.slice(1)}` as DynamoAction);
      out.set(table, new Set([...(out.get(table) ?? []), action]));
    }
    Object.values(o).forEach(walk);
  };
  walk(JSON.parse(definition));
  return out;
}
