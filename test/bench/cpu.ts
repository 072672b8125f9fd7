/**
 * Part 2: handler CPU per message.
 *
 * (a) pipeline — pure CPU, no I/O, no stand-ins: for a fixed raw CALL text of each action,
 *     parseFrame → handlersFor (route) → assertPayload (request schema) → checkPayload (answer
 *     schema, on a canned valid answer) → resultFrame (serialize). The action's own logic and
 *     everything after it (DynamoDB, message log) is not in this number. Timed per message with
 *     process.hrtime after a warm-up (schemas already compiled).
 * (b) Lambda handler — the real route Lambda (functions/ocpp/<Action>.ts `handler`) invoked with
 *     an API Gateway–shaped event, one at a time, against the embedded DynamoDB (which the local
 *     runtime runs in a process of its own). process.cpuUsage() around each invocation is the CPU this process spent:
 *     pipeline + action logic + AWS SDK (marshalling, SigV4 signing, HTTP) + message log write,
 *     without the database's own work and without waiting. Wall time is reported beside it.
 */
import { randomBytes } from 'node:crypto';
import { captureLogs, progress } from './io';
import { samplesFor, type BenchProtocol, type Sample, type SampleState } from './samples';
import { summarize, type Summary } from './stats';

export interface PipelineRow {
  name: string;
  protocol: BenchProtocol;
  /** Microseconds per message. */
  us: Summary;
}

export interface HandlerRow {
  name: string;
  protocol: BenchProtocol;
  outcome: string;
  /** Milliseconds of process CPU per invocation. */
  cpuMs: Summary;
  wallMs: Summary;
}

export interface CpuResult {
  pipeline: PipelineRow[];
  handler: HandlerRow[];
  /** The same 1.6 messages through the SOAP Lambda (functions/soap.ts): XML parse, WSDL decode, per-message authorization and endpoint write, the JSON pipeline, XML encode. */
  soapHandler?: HandlerRow[];
  skipped: string[];
  method: string;
}

export interface CpuOptions {
  pipelineIterations: number;
  handlerIterations: number;
}

export async function measureCpu(opts: CpuOptions): Promise<CpuResult> {
  const { ROUTES, handlersFor } = await import('../../shared/ocpp/routes');
  const routes = new Set(Object.keys(ROUTES));
  const skipped: string[] = [];
  const wanted: Sample[] = [];
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    for (const s of samplesFor(protocol)) {
      if (routes.has(s.action)) wanted.push(s);
      else skipped.push(`${protocol} ${s.name} (not in ROUTES)`);
    }
  }
  progress(`cpu: pipeline, ${wanted.length} messages × ${opts.pipelineIterations}`);
  const pipeline = await measurePipeline(wanted, opts.pipelineIterations, handlersFor);
  progress(`cpu: Lambda handlers × ${opts.handlerIterations} (DynamoDB in a child process)`);
  const soapHandler: HandlerRow[] = [];
  const handler = await measureHandlers(wanted, opts.handlerIterations, skipped, soapHandler);
  return {
    pipeline,
    handler,
    soapHandler,
    skipped,
    method: 'pipeline = parseFrame + route lookup + request schema + answer schema (canned valid answer) + resultFrame, hrtime per message, no I/O; '
      + 'handler = process.cpuUsage() around one invocation of the real route Lambda with the embedded DynamoDB in another process (includes the action logic, AWS SDK and message-log write; excludes the database and waiting)',
  };
}

async function measurePipeline(samples: Sample[], iterations: number, handlersFor: (a: string) => unknown): Promise<PipelineRow[]> {
  const { parseFrame, resultFrame } = await import('../../shared/ocpp/framing');
  const { assertPayload, checkPayload } = await import('../../shared/ocpp/validation');
  const rows: PipelineRow[] = [];
  const state: SampleState = { idTag: 'BENCHTAG1', transactionId: 1, seqNo: 1, meter: 1000, n: 1 };
  for (const s of samples) {
    const version = s.protocol === 'ocpp1.6' ? '1.6' : '2.0.1';
    const raw = JSON.stringify([2, '3f1d6e0c-2c5e-4a8e-9d8e-6a4b1f0e7c11', s.action, s.request(state)]);
    const once = () => {
      const frame = parseFrame(raw);
      if (frame.type !== 2) throw new Error('not a CALL');
      if (!handlersFor(frame.action)) throw new Error(`no route for ${frame.action}`);
      assertPayload(version, frame.action, 'req', frame.payload);
      if (checkPayload(version, frame.action, 'conf', s.response)) throw new Error(`canned answer of ${s.name} is invalid`);
      return resultFrame(frame.id, s.response);
    };
    for (let i = 0; i < Math.min(2000, iterations); i++) once();
    const us = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint();
      once();
      us[i] = Number(process.hrtime.bigint() - t0) / 1e3;
    }
    rows.push({ name: s.name, protocol: s.protocol, us: summarize(us) });
  }
  return rows;
}

