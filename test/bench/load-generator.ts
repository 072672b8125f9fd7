/**
 * The load generator, in a process of its own so it never shares the server's event loop.
 * N raw `ws` clients (no OCPP library: pre-built frames, answers recognised by their first bytes),
 * each a charge point with at most one CALL outstanding, as OCPP-J requires.
 *
 *   closed — every charge point sends its next message as soon as the previous one is answered
 *            ("as fast as answered"): measures throughput; latency is then mostly queueing.
 *   paced  — every charge point sends `ratePerCp` messages a second at fixed intended times
 *            (random phase). When an answer is late the next message waits, and its latency is
 *            counted from its intended send time, so slow answers are not hidden (no coordinated
 *            omission).
 *
 *   sessions — closed, but each charge point runs transaction sessions: start, meter values, stop
 *            (1.6 StartTransaction/MeterValues/StopTransaction, 2.0.1 TransactionEvent
 *            Started/Updated/Ended), the frames of test/bench/samples.ts.
 *   storm  — `count` new stations connect spread evenly over `spreadMs` and each sends
 *            BootNotification, two StatusNotifications and a start of transaction, one after the
 *            other; every answer's latency and the time until all are served.
 *
 * IPC: connect / run / storm / close / exit, answered with connected / result / storm / closed.
 * Connections live in pools (`pool`, default "default"), e.g. one per OCPP version.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { samplesFor, type BenchProtocol, type Sample, type SampleState } from './samples';

interface Cp {
  ws: WebSocket;
  busy: boolean;
  intended: number;
  backlog: number[];
  next: number;
  flip: boolean;
  timer?: NodeJS.Timeout;
  protocol: BenchProtocol;
  /** sessions: index into the session's steps, and the session's state. */
  step: number;
  state: SampleState;
}

const pools = new Map<string, Cp[]>();
const poolOf = (name = 'default') => {
  let p = pools.get(name);
  if (!p) pools.set(name, (p = []));
  return p;
};
let seq = 0;
let running = false;
let recording = false;
let mode: 'closed' | 'paced' = 'closed';
let action: 'Heartbeat' | 'StatusNotification' | 'mixed' | 'sessions' = 'Heartbeat';
let latencies: number[] = [];
let answered = 0;
let errors = 0;
let sessions = 0;
const errorSamples: string[] = [];
const IDTAG = 'BENCHTAG1';

const HEARTBEAT = (id: string) => `[2,"${id}","Heartbeat",{}]`;
const STATUS = (id: string) => `[2,"${id}","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]`;

const SESSION_STEPS: Record<BenchProtocol, string[]> = {
  'ocpp1.6': ['StartTransaction', 'MeterValues', 'StopTransaction'],
  'ocpp2.0.1': ['TransactionEvent:Started', 'TransactionEvent:Updated', 'TransactionEvent:Ended'],
};
const sampleCache = new Map<string, Sample>();
function sample(protocol: BenchProtocol, name: string): Sample {
  const key = `${protocol} ${name}`;
  let s = sampleCache.get(key);
  if (!s) {
    s = samplesFor(protocol).find((x) => x.name === name);
    if (!s) throw new Error(`no bench sample ${key}`);
    sampleCache.set(key, s);
  }
  return s;
}
const frameOf = (cp: Cp, name: string, id: string) => {
  const smp = sample(cp.protocol, name);
  return JSON.stringify([2, id, smp.action, smp.request(cp.state)]);
};

function send(cp: Cp, intended: number): void {
  cp.busy = true;
  cp.intended = intended;
  const id = (++seq).toString(36);
  if (action === 'sessions') {
    const steps = SESSION_STEPS[cp.protocol];
    if (cp.step === 0) {
      cp.state.n++;
      cp.state.seqNo = 0;
      if (cp.protocol !== 'ocpp1.6') cp.state.transactionId = `tx-${id}`;
    } else cp.state.seqNo++;
    cp.ws.send(frameOf(cp, steps[cp.step], id));
    return;
  }
  let which = action;
  if (which === 'mixed') {
    cp.flip = !cp.flip;
    which = cp.flip ? 'Heartbeat' : 'StatusNotification';
  }
  cp.ws.send(which === 'Heartbeat' ? HEARTBEAT(id) : STATUS(id));
}

