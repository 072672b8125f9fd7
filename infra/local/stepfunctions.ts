import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ExecutionAbortedError, ExecutionTimeoutError, StateMachine } from 'aws-local-stepfunctions';
import { log } from '../../shared/log';
import { stateMachineEnvVar } from '../../shared/workflows/start';
import { lambdaContext } from './lambda-context';
import type { LambdaHandler } from './gateway';

/**
 * Step Functions on this machine: runs the same ASL files the stack deploys
 * (infra/workflows/<name>.asl.json, JSONPath only) with aws-local-stepfunctions, invoking the same
 * handlers (functions/workflows/<Name>.ts) that the cloud Lambdas run, and serves the part of the
 * Step Functions API our code and the CLI use (AWS JSON 1.0, so the real @aws-sdk/client-sfn
 * works against it unchanged).
 *
 * What the library lacks, and this runner adds:
 * - `.waitForTaskToken`: the context carries a placeholder token; when a callback task runs, the
 *   placeholder in its parameters is replaced by a fresh token, and the task waits until
 *   SendTaskSuccess / SendTaskFailure (or its timeout / heartbeat timeout) settles it.
 * - Distributed Map (`ProcessorConfig.Mode: DISTRIBUTED`): MaxConcurrency(Path),
 *   ToleratedFailurePercentage(Path) / ToleratedFailureCount(Path); each item runs as a child
 *   execution; when failures exceed the tolerance the map fails with
 *   States.ExceedToleratedFailureThreshold and the running children are stopped.
 * - TimeoutSecondsPath / HeartbeatSeconds(Path) evaluated against the state input as in AWS (the
 *   library would evaluate the path against the task parameters). Like AWS, a task without a
 *   timeout has none (the library's default is 60 s).
 * Known differences: `States.TaskFailed` in a Retry/Catch also matches our task timeouts (use
 * `States.Timeout` before it, or `States.ALL`); timers longer than 24 days are not armed (Node's
 * timer limit), so workflows re-arm long waits themselves; executions live in memory only.
 */

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node ≥ 22). The system Node 20 that
// `npx jest` runs lacks it; this is the whole difference, so provide it rather than fail.
const P = Promise as unknown as { withResolvers?: unknown };
if (typeof P.withResolvers !== 'function') {
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TASK_TOKEN_PLACEHOLDER = '__LOCAL_SFN_TASK_TOKEN__';
const ACCOUNT = '000000000000';
const LOCAL_MAX_TIMEOUT_S = 2_000_000; // what we hand the library: below Node's 2^31 ms timer limit
const MAX_TIMER_MS = 2 ** 31 - 1;
const KEPT_FINISHED_EXECUTIONS = 2000;

export interface StepFunctionsOverrides {
  /** Wait state name → milliseconds to wait instead (tests shorten waits). */
  waitTimeOverrides?: Record<string, number>;
  /** State name → milliseconds before each retry (or per retrier). */
  retryIntervalOverrides?: Record<string, number | number[]>;
  /** Task state name → timeout in seconds, replacing TimeoutSeconds(Path). */
  taskTimeoutOverrides?: Record<string, number>;
}

export interface StepFunctionsOptions extends StepFunctionsOverrides {
  region?: string;
  /** Folder of *.asl.json (default infra/workflows). */
  workflowsDir?: string;
  /** Folder of the task Lambdas' entries (default functions/workflows). */
  functionsDir?: string;
  /** Handlers by function name, instead of loading them from functionsDir (runner tests). */
  handlers?: Record<string, LambdaHandler>;
}

/** An error whose `name` is the Step Functions error name (what Retry/Catch match). */
function statesError(name: string, cause: string): Error {
  const e = new Error(cause);
  e.name = name;
  return e;
}

/** An error of the Step Functions API, as the SDK reads it (`__type`). */
export class SfnApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

interface RunningExecution extends LocalExecution {
  abort: () => void;
  context: Json;
  root: Scope;
  /** Resolves when the execution has ended, whatever the outcome. */
  done: Promise<void>;
}

/** An execution, or one child execution of a Distributed Map: its own overrides and waiting tasks. */
interface Scope {
  exec: RunningExecution;
  /** Settles every task still waiting (tokens, timers) when the scope ends. */
  pending: Set<(e: Error) => void>;
  overrides: Json;
}

interface TaskSpec {
  kind: 'task';
  name: string;
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}
interface DistributedMapSpec {
  kind: 'distributedMap';
  name: string;
  itemSelector?: Json;
  processor: Json;
  maxConcurrency?: number;
  toleratedFailurePercentage?: number;
  toleratedFailureCount?: number;
}
type Spec = TaskSpec | DistributedMapSpec;

interface Workflow {
  name: string;
  arn: string;
  /** The definition as the library runs it (see localize). */
  runnable: StateMachine;
  specs: Map<string, Spec>;
  createdAt: Date;
}

interface TokenWaiter {
  succeed: (output: Json) => void;
  fail: (error: string, cause: string) => void;
  heartbeat: () => void;
}

const LOCAL = (key: string) => `__local${key}`;

/**
 * Rewrites a definition for the library: Task timeouts become ours, Distributed Maps become a Task
 * that this runner executes. Records what it changed in `specs`, keyed by state name (ASL state
 * names are unique in the whole machine, nested ones included).
 */
function localize(states: Record<string, Json>, specs: Map<string, Spec>, timeoutOverrides: Record<string, number>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [name, original] of Object.entries(states)) {
    const state = JSON.parse(JSON.stringify(original));
    if (state.Type === 'Task') {
      const spec: TaskSpec = {
        kind: 'task',
        name,
        resource: state.Resource,
        timeoutSeconds: timeoutOverrides[name] ?? state.TimeoutSeconds,
        heartbeatSeconds: state.HeartbeatSeconds,
      };
      const extra: Record<string, string> = {};
      if (timeoutOverrides[name] === undefined && state.TimeoutSecondsPath) extra[`${LOCAL('TimeoutSeconds')}.$`] = state.TimeoutSecondsPath;
      if (state.HeartbeatSecondsPath) extra[`${LOCAL('HeartbeatSeconds')}.$`] = state.HeartbeatSecondsPath;
      if (Object.keys(extra).length) {
        state.Parameters = state.Parameters === undefined ? { [`${LOCAL('Input')}.$`]: '$', ...extra } : { ...state.Parameters, ...extra };
      }
      for (const k of ['TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath']) delete state[k];
      state.TimeoutSeconds = LOCAL_MAX_TIMEOUT_S;
      specs.set(name, spec);
    } else if (state.Type === 'Map' && state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') {
      const { ProcessorConfig: _pc, ...processor } = state.ItemProcessor;
      processor.States = localize(processor.States, specs, timeoutOverrides);
      const spec: DistributedMapSpec = {
        kind: 'distributedMap',
        name,
        itemSelector: state.ItemSelector ?? state.Parameters,
        processor,
        maxConcurrency: state.MaxConcurrency,
        toleratedFailurePercentage: state.ToleratedFailurePercentage,
        toleratedFailureCount: state.ToleratedFailureCount,
      };
      specs.set(name, spec);
      const params: Record<string, string> = { [`${LOCAL('Items')}.$`]: state.ItemsPath ?? '$', [`${LOCAL('MapInput')}.$`]: '$' };
      if (state.MaxConcurrencyPath) params[`${LOCAL('MaxConcurrency')}.$`] = state.MaxConcurrencyPath;
      if (state.ToleratedFailurePercentagePath) params[`${LOCAL('ToleratedFailurePercentage')}.$`] = state.ToleratedFailurePercentagePath;
      if (state.ToleratedFailureCountPath) params[`${LOCAL('ToleratedFailureCount')}.$`] = state.ToleratedFailureCountPath;
      const task: Json = { Type: 'Task', Resource: 'arn:aws:states:::local:distributedMap', Parameters: params, TimeoutSeconds: LOCAL_MAX_TIMEOUT_S };
      for (const k of ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End']) if (k in state) task[k] = state[k];
      out[name] = task;
      continue;
    } else if (state.Type === 'Map') {
      const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      state[key].States = localize(state[key].States, specs, timeoutOverrides);
    } else if (state.Type === 'Parallel') {
      state.Branches = state.Branches.map((b: Json) => ({ ...b, States: localize(b.States, specs, timeoutOverrides) }));
    }
    out[name] = state;
  }
  return out;
}

/** Replaces the `${Fn_<Name>}` placeholders the stack substitutes with Lambda ARNs. */
export function substitutePlaceholders(text: string, region: string): string {
  return text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_m, key: string) => {
    if (!key.startsWith('Fn_')) throw new Error(`Unknown placeholder \${${key}} (only \${Fn_<Name>} is substituted)`);
    return `arn:aws:lambda:${region}:${ACCOUNT}:function:${key.slice(3)}`;
  });
}

