import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeExecutionCommand, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { LocalStepFunctions, type StepFunctionsOptions } from '../../infra/local/stepfunctions';

/**
 * The local Step Functions runner, driven through the real @aws-sdk/client-sfn over its HTTP
 * endpoint: callback tasks, timeouts, Distributed Map tolerance, stop, wait and retry overrides.
 */
type Handler = (event: any) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: Server;
let sfn: LocalStepFunctions;
let client: SFNClient;
const handlers: Record<string, Handler> = {};

async function boot(opts: StepFunctionsOptions = {}) {
  sfn = new LocalStepFunctions({ workflowsDir: '/nonexistent', region: 'us-east-1', handlers: handlers as StepFunctionsOptions['handlers'], ...opts });
  server = createServer((req, res) => sfn.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  client = new SFNClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sfn`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
}
async function shutdown() {
  await sfn.close();
  await new Promise<void>((r) => server.close(() => r()));
}

async function run(definition: object, input: object = {}, name = 'wf') {
  const arn = sfn.load(name, JSON.stringify(definition));
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: arn, input: JSON.stringify(input) }));
  return executionArn!;
}
async function finished(executionArn: string) {
  await sfn.waitFor(executionArn);
  const d = await client.send(new DescribeExecutionCommand({ executionArn }));
  return { ...d, output: d.output ? JSON.parse(d.output) : undefined };
}
const waitUntil = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const callback = (fn: string, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: { FunctionName: `\${Fn_${fn}}`, Payload: { 'input.$': '$', 'taskToken.$': '$$.Task.Token' } },
  ...extra,
});

describe('local Step Functions runner', () => {
  beforeEach(() => boot({ waitTimeOverrides: { ShortWait: 5 }, retryIntervalOverrides: { Flaky: 5 } }));
  afterEach(() => shutdown());

  it('runs lambda:invoke and plain Lambda tasks with the cloud result shapes', async () => {
    handlers.Double = async (e) => ({ n: e.n * 2 });
    const arn = await run({
      StartAt: 'Invoke',
      States: {
        Invoke: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: '${Fn_Double}', 'Payload.$': '$' }, ResultSelector: { 'n.$': '$.Payload.n' }, Next: 'Direct' },
        Direct: { Type: 'Task', Resource: '${Fn_Double}', End: true },
      },
    }, { n: 3 });
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toEqual({ n: 12 });
    expect(d.startDate).toBeInstanceOf(Date);
  });

  it('emulates .waitForTaskToken: SendTaskSuccess resumes with its output, SendTaskFailure fails with its error', async () => {
    const tokens: string[] = [];
    handlers.Park = async (e) => {
      tokens.push(e.taskToken);
      return { ignored: true };
    };
    const def = {
      StartAt: 'Wait1',
      States: {
        Wait1: callback('Park', { ResultPath: '$.first', Next: 'Wait2' }),
        Wait2: callback('Park', { ResultPath: '$.second', Catch: [{ ErrorEquals: ['Firmware.DownloadFailed'], ResultPath: '$.error', Next: 'Caught' }], End: true }),
        Caught: { Type: 'Pass', End: true },
      },
    };
    const arn = await run(def, { a: 1 });
    await waitUntil(() => tokens.length === 1);
    expect(tokens[0]).toMatch(/^local-/);
    await client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: JSON.stringify({ status: 'ok' }) }));
    await waitUntil(() => tokens.length === 2);
    expect(tokens[1]).not.toBe(tokens[0]);
    await client.send(new SendTaskFailureCommand({ taskToken: tokens[1], error: 'Firmware.DownloadFailed', cause: 'bad image' }));
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toEqual({ a: 1, first: { status: 'ok' }, error: { Error: 'Firmware.DownloadFailed', Cause: 'bad image' } });
    // A token whose task ended, or one never issued, is refused as by AWS.
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'nope', output: '{}' }))).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
  });

  it('times a callback task out from TimeoutSecondsPath on the state input; heartbeats keep another alive', async () => {
    const tokens: string[] = [];
    handlers.Park = async (e) => void tokens.push(e.taskToken);
    const arn = await run({
      StartAt: 'Beating',
      States: {
        Beating: callback('Park', { HeartbeatSeconds: 1, ResultPath: '$.beat', Next: 'Silent' }),
        Silent: callback('Park', { TimeoutSecondsPath: '$.timeout', Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: 'TimedOut' }], End: true }),
        TimedOut: { Type: 'Pass', End: true },
      },
    }, { timeout: 1 });
    await waitUntil(() => tokens.length === 1);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 400));
      await client.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    }
    await client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '"alive"' }));
    const d = await finished(arn);
    expect(d.output.beat).toBe('alive');
    expect(d.output.error.Error).toBe('States.Timeout');
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: tokens[1], output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('names Lambda errors by their type for Retry and Catch (retry interval overridden)', async () => {
    let calls = 0;
    handlers.Flaky = async () => {
      calls++;
      if (calls < 3) throw Object.assign(new Error('try later'), { name: 'ChargePointBusy' });
      return 'done';
    };
    handlers.Broken = async () => {
      throw Object.assign(new Error('no such charge point'), { name: 'ChargePointNotFound' });
    };
    const arn = await run({
      StartAt: 'Flaky',
      States: {
        Flaky: { Type: 'Task', Resource: '${Fn_Flaky}', Retry: [{ ErrorEquals: ['ChargePointBusy'], IntervalSeconds: 60, MaxAttempts: 5 }], ResultPath: '$.flaky', Next: 'Broken' },
        Broken: { Type: 'Task', Resource: '${Fn_Broken}', End: true },
      },
    });
    const d = await finished(arn);
    expect(calls).toBe(3);
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('ChargePointNotFound');
    expect(JSON.parse(d.cause!)).toEqual({ errorType: 'ChargePointNotFound', errorMessage: 'no such charge point' });
  });

  const distributed = (extra: object) => ({
    StartAt: 'Each',
    States: {
      Each: {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemSelector: { 'item.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'tag.$': '$.tag' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: { Work: callback('Work', { End: true }) },
        },
        ...extra,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Stopped' }],
        ResultPath: '$.results',
        End: true,
      },
      Stopped: { Type: 'Pass', End: true },
    },
  });

  it('runs a Distributed Map with MaxConcurrency, tolerating failures up to the percentage', async () => {
    const waiting = new Map<string, string>();
    let maxActive = 0;
    handlers.Work = async (e) => {
      waiting.set(e.input.item, e.taskToken);
      maxActive = Math.max(maxActive, waiting.size);
      expect(e.input.tag).toBe('t');
    };
    const arn = await run(distributed({ MaxConcurrencyPath: '$.max', ToleratedFailurePercentagePath: '$.pct' }), { items: ['a', 'b', 'c', 'd'], max: 2, pct: 25, tag: 't' });
    const settle = async (item: string, ok: boolean) => {
      await waitUntil(() => waiting.has(item));
      const token = waiting.get(item)!;
      waiting.delete(item);
      if (ok) await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(item) }));
      else await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Failed', cause: item }));
    };
    await settle('a', true);
    await settle('b', false); // 1 of 4 = 25 %: tolerated
    await settle('c', true);
    await settle('d', true);
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(maxActive).toBe(2);
    expect(d.output.results).toEqual(['a', { Error: 'Failed', Cause: 'b' }, 'c', 'd']);
  });

  it('stops a Distributed Map when failures exceed the tolerance: running children stop, the rest never start', async () => {
    const started: string[] = [];
    const tokens = new Map<string, string>();
    handlers.Work = async (e) => {
      started.push(e.input.item);
      tokens.set(e.input.item, e.taskToken);
    };
    const arn = await run(distributed({ MaxConcurrency: 2, ToleratedFailurePercentage: 0 }), { items: ['a', 'b', 'c', 'd'], tag: 't' });
    await waitUntil(() => tokens.size === 2);
    await client.send(new SendTaskFailureCommand({ taskToken: tokens.get('a')!, error: 'Firmware.DownloadFailed', cause: 'a failed' }));
    const d = await finished(arn);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output.error.Error).toBe('States.ExceedToleratedFailureThreshold');
    expect(started.sort()).toEqual(['a', 'b']);
    // The stopped child's task ended with it.
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('b')!, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('stops an execution (StopExecution) and shortens Wait states by override', async () => {
    handlers.Park = async () => undefined;
    const arn = await run({
      StartAt: 'ShortWait',
      States: { ShortWait: { Type: 'Wait', Seconds: 3600, Next: 'Park' }, Park: callback('Park', { End: true }) },
    });
    await waitUntil(() => sfn.describeExecution(arn).status === 'RUNNING' && Date.now() - sfn.describeExecution(arn).startDate.getTime() > 50);
    await client.send(new StopExecutionCommand({ executionArn: arn, error: 'Aborted', cause: 'operator' }));
    const d = await finished(arn);
    expect(d.status).toBe('ABORTED');
    expect(d.stopDate).toBeInstanceOf(Date);
    await expect(client.send(new DescribeExecutionCommand({ executionArn: `${arn}-nope` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });

  it('answers API misuse with the Step Functions error codes', async () => {
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:none', input: '{}' })))
      .rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    const arn = sfn.load('ok', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{not json' }))).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: arn, input: '{}', name: 'bad name!' }))).rejects.toMatchObject({ name: 'InvalidName' });
  });
});