function onAnswer(cp: Cp, data: Buffer): void {
  const now = performance.now();
  if (!cp.busy) return;
  cp.busy = false;
  if (action === 'sessions') {
    // The 1.6 transaction id comes with the StartTransaction answer.
    if (cp.step === 0 && cp.protocol === 'ocpp1.6') {
      try {
        cp.state.transactionId = JSON.parse(data.toString())[2]?.transactionId ?? cp.state.transactionId;
      } catch {
        /* counted as an error below */
      }
    }
    const last = cp.step === SESSION_STEPS[cp.protocol].length - 1;
    cp.step = last ? 0 : cp.step + 1;
    if (recording && last) sessions++;
  }
  if (recording) {
    answered++;
    latencies.push(now - cp.intended);
    // A CALLRESULT starts with `[3,`; anything else (CALLERROR, gateway error) is an error.
    if (!(data[0] === 0x5b && data[1] === 0x33 && data[2] === 0x2c)) {
      errors++;
      if (errorSamples.length < 3) errorSamples.push(data.toString().slice(0, 160));
    }
  }
  if (!running) return;
  if (mode === 'closed') send(cp, now);
  else if (cp.backlog.length) send(cp, cp.backlog.shift()!);
}

function schedule(cp: Cp, period: number): void {
  const fire = () => {
    if (!running) return;
    const intended = cp.next;
    cp.next += period;
    // Blocked by an unanswered message: this one's latency runs from when it should have gone.
    // Otherwise it goes now, and its latency runs from now (timers may fire a little early or late).
    if (cp.busy) cp.backlog.push(intended);
    else send(cp, performance.now());
    cp.timer = setTimeout(fire, Math.max(0, cp.next - performance.now()));
  };
  cp.timer = setTimeout(fire, Math.max(0, cp.next - performance.now()));
}

function open(url: string, protocol: BenchProtocol = 'ocpp1.6'): Promise<Cp> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol, { perMessageDeflate: false });
    const cp: Cp = { ws, busy: false, intended: 0, backlog: [], next: 0, flip: false, protocol, step: 0, state: { idTag: IDTAG, seqNo: 0, meter: 1000, n: 0 } };
    ws.on('message', (data) => onAnswer(cp, data as Buffer));
    ws.once('open', () => resolve(cp));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', () => undefined);
  });
}

