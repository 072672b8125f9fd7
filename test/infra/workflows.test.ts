import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CsmsFunction, REPO_ROOT } from '../../infra/constructs/csms-function';
import { JustifiedWildcards } from '../../infra/constructs/nag';
import { CsmsTables } from '../../infra/constructs/tables';
import { listWorkflowFiles, parseDefinition, stateMachineEnvVar, type WorkflowFile } from '../../infra/constructs/workflow-files';
import { Workflows } from '../../infra/constructs/workflows';

/** The feature flags and defaults of cdk.json, as `cdk synth` applies them. */
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context;

/** The workflow convention (infra/constructs/workflow-files.ts) and the construct built on it. */
const ASL = JSON.stringify({
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${Fn_PrepareRollout}', 'Payload.$': '$' }, Next: 'Record' },
    Record: { Type: 'Task', Resource: 'arn:aws:states:::dynamodb:putItem', Parameters: { TableName: '${Table_Jobs}', Item: { jobId: { 'S.$': '$.jobId' } } }, Next: 'Each' },
    Each: {
      Type: 'Map',
      ItemsPath: '$.ids',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Send',
        States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: '${Fn_SendUpdate}', Payload: { 'token.$': '$$.Task.Token' } }, End: true } },
      },
      End: true,
    },
  },
});
const file = (name: string, definition: string): WorkflowFile => ({ name, path: `infra/workflows/${name}.asl.json`, envVar: stateMachineEnvVar(name), definition, ...parseDefinition(name, definition) });

