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
 * IPC: connect / run / close / exit, answered with connected / result / closed.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

interface Cp {
  ws: WebSocket;
  busy: boolean;
  intended: number;
  backlog: number[];
  next: number;
  flip: boolean;
  timer?: NodeJS.Timeout;
}

const cps: Cp[] = [];
let seq = 0;
let running = false;
let recording = false;
let mode: 'closed' | 'paced' = 'closed';
let action: 'Heartbeat' | 'StatusNotification' | 'mixed' = 'Heartbeat';
let latencies: number[] = [];
let answered = 0;
let errors = 0;
const errorSamples: string[] = [];

const HEARTBEAT = (id: string) => `[2,"${id}","Heartbeat",{}]`;
const STATUS = (id: string) => `[2,"${id}","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]`;

function send(cp: Cp, intended: number): void {
  cp.busy = true;
  cp.intended = intended;
  const id = (++seq).toString(36);
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

function open(url: string): Promise<Cp> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'ocpp1.6', { perMessageDeflate: false });
    const cp: Cp = { ws, busy: false, intended: 0, backlog: [], next: 0, flip: false };
    ws.on('message', (data) => onAnswer(cp, data as Buffer));
    ws.once('open', () => resolve(cp));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', () => undefined);
  });
}

async function connect(url: string, prefix: string, from: number, to: number, concurrency: number) {
  const t0 = performance.now();
  let ok = 0;
  let failed = 0;
  let firstError = '';
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      try {
        cps.push(await open(`${url}/${prefix}${i}`));
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

async function run(opts: { mode: 'closed' | 'paced'; action: typeof action; active: number; ratePerCp?: number; warmupMs: number; durationMs: number }) {
  mode = opts.mode;
  action = opts.action;
  const active = cps.slice(0, opts.active);
  latencies = [];
  answered = 0;
  errors = 0;
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
  const backlog = active.reduce((s, cp) => s + cp.backlog.length, 0);
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
  return {
    answered, errors, errorSamples: [...errorSamples], durationMs, ratePerSecond: (answered / durationMs) * 1000,
    latencyMs: { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : NaN },
    loadGeneratorCores: (cpu.user + cpu.system) / 1e3 / durationMs, stuck, backlog,
  };
}

async function closeAll() {
  await Promise.all(cps.splice(0).map((cp) => new Promise<void>((r) => {
    if (cp.ws.readyState === WebSocket.CLOSED) return r();
    cp.ws.once('close', () => r());
    cp.ws.close();
    setTimeout(() => {
      cp.ws.terminate();
      r();
    }, 5000).unref();
  })));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

process.on('message', async (m: Record<string, any>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    if (m.type === 'connect') process.send?.({ type: 'connected', ...(await connect(m.url, m.prefix, m.from, m.to, m.concurrency ?? 50)) });
    else if (m.type === 'run') process.send?.({ type: 'result', ...(await run(m as Parameters<typeof run>[0])) });
    else if (m.type === 'close') {
      await closeAll();
      process.send?.({ type: 'closed' });
    } else if (m.type === 'exit') {
      for (const cp of cps) cp.ws.terminate();
      process.exit(0);
    }
  } catch (e) {
    process.send?.({ type: 'error', message: String((e as Error)?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready', pid: process.pid });