async function connect(url: string, prefix: string, from: number, to: number, concurrency: number, pool?: string, protocol?: BenchProtocol) {
  const cps = poolOf(pool);
  const t0 = performance.now();
  let ok = 0;
  let failed = 0;
  let firstError = '';
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      try {
        cps.push(await open(`${url}/${prefix}${i}`, protocol));
        ok++;
      } catch (e) {
        failed++;
        firstError ||= String((e as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ok, failed, firstError, ms: performance.now() - t0, total: cps.length };
}

async function run(opts: { mode: 'closed' | 'paced'; action: typeof action; active: number; ratePerCp?: number; warmupMs: number; durationMs: number; pool?: string }) {
  mode = opts.mode;
  action = opts.action;
  const active = poolOf(opts.pool).slice(0, opts.active);
  for (const cp of active) cp.step = 0;
  latencies = [];
  answered = 0;
  errors = 0;
  sessions = 0;
  errorSamples.length = 0;
  running = true;
  recording = false;
  const start = performance.now();
  if (mode === 'closed') {
    for (const cp of active) send(cp, performance.now());
  } else {
    const period = 1000 / (opts.ratePerCp ?? 1);
    for (const cp of active) {
      cp.backlog = [];
      cp.next = start + Math.random() * period;
      schedule(cp, period);
    }
  }
  await sleep(opts.warmupMs);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  recording = true;
  await sleep(opts.durationMs);
  recording = false;
  const durationMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  running = false;
  for (const cp of active) if (cp.timer) clearTimeout(cp.timer);
  // Let the messages in flight finish before the next phase.
  const drainUntil = performance.now() + 10_000;
  while (active.some((cp) => cp.busy) && performance.now() < drainUntil) await sleep(10);
  const stuck = active.filter((cp) => cp.busy).length;
  for (const cp of active) cp.busy = false;
  // Sessions cut short by the end of the phase: the next phase starts new ones (a stop still owed
  // leaves a transaction open, as a station that went away would).
  for (const cp of active) cp.step = 0;
  const backlog = active.reduce((s, cp) => s + cp.backlog.length, 0);
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return {
    answered, errors, errorSamples: [...errorSamples], durationMs, ratePerSecond: (answered / durationMs) * 1000,
    sessionsPerSecond: action === 'sessions' ? (sessions / durationMs) * 1000 : undefined,
    latencyMs: { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN },
    loadGeneratorCores: (cpu.user + cpu.system) / 1e3 / durationMs, stuck, backlog,
  };
}

async function closeAll() {
  const all = [...pools.values()].flatMap((p) => p.splice(0));
  await Promise.all(all.map((cp) => new Promise<void>((r) => {
    if (cp.ws.readyState === WebSocket.CLOSED) return r();
    cp.ws.once('close', () => r());
    cp.ws.close();
    setTimeout(() => {
      cp.ws.terminate();
      r();
    }, 5000).unref();
  })));
}

/**
 * Reconnect storm: `count` stations that the CSMS has not seen connect at evenly spread times over
 * `spreadMs`; each sends BootNotification, StatusNotification ×2 and a start of transaction, the next
 * as soon as the previous is answered. A station is served when its last answer arrives. Stations
 * are closed afterwards. Answers after `timeoutMs` from the start are not waited for.
 */
async function storm(opts: { url: string; prefix: string; count: number; spreadMs: number; protocol: BenchProtocol; timeoutMs: number }) {
  const steps = opts.protocol === 'ocpp1.6' ? ['BootNotification', 'StatusNotification', 'StatusNotification', 'StartTransaction'] : ['BootNotification', 'StatusNotification', 'StatusNotification', 'TransactionEvent:Started'];
  const answers: number[] = [];
  const connects: number[] = [];
  let served = 0;
  let failed = 0;
  let callErrors = 0;
  let lastServedAt = 0;
  const firstErrors: string[] = [];
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  const deadline = t0 + opts.timeoutMs;
  const station = (i: number) => new Promise<void>((resolve) => {
    const begin = performance.now();
    const ws = new WebSocket(`${opts.url}/${opts.prefix}${i}`, opts.protocol, { perMessageDeflate: false, handshakeTimeout: Math.max(1000, deadline - begin) });
    sockets.push(ws);
    const cp: Cp = { ws, busy: false, intended: 0, backlog: [], next: 0, flip: false, protocol: opts.protocol, step: 0, state: { idTag: IDTAG, seqNo: 0, meter: 1000, n: 1, transactionId: `tx-storm-${i}` } };
    let sentAt = 0;
    let step = 0;
    const timer = setTimeout(() => finish('not served before the phase timeout'), Math.max(0, deadline - begin));
    let done = false;
    const finish = (err?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        failed++;
        if (firstErrors.length < 3) firstErrors.push(err);
      }
      resolve();
    };
    const next = () => {
      sentAt = performance.now();
      ws.send(frameOf(cp, steps[step], `s${i}-${step}`));
    };
    ws.once('open', () => {
      connects.push(performance.now() - begin);
      next();
    });
    ws.on('message', (data: Buffer) => {
      const now = performance.now();
      answers.push(now - sentAt);
      if (!(data[0] === 0x5b && data[1] === 0x33 && data[2] === 0x2c)) {
        callErrors++;
        if (firstErrors.length < 3) firstErrors.push(data.toString().slice(0, 160));
      }
      step++;
      if (step < steps.length) return next();
      served++;
      lastServedAt = Math.max(lastServedAt, now);
      finish();
    });
    ws.once('unexpected-response', (_req, res) => finish(`HTTP ${res.statusCode} on connect`));
    ws.on('error', (e) => finish(String(e.message)));
    ws.once('close', () => finish(step < steps.length ? 'closed before served' : undefined));
  });
  const all: Promise<void>[] = [];
  for (let i = 0; i < opts.count; i++) {
    const at = t0 + (i * opts.spreadMs) / opts.count;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    all.push(station(i));
  }
  await Promise.all(all);
  const summary = (v: number[]) => {
    const sorted = Float64Array.from(v).sort();
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
    return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
  };
  const result = {
    stations: opts.count, spreadMs: opts.spreadMs, protocol: opts.protocol, steps,
    served, failed, callErrors, errorSamples: firstErrors,
    allServedMs: served === opts.count ? lastServedAt - t0 : null,
    answerLatencyMs: summary(answers), connectLatencyMs: summary(connects),
  };
  await Promise.all(sockets.map((ws) => new Promise<void>((r) => {
    if (ws.readyState === WebSocket.CLOSED) return r();
    ws.once('close', () => r());
    ws.terminate();
  })));
  return result;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.on('message', async (m: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    if (m.type === 'connect') process.send?.({ type: 'connected', ...(await connect(m.url, m.prefix, m.from, m.to, m.concurrency ?? 50, m.pool, m.protocol)) });
    else if (m.type === 'storm') process.send?.({ type: 'storm', ...(await storm(m as Parameters<typeof storm>[0])) });
    else if (m.type === 'run') process.send?.({ type: 'result', ...(await run(m as Parameters<typeof run>[0])) });
    else if (m.type === 'close') {
      await closeAll();
      process.send?.({ type: 'closed' });
    } else if (m.type === 'exit') {
      for (const p of pools.values()) for (const cp of p) cp.ws.terminate();
      process.exit(0);
    }
  } catch (e) {
    process.send?.({ type: 'error', message: String((e as Error)?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', pid: process.pid });
