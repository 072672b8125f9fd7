/**
 * Part 1: DynamoDB operations per inbound message, exact, by action.
 *
 * Runs the local runtime in this process and drives one charge point through a scripted day
 * (connect, boot, heartbeats, status changes, two sessions with meter values, operator calls,
 * reconnect) over a real WebSocket. Each message is sent on its own: the counters of the
 * DynamoDB client middleware (shared/aws.ts) are snapshotted, the message is sent and answered,
 * the runtime is left to settle (no operation for 40 ms), and the difference is that message's
 * cost — including whatever ran after the answer. ReturnConsumedCapacity is switched on, so the
 * embedded DynamoDB reports request units by item size like AWS does.
 */
import WebSocket from 'ws';
import type { LocalCsms } from '../../infra/local/runtime';
import { captureLogs, progress } from './io';
import { CHARGE_POINT_ANSWERS, OPERATOR_CALLS, SAMPLES_21, samplesFor, type BenchProtocol, type Sample, type SampleState } from './samples';
import { soapAnswer, soapRequest, SOAP_SAMPLE_NAMES } from './soap';
import { sleep } from './stats';

type Aws = typeof import('../../shared/aws');

export interface OpsDelta {
  /** GetItem / BatchGetItem / TransactGetItems. */
  reads: number;
  /** Query / Scan. */
  queries: number;
  /** PutItem / UpdateItem / DeleteItem / batch and transactional writes. */
  writes: number;
  total: number;
  /** Request units as DynamoDB on-demand bills them (from ConsumedCapacity; failed conditional writes count 1 WRU). */
  readUnits: number;
  writeUnits: number;
  /** Of those, writes to the audit log table. */
  messageLogWrites: number;
  /** `Command Table` → count. */
  detail: Record<string, number>;
}

export interface Measured extends OpsDelta {
  name: string;
  /** Bytes of the frames on the wire (request in, answer out; for operator calls: call out, answer in). */
  requestBytes: number;
  responseBytes: number;
  /** Bytes the handlers logged while handling it (what CloudWatch Logs would ingest from our lines). */
  appLogBytes: number;
  /** CALLRESULT, or the CALLERROR code / HTTP status when it did not succeed. */
  outcome: string;
  wallMs: number;
  /** Messages averaged into this row. */
  samples: number;
  /** True when repeated measurements of the same message differed. */
  varies?: boolean;
}

export interface OpsRun {
  protocol: BenchProtocol;
  messageLog: boolean;
  rows: Measured[];
  /** Heartbeats at the day's cadence (300 s), time-compressed; see heartbeatCadence(). */
  heartbeatCadence: { compression: number; heartbeatIntervalS: number; heartbeats: number; opsPerHeartbeat: number; writesPerHeartbeat: number; row: Measured };
}

export interface OpsResult {
  routes: string[];
  /** Actions of the scripted day or with samples that ROUTES does not have (answered NotImplemented). */
  missing: Record<BenchProtocol, string[]>;
  /** ROUTES entries without a bench sample (not measured). */
  unsampled: string[];
  runs: OpsRun[];
  /** The OCPP 2.1 phase (measureOcpp21): 2.1-only messages on an `ocpp2.1` connection, message log on and off. */
  ocpp21?: Array<{ messageLog: boolean; rows: Measured[] }>;
  /** The SOAP phase (measureSoap): a 1.6 session over SOAP (POST /ocpp/soap), message log on and off, beside the JSON 1.6 rows. */
  soap?: Array<{ messageLog: boolean; rows: Measured[] }>;
  notes: string[];
}

const READ = /^(GetItem|BatchGetItem|TransactGetItems)Command$/;
const QUERY = /^(Query|Scan)Command$/;
const WRITE = /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem|TransactWriteItems)Command$/;

type Snapshot = Map<string, { count: number; failed: number; capacityUnits: number }>;
const snapshot = (aws: Aws): Snapshot => new Map([...aws.dynamoOperationStats].map(([k, v]) => [k, { ...v }]));
const totalCount = (aws: Aws) => [...aws.dynamoOperationStats.values()].reduce((s, v) => s + v.count, 0);

