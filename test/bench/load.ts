/**
 * Part 3: end-to-end local latency, throughput and memory per idle connection.
 *
 * Three kinds of process share the machine's 2 cores: the server under test (server.ts — the
 * local CSMS, whose embedded DynamoDB is a further child process, or a bare ocpp-rpc server),
 * and the load generator (load-generator.ts). Nothing of the load runs on the server's event loop.
 * CPU of each process per phase is read from /proc (Linux), so a result can say what saturated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { progress } from './io';
import { ask, forkBench, stop } from './proc';
import type { ProfileSummary } from './profile';
import type { BenchProtocol } from './samples';

export interface PhaseResult {
  label: string;
  mode: 'closed' | 'paced';
  action: 'Heartbeat' | 'StatusNotification' | 'mixed' | 'sessions';
  protocol?: BenchProtocol;
  chargePoints: number;
  /** paced only: offered messages per second (chargePoints × rate). */
  offeredPerSecond?: number;
  messagesPerSecond: number;
  answered: number;
  errors: number;
  errorSamples?: string[];
  latencyMs: { n: number; p50: number; p90: number; p99: number; max: number };
  /** CPU cores used during the measured window, per process (from /proc). */
  cores: { server?: number; database?: number; loadGenerator: number };
  /** CPU seconds the server process spent per 1,000 answered messages (cores.server / msg/s × 1000). */
  serverCpuSPer1000?: number;
  /** sessions only: complete transaction sessions (start, meter values, stop) per second. */
  sessionsPerSecond?: number;
  stuck: number;
  backlog: number;
}

export interface MemoryResult {
  connections: number;
  /** Growth per idle connection after GC: process RSS, and V8 heap + external (Buffers). */
  rssKiBPerConnection: number;
  heapKiBPerConnection: number;
  /** Connection set-up rate during the measured wave (authorizer + connect for the CSMS). */
  connectPerSecond: number;
  baseline: { rssMiB: number; heapMiB: number };
}

export interface StormResult {
  stations: number;
  spreadMs: number;
  protocol: BenchProtocol;
  steps: string[];
  served: number;
  failed: number;
  callErrors: number;
  errorSamples: string[];
  /** From the first connect to the last station's last answer; null when not all were served. */
  allServedMs: number | null;
  answerLatencyMs: { n: number; p50: number; p90: number; p99: number; max: number };
  connectLatencyMs: { n: number; p50: number; p90: number; p99: number; max: number };
  cores: { server?: number; database?: number };
}

export interface ServerLoadResult {
  server: 'csms' | 'bare';
  memory?: MemoryResult;
  phases: PhaseResult[];
  /** CPU profile of the server during the one-write phase (StatusNotification, first level), taken after it. */
  profile?: ProfileSummary & { phase: string };
  storm?: StormResult;
  ramp?: { ratePerCp: number; levels: PhaseResult[]; maxChargePointsWithinP99: number | null; stoppedBecause: string };
  error?: string;
}

/** What the embedded DynamoDB alone sustains: the ceiling of any message that writes locally. */
export interface DatabaseCeiling {
  concurrency: number;
  /** UpdateItem on distinct ChargePoints items (a status change). */
  updatesPerSecond: number;
  /** PutItem into MessageLog (an audit log entry). */
  putsPerSecond: number;
  /** CPU cores of this process (SDK side) and of the database process during the puts. */
  cores: { client?: number; database?: number };
}

export interface LoadResult {
  database?: DatabaseCeiling | { error: string };
  csms: ServerLoadResult;
  bare: ServerLoadResult;
  /** Our throughput / bare ocpp-rpc throughput, same phase. */
  ratios: Array<{ label: string; csms: number; bare: number; ratio: number }>;
  method: string;
}

export interface LoadOptions {
  idleConnections: number;
  levels: number[];
  warmupMs: number;
  durationMs: number;
  /** Paced rate per charge point for the 1,000-CP latency figure and the ramp. */
  pacedRatePerCp: number;
  /** An extra paced phase at 1,000 CPs with a higher rate (0 = none). */
  stressRatePerCp: number;
  ramp: number[];
  rampP99LimitMs: number;
  /** Also run StatusNotification with the audit log switched off (CSMS only). */
  messageLogOffPhase: boolean;
  /** Epoch ms after which no further ramp level starts. */
  deadline: number;
  /** Charge points per protocol running transaction sessions (0 = no session phases). */
  sessionCps: number;
  /** Profile the one-write phase for this long (0 = no profile). */
  profileMs: number;
  /** Reconnect storm (CSMS only), or none. */
  storm?: { stations: number; spreadMs: number; timeoutMs: number };
}