type Handler = (event: unknown, context?: unknown) => Promise<{ statusCode: number; body?: string }>;

async function measureHandlers(samples: Sample[], iterations: number, skipped: string[], soapRows: HandlerRow[]): Promise<HandlerRow[]> {
  // startDynamo runs dynalite in a child process of its own (infra/local/dynalite-process.js).
  const { startDynamo } = await import('../../infra/local/dynamo');
  const dynamo = await startDynamo();
  const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, level: process.env.LOG_LEVEL };
  const aws = await import('../../shared/aws');
  try {
    const endpoint = dynamo.endpoint;
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
      LOG_LEVEL: 'info', // what the stack logs: formatting log lines is part of a handler's CPU
    });
    aws.resetClients();
    const logs = captureLogs();
    try {
      const rows = await handlerRows(samples, iterations, skipped);
      progress(`cpu: SOAP Lambda × ${iterations}`);
      soapRows.push(...await soapHandlerRows(iterations));
      return rows;
    } finally {
      logs.restore();
    }
  } finally {
    restore('DYNAMODB_ENDPOINT', saved.endpoint);
    restore('LOG_LEVEL', saved.level);
    aws.resetClients();
    await dynamo.close();
  }
}

async function handlerRows(samples: Sample[], iterations: number, skipped: string[]): Promise<HandlerRow[]> {
  const rows: HandlerRow[] = [];
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    const cpId = `BENCH-CPU-${process.pid}-${protocol}`;
    const { registerIfAbsent } = await import('../../shared/store/charge-points');
    await registerIfAbsent(cpId);
    const handlers = new Map<string, Handler>();
    const load = async (action: string) => {
      if (!handlers.has(action)) handlers.set(action, (await import(`../../functions/ocpp/${action}`)).handler as Handler);
      return handlers.get(action)!;
    };
    const state: SampleState = { idTag: 'BENCHTAG1', seqNo: 0, meter: 1000, n: 0 };
    const invoke = async (s: Sample) => {
      state.n++;
      const fn = await load(s.action);
      const out = await fn(event(cpId, protocol, s.action, s.request(state)), {});
      return JSON.parse(out.body ?? '[]') as unknown[];
    };
    const byName = (name: string) => samplesFor(protocol).find((x) => x.name === name);
    // What a message needs to have happened before it (and is not timed).
    const prepare = async (s: Sample) => {
      if (s.name === 'StopTransaction' || (s.name === 'MeterValues' && protocol === 'ocpp1.6' && state.transactionId === undefined)) {
        const start = byName('StartTransaction');
        if (start) {
          const f = await invoke(start);
          state.transactionId = (f[2] as { transactionId?: number })?.transactionId ?? 1;
        }
      }
      if (s.name === 'TransactionEvent:Ended' || (s.name === 'TransactionEvent:Updated' && state.transactionId === undefined)) {
        state.transactionId = `bench-cpu-${state.n}`;
        state.seqNo = 0;
        const started = byName('TransactionEvent:Started');
        if (started) await invoke(started);
      }
      state.seqNo++;
      state.meter += 10;
    };
    for (const s of samples.filter((x) => x.protocol === protocol)) {
      try {
        await load(s.action);
      } catch (e) {
        skipped.push(`${protocol} ${s.name} handler (${String((e as Error).message).split('\n')[0]})`);
        continue;
      }
      if (s.name === 'TransactionEvent:Started' || s.name === 'StartTransaction') state.transactionId = undefined;
      const warm = Math.min(30, iterations);
      let outcome = '';
      for (let i = 0; i < warm; i++) {
        await prepare(s);
        const f = await invoke(s);
        outcome = f[0] === 3 ? 'CALLRESULT' : `CALLERROR ${String(f[2])}`;
      }
      const cpu = new Float64Array(iterations);
      const wall = new Float64Array(iterations);
      for (let i = 0; i < iterations; i++) {
        await prepare(s);
        const c0 = process.cpuUsage();
        const t0 = process.hrtime.bigint();
        await invoke(s);
        wall[i] = Number(process.hrtime.bigint() - t0) / 1e6;
        const c = process.cpuUsage(c0);
        cpu[i] = (c.user + c.system) / 1e3;
      }
      rows.push({ name: s.name, protocol, outcome, cpuMs: summarize(cpu), wallMs: summarize(wall) });
    }
  }
  return rows;
}