export function diff(before: Snapshot, after: Snapshot, messageLogTable = 'MessageLog'): OpsDelta {
  const d: OpsDelta = { reads: 0, queries: 0, writes: 0, total: 0, readUnits: 0, writeUnits: 0, messageLogWrites: 0, detail: {} };
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, failed: 0, capacityUnits: 0 };
    const count = a.count - b.count;
    if (count <= 0) continue;
    const [command, table] = key.split(' ');
    const units = a.capacityUnits - b.capacityUnits;
    const failed = a.failed - b.failed;
    d.detail[key] = count;
    if (READ.test(command)) {
      d.reads += count;
      d.readUnits += units;
    } else if (QUERY.test(command)) {
      d.queries += count;
      d.readUnits += units;
    } else if (WRITE.test(command)) {
      d.writes += count;
      d.writeUnits += units + failed; // DynamoDB reports nothing for a failed conditional write, but bills it
      if (table === messageLogTable) d.messageLogWrites += count;
    } else continue; // control plane (DescribeTable…) is not per message
    d.total += count;
  }
  return d;
}

/** Waits until no DynamoDB operation has started for `quietMs` (after-answer effects included). */
let defaultQuietMs = 40;

async function settle(aws: Aws, quietMs = defaultQuietMs, maxMs = 3000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = totalCount(aws);
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    await sleep(5);
    const c = totalCount(aws);
    if (c !== last) {
      last = c;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) return;
  }
}

