/**
 * CPU profile of the server process during a phase, taken in-process through `node:inspector`
 * (V8's sampling profiler, as `node --cpu-prof` uses) and summarised: self time per function and
 * per area (AWS SDK, ws, our code, Node internals, garbage collection…), so the bench can print
 * where the CPU of a stored message goes.
 */
import { Session } from 'node:inspector';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  /** Share of all samples, 0..1. */
  share: number;
  ms: number;
}

export interface ProfileSummary {
  /** Wall time profiled and the share of it the thread was busy (not idle in the event loop). */
  durationMs: number;
  busyShare: number;
  /** Self time by area (see `areaOf`). */
  areas: ProfileEntry[];
  /** Self time by function (`name file:line`). */
  functions: ProfileEntry[];
  /** Inclusive time of a few stages of a stored message (a function and all it calls). */
  stages: ProfileEntry[];
}

/** Which part of the system a sampled frame belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'garbage collection';
    if (functionName === '(idle)') return 'idle';
    if (functionName === '(program)') return 'V8/native (program)';
    return `native ${functionName || '(anonymous)'}`;
  }
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return pkg;
  }
  if (url.startsWith('node:')) {
    const m = /^node:(internal\/)?([^/]+)/.exec(url);
    return `node:${m?.[2] ?? url.slice(5)}`;
  }
  const repo = /\/(shared|functions|infra|test)\/(.*)$/.exec(url);
  if (repo) return `${repo[1]}/${repo[2].split('/').slice(0, repo[1] === 'shared' ? 1 : 2).join('/')}`;
  return url;
}

/** Functions whose inclusive time is reported as a stage (name → label). */
const STAGES: Array<[RegExp, string]> = [
  [/^answerCall .*shared\/ocpp\/inbound/, 'answerCall (validation, handler, audit log)'],
  [/^logExchange .*message-log/, 'logExchange (audit log write)'],
  [/^send .*@smithy\/core\/dist-cjs\/submodules\/client/, 'AWS SDK client.send (all of a DynamoDB call on our side)'],
  [/^(signRequest|sign) .*signature-v4/, 'SigV4 signing'],
  [/^(marshall|unmarshall|convertToAttr|convertToNative) .*util-dynamodb/, 'DynamoDB (un)marshalling'],
  [/^handle .*node-http-handler/, 'HTTP request (node-http-handler)'],
  [/^message .*infra\/local\/gateway/, 'gateway emulator message → route Lambda'],
];

export function summarize(profile: Profile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  const stages = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const area = areaOf(url, functionName);
    if (area === 'idle') {
      idle += us;
      continue;
    }
    areas.set(area, (areas.get(area) ?? 0) + us);
    const file = url ? url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(shared|functions|infra|test)\//, '$1/') : '';
    const key = `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + us);
    // Inclusive stage time: each sample counted once per stage found on its stack.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const name = `${f.functionName} ${f.url}`;
      for (const [re, label] of STAGES) if (re.test(name)) seen.add(label);
    }
    for (const label of seen) stages.set(label, (stages.get(label) ?? 0) + us);
  }
  const busy = total - idle || 1;
  const list = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, share: us / busy, ms: us / 1000 }));
  return {
    durationMs: (profile.endTime - profile.startTime) / 1000,
    busyShare: busy / total,
    areas: list(areas, top),
    functions: list(fns, top),
    stages: list(stages, STAGES.length),
  };
}

/** Profiles this process for `ms` milliseconds (sampling every `intervalUs`) and summarises. */
export async function profileFor(ms: number, intervalUs = 200): Promise<{ summary: ProfileSummary; profile: Profile }> {
  const session = new Session();
  session.connect();
  const post = <T = unknown>(method: string, params?: object) => new Promise<T>((resolve, reject) => {
    session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T)));
  });
  try {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: intervalUs });
    await post('Profiler.start');
    await new Promise((r) => setTimeout(r, ms));
    const { profile } = await post<{ profile: Profile }>('Profiler.stop');
    return { summary: summarize(profile), profile };
  } finally {
    session.disconnect();
  }
}
