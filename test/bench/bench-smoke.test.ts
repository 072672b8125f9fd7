/**
 * Smoke check of `npm run bench`: a tiny in-process run (5 charge points, one bundle, a few
 * iterations) produces every section with sane numbers. Never a timing assertion: the bench
 * reports performance, tests only check that it works.
 */
import { budgets, isError, runBench, type BenchResult } from './bench';
import { setQuiet } from './io';
import { markdown } from './report';
import { SAMPLES_21, samplesFor, type SampleState } from './samples';
import { checkPayload } from '../../shared/ocpp/validation';

const nonNegative = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

describe('bench samples', () => {
  it.each(['ocpp1.6', 'ocpp2.0.1'] as const)('are valid %s requests and answers under the official schemas', (protocol) => {
    const state: SampleState = { idTag: 'BENCHTAG1', transactionId: protocol === 'ocpp1.6' ? 7 : 'tx-7', seqNo: 1, meter: 1000, n: 1 };
    const version = protocol === 'ocpp1.6' ? '1.6' : '2.0.1';
    for (const s of samplesFor(protocol)) {
      expect([s.name, checkPayload(version, s.action, 'req', s.request(state))?.message]).toEqual([s.name, undefined]);
      expect([s.name, checkPayload(version, s.action, 'conf', s.response)?.message]).toEqual([s.name, undefined]);
    }
  });
});

describe('bench samples (2.1)', () => {
  it('are valid OCPP 2.1 requests', () => {
    const state: SampleState = { idTag: 'BENCHTAG1', seqNo: 1, meter: 1000, n: 1 };
    for (const s of SAMPLES_21) expect([s.name, checkPayload('2.1', s.action, 'req', s.request(state))?.message]).toEqual([s.name, undefined]);
  });
});