/** A charge point on a raw socket: sends CALLs, answers the CSMS's CALLs, counts frame bytes. */
class Peer {
  private seq = 0;
  private readonly waiting = new Map<string, (frame: unknown[], bytes: number) => void>();
  /** Bytes of the last CSMS CALL received and of our answer to it. */
  served = { callBytes: 0, answerBytes: 0 };

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      let frame: unknown[];
      try {
        frame = JSON.parse(text);
      } catch {
        return;
      }
      if (frame[0] === 2) {
        const answer = CHARGE_POINT_ANSWERS[frame[2] as string];
        const out = JSON.stringify(answer ? [3, frame[1], answer(frame[3] as Record<string, unknown>)] : [4, frame[1], 'NotImplemented', 'not in the bench script', {}]);
        this.served = { callBytes: Buffer.byteLength(text), answerBytes: Buffer.byteLength(out) };
        ws.send(out);
        return;
      }
      const w = this.waiting.get(String(frame[1]));
      if (w) {
        this.waiting.delete(String(frame[1]));
        w(frame, Buffer.byteLength(text));
      }
    });
  }

  static open(url: string, protocol: BenchProtocol | 'ocpp2.1'): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocol);
      ws.once('open', () => resolve(new Peer(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`connect refused: HTTP ${res.statusCode}`)));
    });
  }

  call(action: string, payload: unknown, timeoutMs = 10_000): Promise<{ frame: unknown[]; requestBytes: number; responseBytes: number }> {
    const id = `b${++this.seq}`;
    const text = JSON.stringify([2, id, action, payload]);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${action} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (frame, bytes) => {
        clearTimeout(t);
        resolve({ frame, requestBytes: Buffer.byteLength(text), responseBytes: bytes });
      });
      this.ws.send(text);
    });
  }

  /** A SEND (OCPP 2.1 message type 6): nothing comes back, the caller waits for the effects to settle. */
  sendOnly(action: string, payload: unknown): { requestBytes: number; responseBytes: number } {
    const text = JSON.stringify([6, `b${++this.seq}`, action, payload]);
    this.ws.send(text);
    return { requestBytes: Buffer.byteLength(text), responseBytes: 0 };
  }

  close(): Promise<void> {
    return new Promise((r) => {
      if (this.ws.readyState === WebSocket.CLOSED) return r();
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

const outcomeOf = (frame: unknown[]) => (frame[0] === 3 ? 'CALLRESULT' : `CALLERROR ${String(frame[2])}`);

export interface OpsOptions {
  /** Heartbeat cadence test: time compression factor and number of heartbeats. */
  compression: number;
  cadenceHeartbeats: number;
  /** How many times the session part of the script runs (rows average them). */
  sessions: number;
  /** A message's effects are over when no DynamoDB operation started for this long (default 40 ms). */
  quietMs?: number;
}

/** Runs the scripted day against a local runtime that this process started. */
export async function measureOperations(csms: LocalCsms, opts: OpsOptions): Promise<OpsResult> {
  const aws: Aws = await import('../../shared/aws');
  const { ROUTES } = await import('../../shared/ocpp/routes');
  const routes = Object.keys(ROUTES);
  const notes: string[] = [];
  const missing: Record<BenchProtocol, string[]> = { 'ocpp1.6': [], 'ocpp2.0.1': [] };
  for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
    for (const s of samplesFor(protocol)) if (!routes.includes(s.action) && !missing[protocol].includes(s.action)) missing[protocol].push(s.action);
  }
  const sampled = new Set([...samplesFor('ocpp1.6'), ...samplesFor('ocpp2.0.1'), ...SAMPLES_21].map((s) => s.action));
  const unsampled = routes.filter((a) => !sampled.has(a));

  const idTag = 'BENCHTAG1';
  const put = await fetch(`${csms.apiUrl}/id-tags/${idTag}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Accepted' }) }).catch(() => undefined);
  if (!put || put.status >= 300) notes.push(`PUT /api/id-tags/${idTag} answered ${put?.status ?? 'nothing'}: Authorize/StartTransaction ran with an unknown idTag.`);

  defaultQuietMs = opts.quietMs ?? 40;
  const env = { log: process.env.CSMS_MESSAGE_LOG, level: process.env.LOG_LEVEL };
  aws.dynamoCapacityTracking.enabled = true;
  process.env.LOG_LEVEL = 'info'; // what the stack logs; counted, not shown
  const logs = captureLogs();
  const runs: OpsRun[] = [];
  let ocpp21: OpsResult['ocpp21'];
  let soap: OpsResult['soap'];
  try {
    await prewarm(csms, aws);
    for (const messageLog of [true, false]) {
      process.env.CSMS_MESSAGE_LOG = messageLog ? 'true' : 'false';
      for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
        progress(`ops: ${protocol}, message log ${messageLog ? 'on' : 'off'}`);
        runs.push(await scriptedDay(csms, aws, logs, protocol, messageLog, idTag, opts));
      }
      progress(`ops: ocpp2.1 messages, message log ${messageLog ? 'on' : 'off'}`);
      (ocpp21 ??= []).push({ messageLog, rows: await measureOcpp21(csms, aws, logs, opts) });
      progress(`ops: OCPP 1.6 over SOAP, message log ${messageLog ? 'on' : 'off'}`);
      (soap ??= []).push({ messageLog, rows: await measureSoap(csms, aws, logs, idTag, opts) });
    }
  } finally {
    logs.restore();
    aws.dynamoCapacityTracking.enabled = false;
    restoreEnv('CSMS_MESSAGE_LOG', env.log);
    restoreEnv('LOG_LEVEL', env.level);
  }
  return { routes, missing, unsampled, runs, ocpp21, soap, notes };
}

/**
 * Caches a warm Lambda container keeps between messages are filled first, so each row shows the
 * steady state: e.g. 1.6 transaction ids come from a block of CSMS_TX_ID_BLOCK (default 50) taken
 * with one counter write, i.e. 1/50 write per StartTransaction that a single sample would show as 1.
 */
async function prewarm(csms: LocalCsms, aws: Aws): Promise<void> {
  const peer = await Peer.open(`${csms.chargePointUrl}/BENCH-WARM-${process.pid}`, 'ocpp1.6');
  try {
    const start = samplesFor('ocpp1.6').find((s) => s.name === 'StartTransaction')!;
    const r = await peer.call(start.action, start.request({ idTag: 'BENCHTAG1', seqNo: 0, meter: 1, n: 1 }));
    const transactionId = r.frame[0] === 3 ? (r.frame[2] as { transactionId?: number }).transactionId : undefined;
    if (transactionId !== undefined) await peer.call('StopTransaction', { transactionId, meterStop: 2, timestamp: new Date().toISOString() });
  } catch {
    /* an action that is not there yet has nothing to warm */
  } finally {
    await peer.close();
    await settle(aws);
  }
}

function restoreEnv(name: string, value: string | undefined) {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

let runCounter = 0;

async function scriptedDay(
  csms: LocalCsms, aws: Aws, logs: ReturnType<typeof captureLogs>, protocol: BenchProtocol, messageLog: boolean,
  idTag: string, opts: OpsOptions,
): Promise<OpsRun> {
  const cpId = `BENCH-OPS-${process.pid}-${++runCounter}`;
  const url = `${csms.chargePointUrl}/${cpId}`;
  const rows = new Map<string, Measured[]>();

  // Measurements follow each other: the settle that ends one is the start of the next.
  let settled = false;
  const measure = async (name: string, fn: () => Promise<{ requestBytes: number; responseBytes: number; outcome: string }>) => {
    if (!settled) await settle(aws);
    const before = snapshot(aws);
    logs.take();
    const t0 = process.hrtime.bigint();
    const r = await fn();
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await settle(aws);
    settled = true;
    const m: Measured = { name, ...diff(before, snapshot(aws)), ...r, appLogBytes: logs.take(), wallMs, samples: 1 };
    rows.set(name, [...(rows.get(name) ?? []), m]);
    return m;
  };
  const state: SampleState = { idTag, seqNo: 0, meter: 1000, n: 0 };
  let peer!: Peer;
  const send = (s: Sample) => measure(s.name, async () => {
    state.n++;
    const r = await peer.call(s.action, s.request(state));
    return { requestBytes: r.requestBytes, responseBytes: r.responseBytes, outcome: outcomeOf(r.frame) };
  });
  const sample = (name: string) => samplesFor(protocol).find((s) => s.name === name);
  const run = async (name: string) => {
    const s = sample(name);
    return s ? send(s) : undefined;
  };

  // Connection lifecycle: first connect auto-registers; a reconnect (every ≤ 2 h on AWS) does not.
  await measure('connect (first, auto-registers)', async () => {
    peer = await Peer.open(url, protocol);
    return { requestBytes: 0, responseBytes: 0, outcome: 'connected' };
  });
  await measure('disconnect', async () => {
    await peer.close();
    return { requestBytes: 0, responseBytes: 0, outcome: 'closed' };
  });
  await measure('connect', async () => {
    peer = await Peer.open(url, protocol);
    return { requestBytes: 0, responseBytes: 0, outcome: 'connected' };
  });

  await run('BootNotification');
  await run('Heartbeat');

  for (let i = 0; i < opts.sessions; i++) {
    await run('StatusNotification');
    await run('Authorize');
    if (protocol === 'ocpp1.6') {
      const start = sample('StartTransaction')!;
      await measure('StartTransaction', async () => {
        state.n++;
        const r = await peer.call(start.action, start.request(state));
        const id = r.frame[0] === 3 ? (r.frame[2] as { transactionId?: number })?.transactionId : undefined;
        state.transactionId = id ?? 1;
        return { requestBytes: r.requestBytes, responseBytes: r.responseBytes, outcome: outcomeOf(r.frame) };
      });
      await run('MeterValues');
      state.meter += 1000;
      await run('MeterValues');
      await run('StopTransaction');
    } else {
      state.transactionId = `bench-${cpId}-${i}`;
      state.seqNo = 0;
      await run('TransactionEvent:Started');
      for (let k = 0; k < 2; k++) {
        state.seqNo++;
        state.meter += 1000;
        await run('TransactionEvent:Updated');
      }
      state.seqNo++;
      await run('TransactionEvent:Ended');
      await run('MeterValues');
    }
    state.meter += 10_000;
  }

  // Everything else we have a sample for, once.
  const done = new Set([...rows.keys()].concat(['Heartbeat']));
  for (const s of samplesFor(protocol)) if (!done.has(s.name)) await send(s);

  for (const op of OPERATOR_CALLS[protocol]) {
    await measure(`operator:${op.action}`, async () => {
      const res = await fetch(`${csms.apiUrl}/charge-points/${encodeURIComponent(cpId)}/calls/${op.action}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(op.payload),
      });
      const body = await res.text();
      return { requestBytes: peer.served.callBytes, responseBytes: peer.served.answerBytes, outcome: res.status === 200 ? 'HTTP 200' : `HTTP ${res.status} ${body.slice(0, 80)}` };
    });
  }
  await peer.close();
  await settle(aws);

  const heartbeatCadence = await cadence(csms, aws, logs, protocol, opts);
  return { protocol, messageLog, rows: [...rows.values()].map(average), heartbeatCadence };
}