const CLK_TCK = 100;
/** A figure for a progress line (NaN arrives as null over IPC). */
const num = (v: number | null | undefined, digits = 2) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');

function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(d));
      } catch {
        /* gone */
      }
    }
  } catch {
    /* no /proc */
  }
  return out;
}

interface Procs {
  server: number;
  database: number[];
  generator: number;
}

function ticksOf(p: Procs) {
  const db = p.database.map(cpuTicks);
  return { server: cpuTicks(p.server), database: db.some((x) => x === undefined) || !db.length ? undefined : db.reduce((s, x) => s! + x!, 0), generator: cpuTicks(p.generator) };
}

export async function measureLoad(opts: LoadOptions): Promise<LoadResult> {
  const database = await databaseCeiling(Math.min(3000, opts.durationMs), 100).catch((e: Error) => ({ error: String(e?.stack ?? e) }));
  // The bare server first: the CSMS ramp then uses whatever time is left.
  const bare = await runServer('bare', opts, false);
  const csms = await runServer('csms', opts, true);
  const ratios: LoadResult['ratios'] = [];
  for (const p of csms.phases.filter((x) => x.mode === 'closed')) {
    const b = bare.phases.find((x) => x.label === p.label);
    if (b && b.messagesPerSecond > 0) ratios.push({ label: p.label, csms: p.messagesPerSecond, bare: b.messagesPerSecond, ratio: p.messagesPerSecond / b.messagesPerSecond });
  }
  return {
    database, csms, bare, ratios,
    method: 'server under test and load generator in separate processes (the CSMS also runs its embedded DynamoDB in a child process); raw ws clients, one CALL outstanding per charge point; '
      + `closed = next message as soon as answered; paced = ${opts.pacedRatePerCp} msg/s per charge point at fixed intended times, latency from the intended time; `
      + `warm-up ${opts.warmupMs} ms then ${opts.durationMs} ms measured per phase; memory = RSS and heap+external growth after GC over ${opts.idleConnections} idle connections opened after a small warm-up batch`,
  };
}

