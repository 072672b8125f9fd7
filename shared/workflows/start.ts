import { DescribeExecutionCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from './task-token';

/**
 * Starting and inspecting workflows from domain code. Each workflow is one ASL file
 * (infra/workflows/<name>.asl.json); the stack (and the local runtime) gives every function the
 * ARN of each state machine in `<NAME>_STATE_MACHINE_ARN`, e.g. firmware-update →
 * FIRMWARE_UPDATE_STATE_MACHINE_ARN.
 */
export type WorkflowName = 'firmware-update' | 'diagnostics-upload' | 'reservation-expiry' | 'transaction-check' | 'certificate-signing';

export const stateMachineEnvVar = (name: string) => `${name.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}_STATE_MACHINE_ARN`;

export function stateMachineArn(name: WorkflowName): string {
  const arn = process.env[stateMachineEnvVar(name)];
  if (!arn) throw new Error(`${stateMachineEnvVar(name)} is not set: the ${name} workflow is not deployed with this function`);
  return arn;
}

export async function startWorkflow(name: WorkflowName, input: unknown, executionName?: string): Promise<{ executionArn: string }> {
  const out = await sfnClient().send(new StartExecutionCommand({ stateMachineArn: stateMachineArn(name), input: JSON.stringify(input), name: executionName }));
  return { executionArn: out.executionArn! };
}

export type WorkflowStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export async function describeWorkflow(executionArn: string): Promise<{ status: WorkflowStatus; error?: string; cause?: string; stopDate?: Date }> {
  const out = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
  return { status: out.status as WorkflowStatus, error: out.error, cause: out.cause, stopDate: out.stopDate };
}

export async function stopWorkflow(executionArn: string, error: string, cause: string): Promise<void> {
  await sfnClient().send(new StopExecutionCommand({ executionArn, error, cause }));
}