/**
 * The OCPP 2.1 phase: a 2.1 station boots and sends the 2.1-only messages, NotifyPeriodicEventStream
 * (SEND, never answered: its row ends when DynamoDB has been quiet for the settle period) once per
 * session of the scripted day, the others once. Rows: DynamoDB operations and bytes per message.
 */
async function measureOcpp21(csms: LocalCsms, aws: Aws, logs: ReturnType<typeof captureLogs>, opts: OpsOptions): Promise<Measured[]> {
  const rows = new Map<string, Measured[]>();
  await settle(aws);
  const measure = async (name: string, fn: () => Promise<{ requestBytes: number; responseBytes: number; outcome: string }>) => {
    const before = snapshot(aws);
    logs.take();
    const t0 = process.hrtime.bigint();
    const r = await fn();
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await settle(aws);
    rows.set(name, [...(rows.get(name) ?? []), { name, ...diff(before, snapshot(aws)), ...r, appLogBytes: logs.take(), wallMs, samples: 1 }]);
  };
  const peer = await Peer.open(`${csms.chargePointUrl}/BENCH-OPS21-${process.pid}-${++runCounter}`, 'ocpp2.1');
  try {
    const state: SampleState = { idTag: 'BENCHTAG1', seqNo: 0, meter: 1000, n: 0 };
    const boot = samplesFor('ocpp2.0.1').find((x) => x.name === 'BootNotification')!;
    const bootAnswer = await peer.call(boot.action, boot.request(state));
    if (bootAnswer.frame[0] !== 3) throw new Error(`2.1 BootNotification refused: ${JSON.stringify(bootAnswer.frame).slice(0, 120)}`);
    await settle(aws);
    for (const s of SAMPLES_21) {
      const times = s.send ? Math.max(2, opts.sessions * 3) : 1;
      for (let i = 0; i < times; i++) {
        state.n++;
        await measure(s.name, async () => {
          if (s.send) return { ...peer.sendOnly(s.action, s.request(state)), outcome: 'SEND (no answer)' };
          const r = await peer.call(s.action, s.request(state));
          return { requestBytes: r.requestBytes, responseBytes: r.responseBytes, outcome: outcomeOf(r.frame) };
        });
      }
    }
  } finally {
    await peer.close();
    await settle(aws);
  }
  return [...rows.values()].map(average);
}