/**
 * The SOAP Lambda (functions/soap.ts) with an HTTP API event per message, for the messages of a
 * session (SOAP_SAMPLE_NAMES), timed as the route Lambdas above: process CPU around one invocation.
 */
async function soapHandlerRows(iterations: number): Promise<HandlerRow[]> {
  const { handler } = await import('../../functions/soap');
  const { soapAnswer, soapRequest, SOAP_SAMPLE_NAMES } = await import('./soap');
  const { registerIfAbsent } = await import('../../shared/store/charge-points');
  const cpId = `BENCH-CPU-${process.pid}-soap`;
  await registerIfAbsent(cpId);
  const state: SampleState = { idTag: 'BENCHTAG1', seqNo: 0, meter: 1000, n: 0 };
  const invoke = async (name: string) => {
    const s = samplesFor('ocpp1.6').find((x) => x.name === name)!;
    state.n++;
    const req = soapRequest(cpId, s.action, s.request(state), 'http://127.0.0.1:9/bench-station');
    const out = await handler(httpEvent(req.headers, req.body), {} as never) as { statusCode: number; body: string };
    return soapAnswer(s.action, out.statusCode, out.body);
  };
  await invoke('BootNotification'); // the registration gate: the station is Accepted from here on
  const rows: HandlerRow[] = [];
  for (const name of SOAP_SAMPLE_NAMES) {
    const prepare = async () => {
      if (name === 'StopTransaction' || (name === 'MeterValues' && state.transactionId === undefined)) {
        state.transactionId = Number((await invoke('StartTransaction')).payload?.transactionId ?? 1);
      }
      state.meter += 10;
    };
    if (name === 'StartTransaction') state.transactionId = undefined;
    let outcome = '';
    for (let i = 0; i < Math.min(30, iterations); i++) {
      await prepare();
      outcome = (await invoke(name)).outcome;
    }
    const cpu = new Float64Array(iterations);
    const wall = new Float64Array(iterations);
    for (let i = 0; i < iterations; i++) {
      await prepare();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await invoke(name);
      wall[i] = Number(process.hrtime.bigint() - t0) / 1e6;
      const c = process.cpuUsage(c0);
      cpu[i] = (c.user + c.system) / 1e3;
    }
    rows.push({ name, protocol: 'ocpp1.6', outcome, cpuMs: summarize(cpu), wallMs: summarize(wall) });
  }
  return rows;
}

/** The payload-format-2.0 event the HTTP API gives the SOAP Lambda (as infra/local/soap.ts builds it). */
function httpEvent(headers: Record<string, string>, body: string) {
  const id = randomBytes(8).toString('hex');
  return {
    version: '2.0', routeKey: 'POST /ocpp/soap', rawPath: '/ocpp/soap', rawQueryString: '', headers, body, isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000', apiId: 'local', domainName: '127.0.0.1', domainPrefix: 'local', stage: '$default', requestId: id,
      routeKey: 'POST /ocpp/soap', time: new Date().toISOString(), timeEpoch: Date.now(),
      http: { method: 'POST', path: '/ocpp/soap', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    },
  };
}

function restore(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** The event API Gateway gives a two-way route Lambda (as infra/local/gateway.ts builds it). */
function event(chargePointId: string, protocol: BenchProtocol, action: string, payload: unknown) {
  const id = randomBytes(8).toString('hex');
  return {
    body: JSON.stringify([2, id, action, payload]),
    isBase64Encoded: false,
    requestContext: {
      routeKey: action, eventType: 'MESSAGE', connectionId: 'bench-connection', messageId: id, messageDirection: 'IN',
      stage: 'local', domainName: '127.0.0.1', apiId: 'local', requestId: id, extendedRequestId: id,
      requestTimeEpoch: Date.now(), connectedAt: Date.now(),
      authorizer: { chargePointId, protocol, registrationStatus: 'Accepted', principalId: chargePointId },
    },
  };
}