describe('workflow files', () => {
  it('names the ARN variable after the file', () => {
    expect(stateMachineEnvVar('firmware-update')).toBe('FIRMWARE_UPDATE_STATE_MACHINE_ARN');
    expect(stateMachineEnvVar('reservationExpiry')).toBe('RESERVATION_EXPIRY_STATE_MACHINE_ARN');
  });

  it('collects function and table placeholders and spots a Distributed Map', () => {
    expect(parseDefinition('x', ASL)).toEqual({ functions: ['PrepareRollout', 'SendUpdate'], tables: ['Jobs'], distributedMap: true });
  });

  it('refuses an unknown placeholder, an unknown table and broken JSON', () => {
    expect(() => parseDefinition('x', '{"a":"${Lambda_Foo}"}')).toThrow(/unknown placeholder \$\{Lambda_Foo\}/);
    expect(() => parseDefinition('x', '{"a":"${Table_Nope}"}')).toThrow(/unknown placeholder/);
    expect(() => parseDefinition('x', '{"a":')).toThrow(/not valid JSON/);
  });

  it('lists nothing when infra/workflows does not exist, and every *.asl.json when it does', () => {
    const root = mkdtempSync(join(tmpdir(), 'workflows-'));
    try {
      expect(listWorkflowFiles(root)).toEqual([]);
      mkdirSync(join(root, 'infra', 'workflows'), { recursive: true });
      writeFileSync(join(root, 'infra', 'workflows', 'firmware-update.asl.json'), ASL);
      writeFileSync(join(root, 'infra', 'workflows', 'README.md'), 'not a workflow');
      expect(listWorkflowFiles(root).map((f) => [f.name, f.envVar, f.functions])).toEqual([['firmware-update', 'FIRMWARE_UPDATE_STATE_MACHINE_ARN', ['PrepareRollout', 'SendUpdate']]]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('a workflow whose task function is missing', () => {
  /** A stack with one placeholder resource (CloudFormation refuses empty templates). */
  const stackNamed = (name: string) => {
    const stack = new Stack(new App(), name);
    new CfnResource(stack, 'Placeholder', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    return stack;
  };

  it('is a synth error (cdk synth fails), never silently left out', () => {
    const missing = stackNamed('Gap');
    const files = [file('firmware-update', ASL)];
    expect(Workflows.deployable(missing, files, (name) => name !== 'SendUpdate')).toEqual([]);
    const errors = Annotations.fromStack(missing).findError('*', Match.stringLikeRegexp('csms:workflow-skipped: infra/workflows/firmware-update.asl.json cannot be deployed: functions/workflows/SendUpdate.ts'));
    expect(errors).toHaveLength(1);

    const complete = stackNamed('Complete');
    expect(Workflows.deployable(complete, files, () => true)).toEqual(files);
    expect(Annotations.fromStack(complete).findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('Workflows construct', () => {
  let stack: Stack;
  let template: Template;
  let workflows: Workflows;
  let caller: CsmsFunction;

  beforeAll(() => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Wf');
    const tables = new CsmsTables(stack, 'Tables', { destroyOnRemoval: true });
    const common = { environment: {}, logRetention: RetentionDays.ONE_WEEK, destroyOnRemoval: true, tracing: false };
    const fns: Record<string, CsmsFunction> = {
      PrepareRollout: new CsmsFunction(stack, 'Prepare', { entry: 'functions/commands.ts', description: 'prepare', ...common }),
      SendUpdate: new CsmsFunction(stack, 'Send', { entry: 'functions/commands.ts', description: 'send', ...common }),
    };
    caller = new CsmsFunction(stack, 'Caller', { entry: 'functions/api.ts', description: 'caller', ...common });
    workflows = new Workflows(stack, 'Workflows', { files: [file('firmware-update', ASL)], taskFunction: (n) => fns[n], tables, logRetention: RetentionDays.ONE_WEEK, destroyOnRemoval: true });
    workflows.grantStart(caller, new Set(['FIRMWARE_UPDATE_STATE_MACHINE_ARN']));
    workflows.grantResume(caller, ['states:SendTaskSuccess', 'states:SendTaskFailure']);
    workflows.grantDescribe(caller, 'all');
    Aspects.of(stack).add(new JustifiedWildcards());
    template = Template.fromStack(stack);
  });

  it('creates a named Standard machine with substitutions for functions and tables', () => {
    const subs = template.findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(subs);
    expect(machine.Properties).toMatchObject({
      StateMachineName: 'Wf-firmware-update',
      StateMachineType: 'STANDARD',
      DefinitionString: ASL,
      TracingConfiguration: { Enabled: true },
      // ERROR without execution data by default: payloads hold firmware URLs and charge point data.
      LoggingConfiguration: { Level: 'ERROR', IncludeExecutionData: false },
    });
    // Vended-logs prefix (no per-group resource policy), unique per stack instance.
    const [group] = Object.values(template.findResources('AWS::Logs::LogGroup')).filter((g) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('vendedlogs'));
    expect(JSON.stringify(group.Properties.LogGroupName)).toContain('/aws/vendedlogs/states/Wf-firmware-update-');
    expect(JSON.stringify(group.Properties.LogGroupName)).toContain('AWS::StackId');
    const s = machine.Properties.DefinitionSubstitutions;
    expect(Object.keys(s).sort()).toEqual(['Fn_PrepareRollout', 'Fn_SendUpdate', 'Table_Jobs']);
    expect(s.Fn_PrepareRollout['Fn::GetAtt'][1]).toBe('Arn');
    expect(s.Table_Jobs.Ref).toBeDefined();
  });

  it('lets the machine invoke its task functions, write its tables and run its Distributed Map children', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('WorkflowsfirmwareupdateRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const flat = JSON.stringify(statements);
    expect(flat).toContain('lambda:InvokeFunction');
    expect(flat).toContain('dynamodb:PutItem');
    expect(flat).toContain(':stateMachine:Wf-firmware-update');
    expect(flat).toContain(':execution:Wf-firmware-update/*');
  });

  it('gives callers StartExecution, task responses and DescribeExecution on the formatted ARN', () => {
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('CallerRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    // action → the resources it is allowed on (statements may be merged by minimizePolicies)
    const on = (action: string) => JSON.stringify(statements.filter((st) => ([] as string[]).concat(st.Action).includes(action)).map((st) => st.Resource));
    expect(on('states:StartExecution')).toContain(':stateMachine:Wf-firmware-update');
    expect(on('states:SendTaskSuccess')).toContain(':stateMachine:Wf-firmware-update');
    expect(on('states:SendTaskFailure')).toContain(':stateMachine:Wf-firmware-update');
    expect(on('states:SendTaskHeartbeat')).toBe('[]'); // only the responses the code issues
    expect(on('states:DescribeExecution')).toContain(':execution:Wf-firmware-update:*');
    expect(Workflows.environment(stack, [file('firmware-update', ASL)])).toHaveProperty('FIRMWARE_UPDATE_STATE_MACHINE_ARN');
  });

  it('leaves only justified IAM wildcards (X-Ray, log delivery, function versions, executions)', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});