const lambdaName = (arnOrName: string) => {
  const m = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(:.+)?$/.exec(arnOrName);
  return m ? m[1] : arnOrName;
};

function replaceDeep(value: Json, from: string, to: string): { value: Json; found: boolean } {
  let found = false;
  const walk = (v: Json): Json => {
    if (v === from) {
      found = true;
      return to;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return { value: walk(value), found };
}

const clone = (v: Json) => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

export class LocalStepFunctions {
  readonly region: string;
  private readonly workflows = new Map<string, Workflow>();
  private readonly executions = new Map<string, RunningExecution>();
  private readonly tokens = new Map<string, TokenWaiter>();
  /** Tokens whose task already ended: SendTask* on them answers TaskTimedOut, as AWS does. */
  private readonly endedTokens = new Set<string>();
  private readonly functions = new Map<string, Promise<LambdaHandler>>();
  private readonly functionsDir: string;
  private closed = false;

  constructor(private readonly opts: StepFunctionsOptions = {}) {
    this.region = opts.region ?? process.env.AWS_REGION ?? 'us-east-1';
    this.functionsDir = opts.functionsDir ?? join(__dirname, '..', '..', 'functions', 'workflows');
    const dir = opts.workflowsDir ?? join(__dirname, '..', 'workflows');
    if (existsSync(dir)) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.asl.json')).sort()) {
        this.load(file.slice(0, -'.asl.json'.length), readFileSync(join(dir, file), 'utf8'));
      }
    }
  }

  /** Registers one state machine from its ASL text; throws when it is invalid for Step Functions. */
  load(name: string, aslText: string): string {
    const definition = JSON.parse(substitutePlaceholders(aslText, this.region));
    // The library's constructor validates with asl-validator (ARNs and paths checked).
    new StateMachine(definition);
    for (const fn of this.referencedFunctions(definition)) {
      if (this.opts.handlers?.[fn]) continue;
      if (!['.ts', '.js'].some((ext) => existsSync(join(this.functionsDir, fn + ext)))) {
        throw new Error(`${name}.asl.json references \${Fn_${fn}} but ${join(this.functionsDir, fn)}.ts does not exist`);
      }
    }
    const specs = new Map<string, Spec>();
    const runnable = new StateMachine(
      { ...definition, States: localize(definition.States, specs, this.opts.taskTimeoutOverrides ?? {}) },
      { validationOptions: { noValidate: true } },
    );
    for (const spec of specs.values()) {
      if (spec.kind === 'task' && !this.isSupportedResource(spec.resource)) {
        throw new Error(`${name}.asl.json: state ${spec.name} uses ${spec.resource}, which the local runner cannot run (Lambda functions and lambda:invoke[.waitForTaskToken] only)`);
      }
    }
    const arn = `arn:aws:states:${this.region}:${ACCOUNT}:stateMachine:${name}`;
    this.workflows.set(arn, { name, arn, runnable, specs, createdAt: new Date() });
    return arn;
  }

  private referencedFunctions(definition: Json): string[] {
    const names = new Set<string>();
    const text = JSON.stringify(definition);
    for (const m of text.matchAll(/arn:aws:lambda:[^:"]*:[^:"]*:function:([A-Za-z0-9_-]+)/g)) names.add(m[1]);
    return [...names];
  }

  private isSupportedResource(resource: string): boolean {
    return resource === 'arn:aws:states:::lambda:invoke' || resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken' || /^arn:aws[\w-]*:lambda:/.test(resource);
  }

  /** Environment the handlers need: `<NAME>_STATE_MACHINE_ARN` for every workflow. */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const wf of this.workflows.values()) env[stateMachineEnvVar(wf.name)] = wf.arn;
    return env;
  }

  stateMachines() {
    return [...this.workflows.values()].map((w) => ({ stateMachineArn: w.arn, name: w.name, type: 'STANDARD', creationDate: w.createdAt }));
  }

  // ---- Step Functions API operations -------------------------------------------------------

  startExecution(stateMachineArn: string, inputText = '{}', name?: string): { executionArn: string; startDate: Date } {
    if (this.closed) throw new SfnApiError('ServiceUnavailable', 'The local Step Functions runner is shutting down', 503);
    const wf = this.workflows.get(stateMachineArn);
    if (!wf) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    const execName = name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(execName)) throw new SfnApiError('InvalidName', `Invalid Name: '${execName}'`);
    let input: Json;
    try {
      input = JSON.parse(inputText);
    } catch {
      throw new SfnApiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    const executionArn = `arn:aws:states:${this.region}:${ACCOUNT}:execution:${wf.name}:${execName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn, startDate: existing.startDate };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const exec: RunningExecution = {
      executionArn,
      stateMachineArn,
      name: execName,
      status: 'RUNNING',
      startDate: new Date(),
      input: inputText,
      abort: () => undefined,
      root: undefined as unknown as Scope,
      context: {
        Execution: { Id: executionArn, Name: execName, RoleArn: `arn:aws:iam::${ACCOUNT}:role/local-stepfunctions` },
        StateMachine: { Id: stateMachineArn, Name: wf.name },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
      done: Promise.resolve(),
    };
    exec.root = this.scope(exec, wf);
    this.executions.set(executionArn, exec);
    const run = wf.runnable.run(input, { overrides: exec.root.overrides, context: exec.context });
    exec.abort = () => run.abort();
    exec.done = run.result.then(
      (output) => this.finish(exec, 'SUCCEEDED', { output: JSON.stringify(output ?? null) }),
      (e: Error & { cause?: Error }) => {
        if (e instanceof ExecutionAbortedError) return this.finish(exec, 'ABORTED', {});
        if (e instanceof ExecutionTimeoutError) return this.finish(exec, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' });
        const c = e.cause ?? e;
        return this.finish(exec, 'FAILED', { error: c.name, cause: c.message });
      },
    );
    return { executionArn, startDate: exec.startDate };
  }

  describeExecution(executionArn: string): LocalExecution {
    const exec = this.executions.get(executionArn);
    if (!exec) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return this.view(exec);
  }

  listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): LocalExecution[] {
    if (!this.workflows.has(stateMachineArn)) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${stateMachineArn}'`);
    return [...this.executions.values()]
      .filter((e) => e.stateMachineArn === stateMachineArn && (!statusFilter || e.status === statusFilter))
      .map((e) => this.view(e))
      .reverse();
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
    const exec = this.executions.get(executionArn);
    if (!exec) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    if (exec.status === 'RUNNING') {
      this.finish(exec, 'ABORTED', { error, cause });
      exec.abort();
    }
    return { stopDate: exec.stopDate ?? new Date() };
  }

  /** Waits for an execution to end (tests, CLI). */
  async waitFor(executionArn: string): Promise<LocalExecution> {
    const exec = this.executions.get(executionArn);
    if (!exec) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    await exec.done;
    return this.view(exec);
  }

  sendTaskSuccess(taskToken: string, outputText: string): void {
    const w = this.waiter(taskToken);
    let output: Json;
    try {
      output = JSON.parse(outputText);
    } catch {
      throw new SfnApiError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    w.succeed(output);
  }

  sendTaskFailure(taskToken: string, error = '', cause = ''): void {
    this.waiter(taskToken).fail(error, cause);
  }

  sendTaskHeartbeat(taskToken: string): void {
    this.waiter(taskToken).heartbeat();
  }

  /** Stops every running execution (runtime shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.executions.values()].filter((e) => e.status === 'RUNNING');
    for (const e of running) this.stopExecution(e.executionArn, 'States.Runtime', 'The local runtime stopped');
    await Promise.all(running.map((e) => e.done));
  }

  private waiter(taskToken: string): TokenWaiter {
    if (typeof taskToken !== 'string' || !taskToken) throw new SfnApiError('InvalidToken', 'Invalid token');
    const w = this.tokens.get(taskToken);
    if (w) return w;
    if (this.endedTokens.has(taskToken)) throw new SfnApiError('TaskTimedOut', 'Task Timed Out: the task of this token has already ended');
    throw new SfnApiError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  private view(e: RunningExecution): LocalExecution {
    const { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause } = e;
    return { executionArn, stateMachineArn, name, status, startDate, stopDate, input, output, error, cause };
  }

  private finish(exec: RunningExecution, status: ExecutionStatus, fields: Partial<LocalExecution>): void {
    if (exec.status !== 'RUNNING') return;
    Object.assign(exec, fields, { status, stopDate: new Date() });
    this.settle(exec.root, statesError('States.Runtime', `Execution ${status.toLowerCase()}`));
    if (status === 'FAILED' || status === 'TIMED_OUT') log.warn('local workflow execution failed', { executionArn: exec.executionArn, status, error: exec.error, cause: exec.cause });
    // Keep a bounded history of finished executions.
    if (this.executions.size > KEPT_FINISHED_EXECUTIONS) {
      for (const [arn, e] of this.executions) {
        if (this.executions.size <= KEPT_FINISHED_EXECUTIONS) break;
        if (e.status !== 'RUNNING') this.executions.delete(arn);
      }
    }
  }

  // ---- running states -------------------------------------------------------------------------

  private scope(exec: RunningExecution, wf: Workflow): Scope {
    const scope: Scope = { exec, pending: new Set(), overrides: undefined };
    scope.overrides = {
      taskResourceLocalHandlers: Object.fromEntries([...wf.specs.values()].map((spec) => [spec.name, (input: Json) => this.runState(scope, wf, spec, input)])),
      waitTimeOverrides: this.opts.waitTimeOverrides,
      retryIntervalOverrides: this.opts.retryIntervalOverrides,
    };
    return scope;
  }

  private settle(scope: Scope, e: Error): void {
    for (const f of [...scope.pending]) f(e);
    scope.pending.clear();
  }

  private runState(scope: Scope, wf: Workflow, spec: Spec, input: Json): Promise<Json> {
    if (scope.exec.status !== 'RUNNING') return Promise.reject(statesError('States.Runtime', 'Execution has ended'));
    return spec.kind === 'task' ? this.runTask(scope, spec, input) : this.runDistributedMap(scope, wf, spec, input);
  }

  private runTask(scope: Scope, spec: TaskSpec, raw: Json): Promise<Json> {
    let input = raw;
    let timeoutSeconds = spec.timeoutSeconds;
    let heartbeatSeconds = spec.heartbeatSeconds;
    if (input && typeof input === 'object' && !Array.isArray(input)) {
      const { [LOCAL('TimeoutSeconds')]: t, [LOCAL('HeartbeatSeconds')]: h, [LOCAL('Input')]: whole, ...rest } = input;
      if (t !== undefined) timeoutSeconds = t;
      if (h !== undefined) heartbeatSeconds = h;
      input = whole !== undefined ? whole : rest;
    }
    for (const [label, v] of [['TimeoutSecondsPath', timeoutSeconds], ['HeartbeatSecondsPath', heartbeatSeconds]] as const) {
      if (v !== undefined && !(Number.isInteger(v) && v > 0)) return Promise.reject(statesError('States.Runtime', `${spec.name}: ${label} must select a positive integer, got ${JSON.stringify(v)}`));
    }
    const callback = spec.resource.endsWith('.waitForTaskToken');
    const viaIntegration = spec.resource.startsWith('arn:aws:states:::lambda:invoke');
    const functionName = lambdaName(viaIntegration ? String(input?.FunctionName ?? '') : spec.resource);
    let payload = viaIntegration ? (input?.Payload ?? {}) : input;
    let token: string | undefined;
    if (callback) {
      token = `local-${randomUUID()}-${randomUUID()}`;
      const replaced = replaceDeep(payload, TASK_TOKEN_PLACEHOLDER, token);
      if (!replaced.found) return Promise.reject(statesError('States.Runtime', `${spec.name}: a .waitForTaskToken task must pass $$.Task.Token in its Payload`));
      payload = replaced.value;
    }

    return new Promise<Json>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      let heartbeatTimer: NodeJS.Timeout | undefined;
      let settled = false;
      const end = () => {
        settled = true;
        timers.forEach(clearTimeout);
        clearTimeout(heartbeatTimer);
        scope.pending.delete(abandon);
        if (token) {
          this.tokens.delete(token);
          this.endedTokens.add(token);
          if (this.endedTokens.size > 10_000) this.endedTokens.delete(this.endedTokens.values().next().value as string);
        }
      };
      const ok = (v: Json) => {
        if (settled) return;
        end();
        resolve(v);
      };
      const fail = (e: Error) => {
        if (settled) return;
        end();
        reject(e);
      };
      const abandon = (e: Error) => fail(e);
      scope.pending.add(abandon);
      if (timeoutSeconds !== undefined && timeoutSeconds * 1000 <= MAX_TIMER_MS) {
        timers.push(setTimeout(() => fail(statesError('States.Timeout', `${spec.name} timed out after ${timeoutSeconds} s`)), timeoutSeconds * 1000));
      }
      const armHeartbeat = () => {
        clearTimeout(heartbeatTimer);
        if (heartbeatSeconds !== undefined && heartbeatSeconds * 1000 <= MAX_TIMER_MS) {
          heartbeatTimer = setTimeout(() => fail(statesError('States.HeartbeatTimeout', `${spec.name}: no heartbeat for ${heartbeatSeconds} s`)), heartbeatSeconds * 1000);
        }
      };
      if (token) {
        this.tokens.set(token, {
          succeed: (output) => ok(output),
          fail: (error, cause) => fail(statesError(error, cause)),
          heartbeat: armHeartbeat,
        });
        armHeartbeat();
      }
      this.invoke(functionName, payload).then(
        (result) => {
          if (callback) return; // the token decides
          ok(viaIntegration ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 } : result);
        },
        (e: Error) => fail(e),
      );
    });
  }

  /** Invokes a task Lambda as the Lambda service would: JSON in, JSON out, errors named by type. */
  private async invoke(functionName: string, payload: Json): Promise<Json> {
    let handler: LambdaHandler;
    try {
      handler = await this.loadFunction(functionName);
    } catch (e) {
      throw statesError('Lambda.ResourceNotFoundException', `Function not found: ${functionName} (${(e as Error).message})`);
    }
    try {
      return clone(await handler(clone(payload), lambdaContext(functionName, 900_000)));
    } catch (e) {
      const err = e as Error;
      const errorType = err?.name && err.name !== 'Error' ? err.name : 'Error';
      throw statesError(errorType, JSON.stringify({ errorType, errorMessage: err?.message ?? String(e) }));
    }
  }

  private loadFunction(name: string): Promise<LambdaHandler> {
    const given = this.opts.handlers?.[name];
    if (given) return Promise.resolve(given);
    let p = this.functions.get(name);
    if (!p) {
      p = import(join(this.functionsDir, name)).then((m) => {
        if (typeof m.handler !== 'function') throw new Error(`functions/workflows/${name} exports no handler`);
        return m.handler as LambdaHandler;
      });
      p.catch(() => this.functions.delete(name));
      this.functions.set(name, p);
    }
    return p;
  }

  /** A Distributed Map: each item is a child execution of the ItemProcessor. */
  private async runDistributedMap(scope: Scope, wf: Workflow, spec: DistributedMapSpec, input: Json): Promise<Json> {
    const items = input[LOCAL('Items')];
    const mapInput = input[LOCAL('MapInput')];
    if (!Array.isArray(items)) throw statesError('States.Runtime', `${spec.name}: ItemsPath must select an array`);
    const maxConcurrency: number = input[LOCAL('MaxConcurrency')] ?? spec.maxConcurrency ?? 0;
    const tolPct: number | undefined = input[LOCAL('ToleratedFailurePercentage')] ?? spec.toleratedFailurePercentage;
    const tolCount: number | undefined = input[LOCAL('ToleratedFailureCount')] ?? spec.toleratedFailureCount;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 0) throw statesError('States.Runtime', `${spec.name}: MaxConcurrency must be a non-negative integer`);
    if (tolPct !== undefined && !(typeof tolPct === 'number' && tolPct >= 0 && tolPct <= 100)) throw statesError('States.Runtime', `${spec.name}: ToleratedFailurePercentage must be from 0 to 100`);
    const child = new StateMachine(spec.processor, { validationOptions: { noValidate: true } });
    const limit = maxConcurrency === 0 ? 1000 : maxConcurrency; // AWS runs at most 10,000; 1,000 is plenty here
    const exceeded = (failed: number) => {
      // Neither given: no failure is tolerated. Either exceeded: the map run fails.
      if (tolPct === undefined && tolCount === undefined) return failed > 0;
      return (tolPct !== undefined && (failed / items.length) * 100 > tolPct) || (tolCount !== undefined && failed > tolCount);
    };

    const results: Json[] = new Array(items.length).fill(null);
    const running = new Set<() => void>();
    let next = 0;
    let active = 0;
    let failed = 0;
    let stopped = false;
    await new Promise<void>((resolve, reject) => {
      const stopAll = (e: Error) => {
        if (stopped) return;
        stopped = true;
        scope.pending.delete(stopAll);
        for (const abort of running) abort();
        reject(e);
      };
      scope.pending.add(stopAll);
      const pump = () => {
        while (!stopped && active < limit && next < items.length) {
          const i = next++;
          active++;
          this.runChild(scope, wf, child, spec, mapInput, items[i], i, running).then(
            (out) => {
              results[i] = out;
            },
            (e: Error & { cause?: Error }) => {
              if (e instanceof ExecutionAbortedError) return;
              const c = e.cause ?? e;
              results[i] = { Error: c.name, Cause: c.message };
              failed++;
              if (exceeded(failed)) {
                stopAll(statesError('States.ExceedToleratedFailureThreshold', `${spec.name}: ${failed} of ${items.length} items failed, more than tolerated`));
              }
            },
          ).finally(() => {
            active--;
            if (!stopped && active === 0 && next >= items.length) {
              stopped = true;
              scope.pending.delete(stopAll);
              resolve();
            } else pump();
          });
        }
        if (!stopped && items.length === 0) {
          stopped = true;
          scope.pending.delete(stopAll);
          resolve();
        }
      };
      pump();
    });
    return results;
  }

  private async runChild(parent: Scope, wf: Workflow, child: StateMachine, spec: DistributedMapSpec, mapInput: Json, item: Json, index: number, running: Set<() => void>): Promise<Json> {
    const { exec } = parent;
    let childInput = item;
    if (spec.itemSelector !== undefined) {
      const select = new StateMachine({ StartAt: 'Select', States: { Select: { Type: 'Pass', Parameters: spec.itemSelector, End: true } } } as Json, { validationOptions: { noValidate: true } });
      childInput = await select.run(mapInput, { context: { ...exec.context, Map: { Item: { Index: index, Value: item } } } }).result;
    }
    // A child execution of its own: stopping it ends its waiting tasks (their tokens then time out).
    const scope = this.scope(exec, wf);
    const run = child.run(childInput, { overrides: scope.overrides, context: exec.context });
    const stop = (e: Error) => {
      run.abort();
      this.settle(scope, e);
    };
    const abort = () => stop(statesError('States.Runtime', 'Child execution stopped'));
    running.add(abort);
    parent.pending.add(stop);
    try {
      return await run.result;
    } finally {
      running.delete(abort);
      parent.pending.delete(stop);
      this.settle(scope, statesError('States.Runtime', 'Child execution ended'));
    }
  }

  // ---- the HTTP endpoint (AWS JSON 1.0) --------------------------------------------------------

  /** Serves POST / with X-Amz-Target: AWSStepFunctions.<Operation> (the runtime mounts it at /sfn). */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 1024 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID() });
        // Timestamps are epoch seconds in the JSON protocol (Date.toJSON runs before a replacer sees the value).
        res.end(JSON.stringify(body, function (this: Record<string, unknown>, k, v) {
          return this[k] instanceof Date ? (this[k] as Date).getTime() / 1000 : v;
        }));
      };
      try {
        if (req.method !== 'POST') throw new SfnApiError('UnknownOperationException', 'Use POST with X-Amz-Target', 404);
        if (size > 1024 * 1024) throw new SfnApiError('ValidationException', 'Request body too large', 413);
        const target = String(req.headers['x-amz-target'] ?? '');
        const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
        let body: Json = {};
        try {
          body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        } catch {
          throw new SfnApiError('SerializationException', 'Body is not valid JSON');
        }
        reply(200, this.dispatch(op, body ?? {}));
      } catch (e) {
        if (e instanceof SfnApiError) return reply(e.status, { __type: e.code, message: e.message });
        log.error('local Step Functions API failure', { error: String((e as Error)?.stack ?? e) });
        reply(500, { __type: 'InternalFailure', message: 'Internal failure' });
      }
    });
  }

  private dispatch(op: string, b: Json): unknown {
    const str = (k: string, required = true): string => {
      const v = b[k];
      if (v === undefined && !required) return undefined as unknown as string;
      if (typeof v !== 'string' || !v) throw new SfnApiError('ValidationException', `${k} is required`);
      return v;
    };
    switch (op) {
      case 'StartExecution':
        return this.startExecution(str('stateMachineArn'), b.input ?? '{}', str('name', false));
      case 'DescribeExecution':
        return this.describeExecution(str('executionArn'));
      case 'StopExecution':
        return this.stopExecution(str('executionArn'), b.error, b.cause);
      case 'SendTaskSuccess':
        this.sendTaskSuccess(str('taskToken'), str('output'));
        return {};
      case 'SendTaskFailure':
        this.sendTaskFailure(str('taskToken'), b.error ?? '', b.cause ?? '');
        return {};
      case 'SendTaskHeartbeat':
        this.sendTaskHeartbeat(str('taskToken'));
        return {};
      case 'ListExecutions':
        return {
          executions: this.listExecutions(str('stateMachineArn'), b.statusFilter).slice(0, b.maxResults || 100)
            .map(({ executionArn, stateMachineArn, name, status, startDate, stopDate }) => ({ executionArn, stateMachineArn, name, status, startDate, stopDate })),
        };
      case 'ListStateMachines':
        return { stateMachines: this.stateMachines() };
      default:
        throw new SfnApiError('UnknownOperationException', `Operation ${op || '(none)'} is not supported by the local Step Functions endpoint`);
    }
  }
}