describe('npm run bench --smoke', () => {
  let r: BenchResult;
  beforeAll(async () => {
    setQuiet(true);
    r = await runBench({ smoke: true, maxSeconds: 60 });
  }, 120_000);
  afterAll(() => setQuiet(false));

  it('has every section, none failed', () => {
    for (const k of ['ops', 'cpu', 'load', 'bundles', 'composite', 'cost'] as const) {
      expect([k, isError(r[k]) ? (r[k] as { error: string }).error : 'ok']).toEqual([k, 'ok']);
    }
    expect(r.meta.mode).toBe('smoke');
  });

  it('counts DynamoDB operations per message with and without the audit log', () => {
    if (isError(r.ops)) throw new Error(r.ops.error);
    expect(r.ops.runs.map((x) => `${x.protocol} ${x.messageLog}`).sort()).toEqual(['ocpp1.6 false', 'ocpp1.6 true', 'ocpp2.0.1 false', 'ocpp2.0.1 true']);
    for (const run of r.ops.runs) {
      const boot = run.rows.find((x) => x.name === 'BootNotification')!;
      expect(boot.outcome).toBe('CALLRESULT');
      expect(boot.writes).toBeGreaterThanOrEqual(1);
      // The audit log is exactly one write per exchange when on, none when off.
      expect(boot.messageLogWrites).toBe(run.messageLog ? 1 : 0);
      for (const row of [...run.rows, run.heartbeatCadence.row]) {
        for (const k of ['reads', 'queries', 'writes', 'total', 'readUnits', 'writeUnits', 'requestBytes', 'responseBytes', 'appLogBytes'] as const) expect([row.name, k, nonNegative(row[k])]).toEqual([row.name, k, true]);
        expect(row.total).toBe(row.reads + row.queries + row.writes);
      }
      expect(nonNegative(run.heartbeatCadence.opsPerHeartbeat)).toBe(true);
    }
  });

  it('measures the OCPP 2.1 messages on an ocpp2.1 connection: a SEND costs one write and no read', () => {
    if (isError(r.ops)) throw new Error(r.ops.error);
    expect(r.ops.ocpp21?.map((x) => x.messageLog).sort()).toEqual([false, true]);
    for (const run of r.ops.ocpp21!) {
      const send = run.rows.find((x) => x.name === 'NotifyPeriodicEventStream (SEND)')!;
      expect([send.outcome, send.responseBytes]).toEqual(['SEND (no answer)', 0]);
      // docs/ocpp-2.1-support.md: one PutItem per stream message, nothing read (the audit log adds its own write).
      expect([send.reads, send.queries, send.writes - send.messageLogWrites]).toEqual([0, 0, 1]);
      for (const name of ['OpenPeriodicEventStream', 'NotifyDERAlarm', 'GetCertificateChainStatus', 'ClosePeriodicEventStream']) {
        expect([name, run.rows.find((x) => x.name === name)?.outcome]).toEqual([name, 'CALLRESULT']);
      }
    }
  });

  it('measures a 1.6 session over SOAP beside JSON: DynamoDB operations and handler CPU', () => {
    if (isError(r.ops) || isError(r.cpu)) throw new Error('ops or cpu failed');
    expect(r.ops.soap?.map((x) => x.messageLog).sort()).toEqual([false, true]);
    for (const run of r.ops.soap!) {
      expect(run.rows.map((x) => [x.name, x.outcome])).toEqual(['BootNotification', 'Heartbeat', 'StartTransaction', 'MeterValues', 'StopTransaction'].map((n) => [n, 'Response']));
      const jsonRun = r.ops.runs.find((x) => x.protocol === 'ocpp1.6' && x.messageLog === run.messageLog)!;
      for (const row of run.rows) {
        expect(row.total).toBe(row.reads + row.queries + row.writes);
        // The audit log treats both transports alike (one write per exchange when on; Heartbeats left out by default).
        expect([row.name, row.messageLogWrites]).toEqual([row.name, jsonRun.rows.find((x) => x.name === row.name)!.messageLogWrites]);
        expect([row.name, row.messageLogWrites]).toEqual([row.name, run.messageLog && row.name !== 'Heartbeat' ? 1 : 0]);
        // docs/soap.md: every SOAP message authorizes (a read) and records endpoint and last seen (a write).
        expect([row.name, row.reads >= 1, row.writes - row.messageLogWrites >= 1, row.requestBytes > 0, row.responseBytes > 0]).toEqual([row.name, true, true, true, true]);
      }
      // A Heartbeat costs one write more than over JSON (the last-seen write), nothing else changes.
      const json = jsonRun.rows.find((x) => x.name === 'Heartbeat')!;
      const soapHb = run.rows.find((x) => x.name === 'Heartbeat')!;
      expect(soapHb.writes).toBe(json.writes + 1);
    }
    expect(r.cpu.soapHandler?.map((h) => [h.name, h.outcome])).toEqual(['BootNotification', 'Heartbeat', 'StartTransaction', 'MeterValues', 'StopTransaction'].map((n) => [n, 'Response']));
    for (const h of r.cpu.soapHandler!) expect(nonNegative(h.cpuMs.p50) && nonNegative(h.wallMs.p99)).toBe(true);
    expect(markdown(r)).toContain('OCPP 1.6 over SOAP beside JSON (reads / queries / writes)');
    expect(markdown(r)).toContain('Handler CPU per message, OCPP 1.6 over SOAP beside JSON');
  });

  it('times the pipeline and the handlers, and loads both servers', () => {
    if (isError(r.cpu) || isError(r.load)) throw new Error('cpu or load failed');
    expect(r.cpu.pipeline.length).toBeGreaterThan(0);
    for (const p of r.cpu.pipeline) expect(nonNegative(p.us.p50) && nonNegative(p.us.p99)).toBe(true);
    for (const h of r.cpu.handler) expect(nonNegative(h.cpuMs.p50) && nonNegative(h.wallMs.p99)).toBe(true);
    for (const s of [r.load.csms, r.load.bare]) {
      expect(s.error).toBeUndefined();
      expect(s.phases.length).toBeGreaterThan(0);
      for (const p of s.phases) {
        expect(p.errors).toBe(0);
        expect(p.answered).toBeGreaterThan(0);
        expect(nonNegative(p.messagesPerSecond) && nonNegative(p.latencyMs.p99)).toBe(true);
      }
      expect(s.memory?.connections).toBe(5);
    }
    expect(r.load.ratios.length).toBeGreaterThan(0);
    // Transaction sessions for both versions, CPU per 1,000 messages, the one-write phase's profile.
    for (const v of ['1.6', '2.0.1']) {
      const tx = r.load.csms.phases.find((p) => p.label.startsWith(`transaction sessions ${v},`));
      expect(tx && nonNegative(tx.sessionsPerSecond)).toBe(true);
    }
    for (const p of r.load.csms.phases.filter((x) => x.mode === 'closed')) expect([p.label, nonNegative(p.serverCpuSPer1000)]).toEqual([p.label, true]);
    expect(r.load.csms.profile?.areas.length).toBeGreaterThan(0);
    expect(r.load.csms.profile!.areas.every((a) => a.share >= 0 && a.share <= 1)).toBe(true);
    // The reconnect storm: every new station booted, reported its status twice and started a transaction.
    const storm = r.load.csms.storm!;
    expect([storm.served, storm.failed, storm.callErrors]).toEqual([storm.stations, 0, 0]);
    expect(storm.answerLatencyMs.n).toBe(storm.stations * 4);
    expect(nonNegative(storm.allServedMs) && nonNegative(storm.answerLatencyMs.max)).toBe(true);
    expect(r.load.database && !isError(r.load.database) && r.load.database.putsPerSecond > 0).toBe(true);
  });

  it('bundles a Lambda, times the composite engine and prices the day', () => {
    if (isError(r.bundles) || isError(r.composite) || isError(r.cost)) throw new Error('bundles, composite or cost failed');
    expect(r.bundles.rows).toHaveLength(1);
    expect(r.bundles.rows[0].error).toBeUndefined();
    expect(r.bundles.rows[0].bytes).toBeGreaterThan(1000);
    expect(nonNegative(r.bundles.rows[0].initMs)).toBe(true);
    if (r.composite.available) for (const c of r.composite.rows) expect(nonNegative(c.ms)).toBe(true);
    expect(r.cost.scenarios).toHaveLength(4);
    for (const s of r.cost.scenarios) {
      expect(s.fleets.map((f) => f.fleetSize)).toEqual([1, 1000, 100_000]);
      for (const f of s.fleets) {
        expect(f.perChargePointUsdPerMonth).toBeGreaterThan(0);
        // The whole bill adds what the per-event model leaves out, GSI writes derived from the transactions' writes among them.
        expect(f.full.perChargePointUsdPerMonth).toBeGreaterThan(f.perChargePointUsdPerMonth);
        expect(f.full.perChargePoint.dynamoGsiWrites).toBeGreaterThan(0);
        expect(f.full.perChargePoint.dynamoPitr).toBeGreaterThan(0);
        expect(f.full.fixedUsdPerMonth).toBeCloseTo(r.cost.stackFixed.usd, 6);
      }
      // Volume tiers only ever lower the price per charge point.
      expect(s.fleets[2].perChargePointUsdPerMonth).toBeLessThanOrEqual(s.fleets[0].perChargePointUsdPerMonth + 1e-12);
    }
    // Site load management: 3 stations under one site, every start re-allocated within the site limit.
    if (!r.sites || isError(r.sites)) throw new Error(`sites failed: ${r.sites && isError(r.sites) ? r.sites.error : 'missing'}`);
    expect(r.sites.rows.map((x) => x.stations)).toEqual([3]);
    for (const x of r.sites.rows) {
      expect(x.messages.n).toBe(x.stations);
      expect(x.messages.max).toBeGreaterThanOrEqual(1);
      expect(x.maxHeldA).toBeLessThanOrEqual(x.siteA);
      expect(nonNegative(x.allocateMs) && nonNegative(x.reallocationMs.p50) && x.dynamoOps.p50 > 0).toBe(true);
    }
    expect(markdown(r)).toContain('### Site load management');
    expect(r.budgets).toEqual(budgets(r));
    expect(r.budgets.length).toBeGreaterThan(5);
    expect(markdown(r)).toContain('| area | metric | measured | target |');
  });
});