async function runServer(kind: 'csms' | 'bare', opts: LoadOptions, withRamp: boolean): Promise<ServerLoadResult> {
  progress(`load: starting ${kind} server`);
  const server = forkBench('server.ts', [kind], { execArgv: ['--expose-gc'], env: { LOG_LEVEL: 'warn' } });
  const gen = forkBench('load-generator.ts');
  const result: ServerLoadResult = { server: kind, phases: [] };
  try {
    const [{ url, pid }, { pid: genPid }] = await Promise.all([
      ask<{ type: string; url: string; pid: number }>(server, undefined, 'ready', 60_000),
      ask<{ type: string; pid: number }>(gen, undefined, 'ready', 60_000),
    ]);
    const procs: Procs = { server: pid, database: childrenOf(pid), generator: genPid };
    const prefix = `BENCH-${kind}-${process.pid}-`;
    let connected = 0;
    const connectTo = async (n: number) => {
      if (n <= connected) return { ok: 0, failed: 0, ms: 0 };
      const r = await ask<{ type: string; ok: number; failed: number; ms: number; firstError: string }>(gen, { type: 'connect', url, prefix, from: connected, to: n, concurrency: 50 }, 'connected', 600_000);
      connected = n;
      if (r.failed) progress(`load: ${r.failed} of ${r.ok + r.failed} connections failed (${r.firstError})`);
      return r;
    };
    const mem = () => ask<{ type: string; rss: number; heapUsed: number; external: number; connections: number }>(server, { type: 'mem' }, 'mem');

    // Memory per idle connection: a few connections first (one-time costs: lazy modules, JIT,
    // SDK clients), then N more; the growth after GC, divided by N.
    const n = opts.idleConnections;
    const warm = Math.max(5, Math.min(50, Math.round(n / 10)));
    await connectTo(warm);
    const m0 = await mem();
    const wave = await connectTo(warm + n);
    const m1 = await mem();
    result.memory = {
      connections: n,
      rssKiBPerConnection: (m1.rss - m0.rss) / n / 1024,
      heapKiBPerConnection: (m1.heapUsed + m1.external - m0.heapUsed - m0.external) / n / 1024,
      connectPerSecond: (n / Math.max(1, wave.ms)) * 1000,
      baseline: { rssMiB: m0.rss / 2 ** 20, heapMiB: m0.heapUsed / 2 ** 20 },
    };
    progress(`load: ${kind} memory ${result.memory.rssKiBPerConnection.toFixed(1)} KiB RSS / ${result.memory.heapKiBPerConnection.toFixed(1)} KiB heap+external per idle connection; ${Math.round(result.memory.connectPerSecond)} connects/s`);

    const pools = new Map<string, number>();
    const connectPool = async (protocol: BenchProtocol, n: number) => {
      const have = pools.get(protocol) ?? 0;
      if (n <= have) return;
      const r = await ask<{ type: string; ok: number; failed: number; firstError: string }>(gen, { type: 'connect', url, prefix: `${prefix}${protocol}-tx-`, from: have, to: n, concurrency: 50, pool: protocol, protocol }, 'connected', 600_000);
      if (r.failed) progress(`load: ${r.failed} of ${r.ok + r.failed} ${protocol} connections failed (${r.firstError})`);
      pools.set(protocol, n);
    };
    const phase = async (label: string, mode: 'closed' | 'paced', action: PhaseResult['action'], cps: number, rate?: number, protocol?: BenchProtocol): Promise<PhaseResult> => {
      if (protocol) await connectPool(protocol, cps);
      else await connectTo(cps);
      procs.database = childrenOf(procs.server);
      let t0: ReturnType<typeof ticksOf> | undefined;
      // CPU is sampled around the measured window (the generator reports the window's length).
      const started = Date.now();
      const timer = setTimeout(() => { t0 = ticksOf(procs); }, opts.warmupMs);
      const r = await ask<{ type: string } & Omit<PhaseResult, 'label' | 'mode' | 'action' | 'chargePoints' | 'messagesPerSecond' | 'cores'> & { ratePerSecond: number; durationMs: number; loadGeneratorCores: number; sessionsPerSecond?: number }>(
        gen, { type: 'run', mode, action, active: cps, ratePerCp: rate, warmupMs: opts.warmupMs, durationMs: opts.durationMs, pool: protocol }, 'result', opts.warmupMs + opts.durationMs + 120_000);
      clearTimeout(timer);
      const t1 = ticksOf(procs);
      const secs = Math.max(0.001, (Date.now() - started - opts.warmupMs) / 1000);
      const cores = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : (b - a) / CLK_TCK / secs);
      const serverCores = cores(t0?.server, t1.server);
      const p: PhaseResult = {
        label, mode, action, protocol, chargePoints: cps, offeredPerSecond: rate ? rate * cps : undefined,
        serverCpuSPer1000: serverCores !== undefined && r.ratePerSecond > 0 ? (serverCores / r.ratePerSecond) * 1000 : undefined,
        sessionsPerSecond: r.sessionsPerSecond,
        messagesPerSecond: r.ratePerSecond, answered: r.answered, errors: r.errors, errorSamples: r.errors ? r.errorSamples : undefined,
        latencyMs: r.latencyMs, stuck: r.stuck, backlog: r.backlog,
        cores: { server: serverCores, database: cores(t0?.database, t1.database), loadGenerator: r.loadGeneratorCores },
      };
      progress(`load: ${kind} ${label}: ${Math.round(p.messagesPerSecond)} msg/s${typeof p.sessionsPerSecond === 'number' ? ` (${p.sessionsPerSecond.toFixed(1)} sessions/s)` : ''}, p50 ${num(p.latencyMs.p50)} ms, p99 ${num(p.latencyMs.p99)} ms${typeof p.serverCpuSPer1000 === 'number' ? `, server CPU ${p.serverCpuSPer1000.toFixed(2)} s/1000 msg` : ''}${p.errors ? `, ${p.errors} errors` : ''}${p.errorSamples?.length ? ` (${p.errorSamples[0]})` : ''}`);
      return p;
    };

    for (const level of opts.levels) {
      if (level > n && Date.now() > opts.deadline) break;
      result.phases.push(await phase(`Heartbeat, ${level} CPs, as fast as answered`, 'closed', 'Heartbeat', level));
      result.phases.push(await phase(`StatusNotification, ${level} CPs, as fast as answered`, 'closed', 'StatusNotification', level));
      if (kind === 'csms' && level === opts.levels[0] && opts.profileMs > 0) {
        // The same load again, profiled (the profiler's own cost stays out of the figures above).
        const label = `StatusNotification, ${level} CPs, as fast as answered`;
        const prof = ask<{ type: string; summary: ProfileSummary }>(server, { type: 'profile', ms: opts.profileMs, file: process.env.BENCH_PROFILE_FILE }, 'profile', opts.profileMs + 60_000);
        const run = ask(gen, { type: 'run', mode: 'closed', action: 'StatusNotification', active: level, warmupMs: 0, durationMs: opts.profileMs + 300 }, 'result', opts.profileMs + 120_000);
        const [{ summary }] = await Promise.all([prof, run]);
        result.profile = { phase: label, ...summary };
        progress(`load: profile of "${label}": ${summary.areas.slice(0, 6).map((a) => `${a.name} ${(a.share * 100).toFixed(0)} %`).join(', ')}`);
      }
    }
    if (kind === 'csms' && opts.sessionCps > 0) {
      const put = await fetch(`${url.replace(/^ws/, 'http').replace(/\/ocpp$/, '')}/api/id-tags/BENCHTAG1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Accepted' }) }).catch(() => undefined);
      if (!put || put.status >= 300) progress(`load: PUT /api/id-tags/BENCHTAG1 answered ${put?.status ?? 'nothing'}; sessions run with an unknown idTag`);
      for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
        result.phases.push(await phase(`transaction sessions ${protocol.slice(4)}, ${opts.sessionCps} CPs, as fast as answered`, 'closed', 'sessions', opts.sessionCps, undefined, protocol));
      }
    }
    if (kind === 'csms' && opts.levels.length && opts.messageLogOffPhase) {
      const level = opts.levels[0];
      await ask(server, { type: 'env', name: 'CSMS_MESSAGE_LOG', value: 'false' }, 'env');
      result.phases.push(await phase(`StatusNotification, ${level} CPs, as fast as answered, message log off`, 'closed', 'StatusNotification', level));
      await ask(server, { type: 'env', name: 'CSMS_MESSAGE_LOG', value: undefined }, 'env');
    }
    const pacedAt = Math.min(n, 1000);
    if (opts.stressRatePerCp) result.phases.push(await phase(`mixed, ${pacedAt} CPs, ${opts.stressRatePerCp} msg/s each`, 'paced', 'mixed', pacedAt, opts.stressRatePerCp));
    result.phases.push(await phase(`mixed, ${pacedAt} CPs, ${opts.pacedRatePerCp} msg/s each`, 'paced', 'mixed', pacedAt, opts.pacedRatePerCp));

    if (kind === 'csms' && opts.storm) {
      const st = opts.storm;
      progress(`load: reconnect storm, ${st.stations} new stations within ${st.spreadMs / 1000} s`);
      procs.database = childrenOf(procs.server);
      const c0 = ticksOf(procs);
      const started = Date.now();
      const r = await ask<{ type: string } & Omit<StormResult, 'cores'>>(gen, { type: 'storm', url, prefix: `${prefix}storm-`, count: st.stations, spreadMs: st.spreadMs, protocol: 'ocpp1.6', timeoutMs: st.timeoutMs }, 'storm', st.timeoutMs + 120_000);
      const c1 = ticksOf(procs);
      const secs = Math.max(0.001, (Date.now() - started) / 1000);
      const cores = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : (b - a) / CLK_TCK / secs);
      const { type: _t, ...rest } = r; // eslint-disable-line @typescript-eslint/no-unused-vars
      result.storm = { ...rest, cores: { server: cores(c0.server, c1.server), database: cores(c0.database, c1.database) } };
      progress(`load: storm: ${r.served}/${r.stations} served${typeof r.allServedMs === 'number' ? ` in ${(r.allServedMs / 1000).toFixed(1)} s` : ''}; answers p50 ${num(r.answerLatencyMs.p50, 0)} ms, p99 ${num(r.answerLatencyMs.p99, 0)} ms, max ${num(r.answerLatencyMs.max, 0)} ms${r.failed ? `; ${r.failed} failed (${r.errorSamples[0]})` : ''}`);
    }

    if (withRamp && opts.ramp.length) {
      const levels: PhaseResult[] = [];
      const base = result.phases[result.phases.length - 1];
      // Held = p99 within the limit, no errors, and the offered rate answered (a server that falls
      // behind also shows in p99, since latency runs from the intended send time; the rate check
      // is loose because a 0.1 msg/s charge point sends 0 or 1 message in a short window).
      const holds = (p: PhaseResult) => p.latencyMs.p99 <= opts.rampP99LimitMs && p.errors === 0 && p.messagesPerSecond >= 0.8 * (p.offeredPerSecond ?? 0);
      let best: number | null = holds(base) ? base.chargePoints : null;
      let stoppedBecause = holds(base) ? 'all levels held' : `already missed at ${base.chargePoints} charge points`;
      for (const level of holds(base) ? opts.ramp : []) {
        // A level costs its connects (at the rate seen so far) plus one phase.
        const estimate = ((level - connected) / Math.max(50, result.memory.connectPerSecond)) * 1000 + opts.warmupMs + opts.durationMs + 5000;
        if (Date.now() + estimate > opts.deadline) {
          stoppedBecause = `time budget (level ${level} would end after the deadline)`;
          break;
        }
        const c = await connectTo(level);
        if (c.failed) {
          stoppedBecause = `${c.failed} connections failed at ${level}`;
          break;
        }
        const p = await phase(`mixed, ${level} CPs, ${opts.pacedRatePerCp} msg/s each`, 'paced', 'mixed', level, opts.pacedRatePerCp);
        levels.push(p);
        if (!holds(p)) {
          stoppedBecause = `p99 ${p.latencyMs.p99.toFixed(1)} ms, ${Math.round(p.messagesPerSecond)} of ${Math.round(p.offeredPerSecond ?? 0)} msg/s, ${p.errors} errors at ${level} charge points`;
          break;
        }
        best = level;
      }
      result.ramp = { ratePerCp: opts.pacedRatePerCp, levels, maxChargePointsWithinP99: best, stoppedBecause };
    }
    await ask(gen, { type: 'close' }, 'closed', 120_000);
  } catch (e) {
    result.error = String((e as Error)?.stack ?? e);
    progress(`load: ${kind} failed: ${result.error.split('\n')[0]}`);
  } finally {
    await stop(gen);
    await stop(server, 20_000);
  }
  return result;
}


/**
 * The embedded DynamoDB on its own, through the same SDK client the handlers use: `concurrency`
 * workers writing distinct items as fast as answered. Whatever a local one-write message reaches
 * end to end is bounded by this.
 */
async function databaseCeiling(durationMs: number, concurrency: number): Promise<DatabaseCeiling> {
  progress(`load: embedded DynamoDB ceiling, ${concurrency} concurrent writers`);
  const { startDynamo } = await import('../../infra/local/dynamo');
  const { PutCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const aws = await import('../../shared/aws');
  const dynamo = await startDynamo();
  const saved = process.env.DYNAMODB_ENDPOINT;
  try {
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
    });
    aws.resetClients();
    const client = aws.db();
    const run = async (op: (w: number, i: number) => Promise<unknown>) => {
      let n = 0;
      const end = Date.now() + durationMs;
      await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
        while (Date.now() < end) await op(w, n++);
      }));
      return (n / durationMs) * 1000;
    };
    const updatesPerSecond = await run((w, i) => client.send(new UpdateCommand({
      TableName: 'ChargePoints', Key: { chargePointId: `BENCH-DB-${w}` },
      UpdateExpression: 'SET statuses = :s', ExpressionAttributeValues: { ':s': { '1': { status: 'Available', errorCode: 'NoError', n: i } } },
    })));
    const dbPids = childrenOf(process.pid);
    const before = { client: cpuTicks(process.pid), database: sumTicks(dbPids) };
    const t0 = Date.now();
    const putsPerSecond = await run((w, i) => client.send(new PutCommand({
      TableName: 'MessageLog',
      Item: { chargePointId: `BENCH-DB-${w}`, logKey: `${new Date().toISOString()}#${i}#in`, action: 'StatusNotification', call: [2, String(i), 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' }], answer: [3, String(i), {}] },
    })));
    const secs = (Date.now() - t0) / 1000;
    const after = { client: cpuTicks(process.pid), database: sumTicks(dbPids) };
    const cores = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : (b - a) / CLK_TCK / secs);
    return { concurrency, updatesPerSecond, putsPerSecond, cores: { client: cores(before.client, after.client), database: cores(before.database, after.database) } };
  } finally {
    if (saved === undefined) delete process.env.DYNAMODB_ENDPOINT;
    else process.env.DYNAMODB_ENDPOINT = saved;
    aws.resetClients();
    await dynamo.close();
  }
}

function sumTicks(pids: number[]): number | undefined {
  const t = pids.map(cpuTicks);
  return t.length && t.every((x) => x !== undefined) ? t.reduce((a, b) => a! + b!, 0) : undefined;
}