/**
 * The SOAP phase: a SOAP-only 1.6 station (POST /ocpp/soap, docs/soap.md) boots, heartbeats and runs
 * `opts.sessions` sessions (StartTransaction, two MeterValues, StopTransaction) with the same
 * samples as the JSON 1.6 day. Each message is measured as there: its DynamoDB operations (the
 * per-message authorization read and the endpoint/last-seen write included), bytes and logs.
 */
async function measureSoap(csms: LocalCsms, aws: Aws, logs: ReturnType<typeof captureLogs>, idTag: string, opts: OpsOptions): Promise<Measured[]> {
  const url = new URL('/ocpp/soap', csms.apiUrl).toString();
  const cpId = `BENCH-SOAP-${process.pid}-${++runCounter}`;
  const rows = new Map<string, Measured[]>();
  const state: SampleState = { idTag, seqNo: 0, meter: 1000, n: 0 };
  const send = async (name: (typeof SOAP_SAMPLE_NAMES)[number]) => {
    const s = samplesFor('ocpp1.6').find((x) => x.name === name)!;
    state.n++;
    const req = soapRequest(cpId, s.action, s.request(state), 'http://127.0.0.1:9/bench-station');
    const before = snapshot(aws);
    logs.take();
    const t0 = process.hrtime.bigint();
    const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
    const text = await res.text();
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await settle(aws);
    const answer = soapAnswer(s.action, res.status, text);
    rows.set(name, [...(rows.get(name) ?? []), {
      name, ...diff(before, snapshot(aws)), requestBytes: Buffer.byteLength(req.body), responseBytes: Buffer.byteLength(text),
      outcome: answer.outcome, appLogBytes: logs.take(), wallMs, samples: 1,
    }]);
    return answer;
  };
  await settle(aws);
  await send('BootNotification');
  await send('Heartbeat');
  for (let i = 0; i < opts.sessions; i++) {
    const start = await send('StartTransaction');
    state.transactionId = Number(start.payload?.transactionId ?? 1);
    await send('MeterValues');
    state.meter += 1000;
    await send('MeterValues');
    await send('StopTransaction');
    state.meter += 10_000;
  }
  return [...rows.values()].map(average);
}

