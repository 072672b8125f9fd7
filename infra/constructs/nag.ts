import { type IAspect, Stack, Validations } from 'aws-cdk-lib';
import { CfnPolicy, CfnRole } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
// cdk-nag's own formatting of a resource in an IAM5 finding id, so our acknowledgements match it exactly.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';

/** Acknowledges one cdk-nag finding on a construct, with the reason kept next to the code. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The only wildcard resources our IAM policies may hold, each with the reason it cannot be narrowed.
 * A statement is justified when each of its actions matches a rule whose `resource` matches the
 * wildcard resource (statements may be merged by @aws-cdk/aws-iam:minimizePolicies). Anything else stays an AwsSolutions-IAM5 error and fails the tests.
 */
const WILDCARD_RULES: { actions: RegExp; resource: RegExp; reason: string }[] = [
  {
    actions: /^execute-api:ManageConnections$/,
    resource: /^arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<[^>]+>\/[\w-]+\/\*\/@connections\/\*$/,
    reason: 'PostToConnection/DeleteConnection on connections of our own WebSocket API stage only; connection ids are assigned by API Gateway at runtime, so they cannot be listed.',
  },
  {
    actions: /^lambda:InvokeFunction$/,
    resource: /^<[^>]+\.Arn>:\*$/,
    reason: 'A state machine invokes versions/aliases of its own task function (ARN suffix :*), granted by Function.grantInvoke; no other function is reachable.',
  },
  {
    actions: /^states:(?:DescribeExecution|StopExecution|GetExecutionHistory|RedriveExecution)$/,
    resource: /^arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:[\w-]+(?::\*|\/\*)$/,
    reason: 'Executions of one named state machine of this stack; execution names are generated when an execution starts.',
  },
  {
    actions: /^s3:(?:GetObject|PutObject)$/,
    resource: /^<[^>]+\.Arn>\/diagnostics\/\*$/,
    reason: 'Objects under the diagnostics/ prefix of the stack\'s diagnostics bucket only; keys are diagnostics/<chargePointId>/<jobId>, created per request at runtime (infra/constructs/diagnostics-storage.ts).',
  },
  {
    actions: /^xray:(?:PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets)$/,
    resource: /^\*$/,
    reason: 'X-Ray trace submission has no resource-level permissions (AWS documents Resource "*" for these actions).',
  },
  {
    actions: /^logs:(?:CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/,
    resource: /^\*$/,
    reason: 'Step Functions vended log delivery to CloudWatch Logs: these CloudWatch Logs APIs do not support resource-level permissions.',
  },
];

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: unknown;
}
const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Runs during synthesis (after all grants) over every IAM policy and role of the stack and
 * acknowledges exactly those IAM5 findings whose statements all fall under WILDCARD_RULES.
 */
export class JustifiedWildcards implements IAspect {
  visit(node: IConstruct): void {
    if (!(node instanceof CfnPolicy || node instanceof CfnRole)) return;
    const stack = Stack.of(node);
    const documents: { Statement?: Statement[] }[] =
      node instanceof CfnPolicy
        ? [stack.resolve(node.policyDocument)]
        : list(stack.resolve(node.policies) as { policyDocument: unknown }[] | undefined).map((p) => stack.resolve(stack.resolve(p).policyDocument));
    // finding → reasons of every statement producing it (undefined = a statement nothing justifies)
    const findings = new Map<string, (string | undefined)[]>();
    for (const statement of documents.flatMap((d) => d?.Statement ?? [])) {
      if (statement.Effect !== 'Allow') continue;
      const actions = list(statement.Action);
      for (const resource of list(statement.Resource).map(flattenCfnReference).filter((r) => r.includes('*'))) {
        // Every action must be covered by a rule for this resource (merged statements mix rules).
        const rules = actions.map((a) => WILDCARD_RULES.find((r) => r.resource.test(resource) && r.actions.test(a)));
        const key = `AwsSolutions-IAM5[Resource::${resource}]`;
        findings.set(key, [...(findings.get(key) ?? []), ...(rules.length ? rules.map((r) => r?.reason) : [undefined])]);
      }
    }
    for (const [id, reasons] of findings) {
      if (reasons.every((r): r is string => r !== undefined)) acknowledge(node, id, [...new Set(reasons)].join(' '));
    }
  }
}
