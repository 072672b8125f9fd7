/** The Markdown summary printed by `npm run bench` (the full figures are in the JSON). */
import { isError, type BenchResult } from './bench';
import { withinBudget, OPS_BUDGETS } from './cost';
import { round } from './stats';

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || Number.isNaN(v) ? '–' : String(round(v, digits)));
const mark = (pass: boolean | null | undefined) => (pass === true ? 'pass' : pass === false ? '**FAIL**' : '–');
const usd = (v: number) => (v >= 1 ? `$${v.toFixed(2)}` : `$${v.toFixed(4)}`);

export function markdown(r: BenchResult, jsonPath?: string): string {
  const lines: string[] = [];
  const m = r.meta;
  lines.push(`## Bench ${m.mode} — ${m.startedAt} (${m.durationS.toFixed(0)} s, ${m.cpus} × ${m.cpuModel}, Node ${m.node}, load average ${m.loadAverage.before.toFixed(1)} → ${m.loadAverage.after.toFixed(1)})`, '');

  lines.push('| area | metric | measured | target | |', '|---|---|---|---|---|');
  for (const b of r.budgets) lines.push(`| ${b.area} | ${b.metric}${b.note ? ` <sub>${b.note}</sub>` : ''} | ${fmt(b.measured)} ${b.unit} | ${b.target} | ${mark(b.pass)} |`);
  lines.push('');

  if (!isError(r.ops)) {
    for (const protocol of ['ocpp1.6', 'ocpp2.0.1'] as const) {
      const off = r.ops.runs.find((x) => x.protocol === protocol && !x.messageLog);
      const on = r.ops.runs.find((x) => x.protocol === protocol && x.messageLog);
      if (!off || !on) continue;
      lines.push(`### DynamoDB operations per message, OCPP ${protocol.slice(4)} (reads / queries / writes; request units)`, '');
      lines.push('| message | handler only | with audit log | RRU / WRU (with log) | budget | handler | with log | outcome |', '|---|---|---|---|---|---|---|---|');
      const names = [...new Set([...off.rows.map((x) => x.name), 'Heartbeat'])];
      for (const name of names) {
        const a = name === 'Heartbeat' ? off.heartbeatCadence.row : off.rows.find((x) => x.name === name);
        const b = name === 'Heartbeat' ? on.heartbeatCadence.row : on.rows.find((x) => x.name === name);
        if (!a || !b) continue;
        const label = name === 'Heartbeat' ? `Heartbeat at 300 s cadence (${off.heartbeatCadence.compression}× compressed)` : name;
        const cell = (x: typeof a) => `${fmt(x.reads)} / ${fmt(x.queries)} / ${fmt(x.writes)}`;
        const budget = OPS_BUDGETS[name];
        lines.push(`| ${label}${a.varies || b.varies ? ' *' : ''} | ${cell(a)} | ${cell(b)} | ${fmt(b.readUnits)} / ${fmt(b.writeUnits)} | ${budget?.label ?? ''} | ${budget ? mark(!!withinBudget(name, a)) : ''} | ${budget ? mark(!!withinBudget(name, b)) : ''} | ${a.outcome} |`);
      }
      lines.push('');
    }
    const off21 = r.ops.ocpp21?.find((x) => !x.messageLog);
    const on21 = r.ops.ocpp21?.find((x) => x.messageLog);
    if (off21 && on21) {
      lines.push('### DynamoDB operations per message, OCPP 2.1-only messages (reads / queries / writes; request units)', '');
      lines.push('| message | handler only | with audit log | RRU / WRU (with log) | bytes in / out | outcome |', '|---|---|---|---|---|---|');
      for (const a of off21.rows) {
        const b = on21.rows.find((x) => x.name === a.name);
        if (!b) continue;
        const cell = (x: typeof a) => `${fmt(x.reads)} / ${fmt(x.queries)} / ${fmt(x.writes)}`;
        lines.push(`| ${a.name}${a.varies || b.varies ? ' *' : ''} | ${cell(a)} | ${cell(b)} | ${fmt(b.readUnits)} / ${fmt(b.writeUnits)} | ${fmt(a.requestBytes)} / ${fmt(a.responseBytes)} | ${a.outcome} |`);
      }
      lines.push('');
    }
    const offSoap = r.ops.soap?.find((x) => !x.messageLog);
    const onSoap = r.ops.soap?.find((x) => x.messageLog);
    if (offSoap && onSoap) {
      const runs = r.ops.runs;
      const json = (log: boolean, name: string) => runs.find((x) => x.protocol === 'ocpp1.6' && x.messageLog === log)?.rows.find((x) => x.name === name);
      lines.push('### DynamoDB operations per message, OCPP 1.6 over SOAP beside JSON (reads / queries / writes)', '');
      lines.push('| message | SOAP handler only | SOAP with audit log | JSON handler only | JSON with audit log | SOAP bytes in / out | outcome |', '|---|---|---|---|---|---|---|');
      const cell = (x: { reads: number; queries: number; writes: number } | undefined) => (x ? `${fmt(x.reads)} / ${fmt(x.queries)} / ${fmt(x.writes)}` : '–');
      for (const a of offSoap.rows) {
        const b = onSoap.rows.find((x) => x.name === a.name);
        lines.push(`| ${a.name}${a.varies || b?.varies ? ' *' : ''} | ${cell(a)} | ${cell(b)} | ${cell(json(false, a.name))} | ${cell(json(true, a.name))} | ${fmt(a.requestBytes)} / ${fmt(a.responseBytes)} | ${a.outcome} |`);
      }
      lines.push('', 'Over SOAP each message also authorizes the station (one GetItem) and records its endpoint and last-seen time (one UpdateItem): SOAP has no connection.', '');
    }
    if (r.ops.runs.some((run) => run.rows.some((x) => x.varies))) lines.push('\* repeated measurements of this message differed; the row is their mean.', '');
    const miss = Object.entries(r.ops.missing).filter(([, v]) => v.length).map(([k, v]) => `${k}: ${v.join(', ')}`);
    if (miss.length) lines.push(`Not in ROUTES at run time (answered NotImplemented/NotSupported, costed at their budget): ${miss.join('; ')}.`, '');
    if (r.ops.unsampled.length) lines.push(`In ROUTES without a bench sample (not measured): ${r.ops.unsampled.join(', ')}.`, '');
    for (const n of r.ops.notes) lines.push(`Note: ${n}`, '');
  }

  if (!isError(r.cpu)) {
    lines.push('### Handler CPU per message (p50 / p99)', '', '| message | pipeline µs | Lambda handler CPU ms | handler wall ms (local) |', '|---|---|---|---|');
    for (const p of r.cpu.pipeline) {
      const h = r.cpu.handler.find((x) => x.name === p.name && x.protocol === p.protocol);
      lines.push(`| ${p.protocol.slice(4)} ${p.name} | ${fmt(p.us.p50)} / ${fmt(p.us.p99)} | ${h ? `${fmt(h.cpuMs.p50)} / ${fmt(h.cpuMs.p99)}` : '–'} | ${h ? `${fmt(h.wallMs.p50)} / ${fmt(h.wallMs.p99)}` : '–'} |`);
    }
    lines.push('');
    if (r.cpu.soapHandler?.length) {
      lines.push('### Handler CPU per message, OCPP 1.6 over SOAP beside JSON (p50 / p99, ms)', '', '| message | SOAP Lambda CPU | JSON route Lambda CPU | SOAP wall (local) | outcome |', '|---|---|---|---|---|');
      for (const h of r.cpu.soapHandler) {
        const j = r.cpu.handler.find((x) => x.name === h.name && x.protocol === 'ocpp1.6');
        lines.push(`| ${h.name} | ${fmt(h.cpuMs.p50)} / ${fmt(h.cpuMs.p99)} | ${j ? `${fmt(j.cpuMs.p50)} / ${fmt(j.cpuMs.p99)}` : '–'} | ${fmt(h.wallMs.p50)} / ${fmt(h.wallMs.p99)} | ${h.outcome} |`);
      }
      lines.push('');
    }
  }

  if (!isError(r.load)) {
    lines.push('### Local end to end (server and load generator in separate processes)', '', '| server | phase | msg/s | p50 ms | p99 ms | errors | cores server / db / load gen | server CPU s / 1,000 msg |', '|---|---|---|---|---|---|---|---|');
    for (const s of [r.load.csms, r.load.bare]) {
      if (s.error) lines.push(`| ${s.server} | error: ${s.error.split('\n')[0]} | | | | | | |`);
      for (const p of [...s.phases, ...(s.ramp?.levels ?? [])]) {
        const rate = p.sessionsPerSecond !== undefined ? `${Math.round(p.messagesPerSecond)} (${fmt(p.sessionsPerSecond)} sessions/s)` : String(Math.round(p.messagesPerSecond));
        lines.push(`| ${s.server} | ${p.label} | ${rate} | ${fmt(p.latencyMs.p50)} | ${fmt(p.latencyMs.p99)} | ${p.errors} | ${fmt(p.cores.server, 2)} / ${fmt(p.cores.database, 2)} / ${fmt(p.cores.loadGenerator, 2)} | ${fmt(p.serverCpuSPer1000)} |`);
      }
    }
    lines.push('');
    const st = r.load.csms.storm;
    if (st) {
      lines.push(`**Reconnect storm** (${st.stations} new ${st.protocol} stations connecting within ${st.spreadMs / 1000} s, each ${st.steps.join(', ')}): ${st.served}/${st.stations} served${st.allServedMs !== null ? `, all within ${fmt(st.allServedMs / 1000)} s of the first connect` : ''}; answer latency p50 ${fmt(st.answerLatencyMs.p50)} ms, p90 ${fmt(st.answerLatencyMs.p90)} ms, p99 ${fmt(st.answerLatencyMs.p99)} ms, max ${fmt(st.answerLatencyMs.max)} ms; connect p50 ${fmt(st.connectLatencyMs.p50)} ms, p99 ${fmt(st.connectLatencyMs.p99)} ms, max ${fmt(st.connectLatencyMs.max)} ms; ${st.failed} failed, ${st.callErrors} CALLERRORs${st.errorSamples.length ? ` (${st.errorSamples[0]})` : ''}; cores server ${fmt(st.cores.server, 2)}, db ${fmt(st.cores.database, 2)}.`, '');
    }
    const pr = r.load.csms.profile;
    if (pr) {
      lines.push(`### CPU profile of the CSMS process: ${pr.phase} (${fmt(pr.durationMs / 1000)} s sampled, busy ${fmt(pr.busyShare * 100, 2)} %; shares of busy time)`, '');
      lines.push('| self time by area | % | | self time by function | % |', '|---|---|---|---|---|');
      for (let i = 0; i < Math.max(pr.areas.length, pr.functions.length); i++) {
        const a = pr.areas[i];
        const f = pr.functions[i];
        lines.push(`| ${a?.name ?? ''} | ${a ? fmt(a.share * 100, 2) : ''} | | ${f ? f.name.replace(/\|/g, '\\|') : ''} | ${f ? fmt(f.share * 100, 2) : ''} |`);
      }
      lines.push('', `Inclusive (synchronous stacks only: time after an \`await\` counts for the continuation): ${pr.stages.map((x) => `${x.name} ${fmt(x.share * 100, 2)} %`).join('; ')}.`, '');
    }
    for (const s of [r.load.csms, r.load.bare]) {
      if (s.memory) lines.push(`- ${s.server}: ${fmt(s.memory.rssKiBPerConnection)} KiB RSS, ${fmt(s.memory.heapKiBPerConnection)} KiB heap+external per idle connection (${s.memory.connections} connections, ${Math.round(s.memory.connectPerSecond)} connects/s)`);
    }
    const d = r.load.database;
    if (d && !isError(d)) lines.push(`- embedded DynamoDB alone (${d.concurrency} concurrent writers, same SDK client): ${Math.round(d.updatesPerSecond)} UpdateItem/s, ${Math.round(d.putsPerSecond)} PutItem/s (database process ${fmt(d.cores.database, 2)} cores, client ${fmt(d.cores.client, 2)} cores)`);
    for (const x of r.load.ratios) lines.push(`- ${x.label}: CSMS ${Math.round(x.csms)} msg/s = ${fmt(x.ratio * 100, 2)} % of bare ocpp-rpc (${Math.round(x.bare)} msg/s)`);
    if (r.load.csms.ramp) lines.push(`- ramp at ${r.load.csms.ramp.ratePerCp} msg/s per CP: held p99 ≤ 100 ms up to ${r.load.csms.ramp.maxChargePointsWithinP99 ?? 'none'} CPs; stopped: ${r.load.csms.ramp.stoppedBecause}`);
    lines.push('');
  }

  if (!isError(r.bundles)) {
    const rows = r.bundles.rows;
    const ok = rows.filter((x) => !x.error);
    const sizes = ok.map((x) => x.bytes).sort((a, b) => a - b);
    const inits = ok.map((x) => x.initMs).sort((a, b) => a - b);
    lines.push(`### Lambda bundles (${rows.length}; esbuild node22 cjs minified, AWS SDK inside)`, '');
    if (ok.length) {
      lines.push(`Size ${fmt(sizes[0] / 1000)}–${fmt(sizes[sizes.length - 1] / 1000)} kB (median ${fmt(sizes[Math.floor(sizes.length / 2)] / 1000)} kB); module init ${fmt(inits[0])}–${fmt(inits[inits.length - 1])} ms (median ${fmt(inits[Math.floor(inits.length / 2)])} ms).`);
      const big = ok.reduce((a, x) => (x.bytes > a.bytes ? x : a), ok[0]);
      lines.push(`Largest: ${big.entry} ${fmt(big.bytes / 1000)} kB — ${big.top.map((t) => `${t.name} ${fmt(t.bytes / 1000)} kB`).join(', ')}.`);
    }
    for (const x of rows.filter((y) => y.error)) lines.push(`- ${x.entry}: ${x.error}`);
    const cv = r.bundles.coldValidation;
    if (cv && !cv.error) lines.push(`First schema validation in a fresh process: ${fmt(cv.firstValidation16Ms)} ms (both schema sets), then ${fmt(cv.secondValidation16Ms * 1000)} µs.`);
    lines.push('');
  }

  if (!isError(r.composite)) {
    if (!r.composite.available) lines.push(`### Composite schedule: skipped — ${r.composite.note}`, '');
    else {
      lines.push('### Composite schedule (7 days)', '', '| profiles × periods | median ms | p90 ms | µs per profile-period |', '|---|---|---|---|');
      for (const c of r.composite.rows) lines.push(`| ${c.profiles} × ${c.periods} | ${fmt(c.ms)} | ${fmt(c.p90Ms)} | ${fmt(c.usPerPeriod)} |`);
      lines.push('');
    }
  }

  if (r.sites && !isError(r.sites)) {
    lines.push('### Site load management (one site, sessions starting one after another)', '', '| stations | allocate + plan, ms | re-allocation p50 / max ms | SetChargingProfile per re-allocation p50 / max | DynamoDB ops per start p50 / max | most held at once / site A |', '|---|---|---|---|---|---|');
    for (const x of r.sites.rows) lines.push(`| ${x.stations} | ${fmt(x.allocateMs)} | ${fmt(x.reallocationMs.p50)} / ${fmt(x.reallocationMs.max)} | ${fmt(x.messages.p50)} / ${fmt(x.messages.max)} | ${fmt(x.dynamoOps.p50)} / ${fmt(x.dynamoOps.max)} | ${fmt(x.maxHeldA)} / ${fmt(x.siteA)} |`);
    lines.push('');
  }

  if (!isError(r.cost)) {
    lines.push(`### Cost per charge point per month (us-east-1 list prices of ${r.cost.prices.takenOn}; 300 s heartbeat, ${r.cost.assumptions.sessionsPerDay} × ${r.cost.assumptions.sessionMinutes} min sessions/day, meter values every ${r.cost.assumptions.meterValueIntervalS} s)`, '');
    lines.push('| protocol | audit log | ops/day | 1 CP | 1,000 CPs (fleet) | 100,000 CPs (fleet) | assumed |', '|---|---|---|---|---|---|---|');
    for (const s of r.cost.scenarios) {
      const f = (n: number) => s.fleets.find((x) => x.fleetSize === n);
      const cell = (n: number) => (f(n) ? `${usd(f(n)!.perChargePointUsdPerMonth)}${n > 1 ? ` (${usd(f(n)!.fleetUsdPerMonth)})` : ''}` : '–');
      lines.push(`| ${s.protocol} | ${s.messageLog ? 'on' : 'off'} | ${fmt(s.opsPerDay)} | ${cell(1)} | ${cell(1000)} | ${cell(100_000)} | ${s.assumedEvents.join(', ') || '–'} |`);
    }
    lines.push('');
    lines.push('The whole bill (fullBill: the above plus point-in-time recovery, GSI writes from the table definitions, API Gateway access logs, CloudFront), per charge point, and per stack apart:', '');
    lines.push('| protocol | audit log | 1,000 CPs | 100,000 CPs | of which PITR / GSI / access logs / CloudFront (1,000) | per stack |', '|---|---|---|---|---|---|');
    for (const s of r.cost.scenarios) {
      const f = (n: number) => s.fleets.find((x) => x.fleetSize === n)?.full;
      const k = f(1000)?.perChargePoint ?? {};
      const cf = (k.cloudFrontRequests ?? 0) + (k.cloudFrontData ?? 0);
      lines.push(`| ${s.protocol} | ${s.messageLog ? 'on' : 'off'} | ${f(1000) ? usd(f(1000)!.perChargePointUsdPerMonth) : '–'} | ${f(100_000) ? usd(f(100_000)!.perChargePointUsdPerMonth) : '–'} | ${[k.dynamoPitr, k.dynamoGsiWrites, k.apiGatewayAccessLogs, cf].map((v) => usd(v ?? 0)).join(' / ')} | ${f(1000) ? usd(f(1000)!.fixedUsdPerMonth) : '–'} |`);
    }
    lines.push('');
    lines.push(`Dominant (1.6, audit log on, 1,000 CPs): ${r.cost.dominant.slice(0, 4).map((d) => `${d.service} ${fmt(d.share * 100, 2)} %`).join(', ')}. Audit log share: ${Object.entries(r.cost.auditLogShare).map(([k, v]) => `${k} ${fmt(v * 100, 2)} %`).join(', ')}.`, '');
    if (r.cost.stackFixed) lines.push(`Per stack, whatever the fleet: $${fmt(r.cost.stackFixed.usd, 2)}/month (${Object.entries(r.cost.stackFixed.items).map(([k, v]) => `${k} $${fmt(v, 2)}`).join(', ')}).`, '');
  }
  for (const [k, v] of Object.entries(r)) if (isError(v)) lines.push(`**${k} failed:** ${v.error.split('\n')[0]}`, '');
  if (jsonPath) lines.push(`Full results: ${jsonPath}`, '');
  return lines.join('\n');
}