/**
 * Heartbeats at the day's cadence. A day cannot be waited for, so the heartbeat period (300 s) is
 * divided by a compression factor; anything time-based the CSMS did per heartbeat would show here.
 */
async function cadence(
  csms: LocalCsms, aws: Aws, logs: ReturnType<typeof captureLogs>, protocol: BenchProtocol, opts: OpsOptions,
): Promise<OpsRun['heartbeatCadence']> {
  const { config } = await import('../../shared/config');
  const heartbeatIntervalS = config.heartbeatInterval();
  const period = (heartbeatIntervalS * 1000) / opts.compression;
  const peer = await Peer.open(`${csms.chargePointUrl}/BENCH-HB-${process.pid}-${++runCounter}`, protocol);
  try {
    await peer.call('Heartbeat', {}); // warm-up, not part of the steady state
    await sleep(period);
    await settle(aws);
    const before = snapshot(aws);
    logs.take();
    let requestBytes = 0;
    let responseBytes = 0;
    const t0 = process.hrtime.bigint();
    let next = Date.now();
    for (let i = 0; i < opts.cadenceHeartbeats; i++) {
      const r = await peer.call('Heartbeat', {});
      requestBytes += r.requestBytes;
      responseBytes += r.responseBytes;
      next += period;
      if (i < opts.cadenceHeartbeats - 1) await sleep(Math.max(0, next - Date.now()));
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    await settle(aws);
    const d = diff(before, snapshot(aws));
    const n = opts.cadenceHeartbeats;
    const row: Measured = {
      name: 'Heartbeat', reads: d.reads / n, queries: d.queries / n, writes: d.writes / n, total: d.total / n,
      readUnits: d.readUnits / n, writeUnits: d.writeUnits / n, messageLogWrites: d.messageLogWrites / n,
      detail: Object.fromEntries(Object.entries(d.detail).map(([k, v]) => [k, v / n])),
      requestBytes: requestBytes / n, responseBytes: responseBytes / n, appLogBytes: logs.take() / n, outcome: 'CALLRESULT', wallMs: wallMs / n, samples: n,
    };
    return {
      compression: opts.compression, heartbeatIntervalS, heartbeats: n,
      opsPerHeartbeat: row.total, writesPerHeartbeat: row.writes, row,
    };
  } finally {
    await peer.close();
  }
}

function average(list: Measured[]): Measured {
  if (list.length === 1) return list[0];
  const n = list.length;
  const num = (k: keyof Measured) => list.reduce((s, m) => s + (m[k] as number), 0) / n;
  const detail: Record<string, number> = {};
  for (const m of list) for (const [k, v] of Object.entries(m.detail)) detail[k] = (detail[k] ?? 0) + v / n;
  const varies = list.some((m) => m.total !== list[0].total || m.writeUnits !== list[0].writeUnits);
  return {
    name: list[0].name, reads: num('reads'), queries: num('queries'), writes: num('writes'), total: num('total'),
    readUnits: num('readUnits'), writeUnits: num('writeUnits'), messageLogWrites: num('messageLogWrites'), detail,
    requestBytes: num('requestBytes'), responseBytes: num('responseBytes'), appLogBytes: num('appLogBytes'),
    outcome: [...new Set(list.map((m) => m.outcome))].join(' / '), wallMs: num('wallMs'), samples: n, ...(varies ? { varies } : {}),
  };
}
