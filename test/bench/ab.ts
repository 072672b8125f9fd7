// Dev driver (not part of npm run bench): one-write phase + profile against the CSMS server.
import { ask, forkBench, stop } from './proc';
import { readFileSync } from 'node:fs';
const cpu = (pid: number) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8'); const x = f.slice(f.lastIndexOf(')') + 2).split(' '); return (Number(x[11]) + Number(x[12])) / 100; };
async function main() {
  const action = (process.argv[2] ?? 'StatusNotification') as string;
  const cps = Number(process.argv[3] ?? 100);
  const server = forkBench('server.ts', ['csms'], { env: { LOG_LEVEL: 'warn' } });
  const gen = forkBench('load-generator.ts');
  const [{ url, pid }] = await Promise.all([ask<any>(server, undefined, 'ready'), ask<any>(gen, undefined, 'ready')]);
  await ask(gen, { type: 'connect', url, prefix: `AB-${process.pid}-`, from: 0, to: cps, concurrency: 50 }, 'connected');
  await ask(gen, { type: 'run', mode: 'closed', action, active: cps, warmupMs: 1000, durationMs: 2000 }, 'result', 60000);
  const c0 = cpu(pid); const t0 = Date.now();
  const r = await ask<any>(gen, { type: 'run', mode: 'closed', action, active: cps, warmupMs: 0, durationMs: 5000 }, 'result', 60000);
  const c1 = cpu(pid); const secs = (Date.now() - t0) / 1000;
  console.log(JSON.stringify({ action, msgps: Math.round(r.ratePerSecond), p99: r.latencyMs.p99, errors: r.errors, errorSamples: r.errorSamples, serverCores: +((c1 - c0) / secs).toFixed(2), cpuSPer1000: +(((c1 - c0) / r.answered) * 1000).toFixed(3) }));
  if (process.argv[4] !== 'noprof') {
    const prof = ask<any>(server, { type: 'profile', ms: 3000, file: '/tmp/perfdev/last.cpuprofile' }, 'profile', 60000);
    const run = ask<any>(gen, { type: 'run', mode: 'closed', action, active: cps, warmupMs: 0, durationMs: 3500 }, 'result', 60000);
    const { summary } = await prof; await run;
    console.log('busy', summary.busyShare.toFixed(2));
    for (const k of ['areas', 'stages', 'functions'] as const) { console.log('--', k); for (const e of summary[k]) console.log((e.share * 100).toFixed(1).padStart(5), e.name); }
  }
  await stop(gen); await stop(server, 20000);
  process.exit(0);
}
main().catch((e) => { console.error(e); process.exit(1); });
