/**
 * Site load management, property tests: random sites of 1.6 and 2.0.1 stations go through random
 * sequences of transaction starts and stops, disconnects and reconnects, stations that reject
 * profiles, meter values and site limit changes. After each event the CSMS re-allocates
 * (allocate + changePlan, lowers before raises, a rejected or failed step aborts the raises and
 * allocates again), installing its profiles into a model of each station with the project's
 * replacement rules. The guarantee is checked on the composite schedules the project's composite
 * engine computes for that model — not on the allocation's own numbers.
 */
import fc from 'fast-check';
import { allocate, changePlan, connectorKey, type SiteLimits, type StationInput, type Strategy } from '../../../shared/sites/allocate';
import { siteProfile } from '../../../shared/sites/profiles';
import { computeCompositeSchedule, installProfile } from '../../../shared/smart-charging/composite';
import type { InstalledProfile } from '../../../shared/smart-charging/types';

const T0 = Date.parse('2024-05-01T08:00:00Z');
const EPS = 1e-6;

interface SimConnector { location: number; maxA: number; tx?: { transactionId: string; startedAt: string }; drawnA?: number }
interface SimStation {
  id: string;
  version: '1.6' | '2.0.1';
  phases: 1 | 3;
  priority: number;
  online: boolean;
  /** The station itself rejects every SetChargingProfile until it reconnects. */
  rejects: boolean;
  /** What the CSMS knows: it got a rejection from this station (cleared when the station reconnects). */
  markedRejected: boolean;
  model: InstalledProfile[];
  /** What the station really holds: differs from the model when an answer was lost. */
  truth: InstalledProfile[];
  /** The next answer is lost (the call delivered or not): the CSMS records the step as Failed. */
  loseNext?: { delivered: boolean; disconnects: boolean };
  /** What the CSMS sent whose answer it never got, per connector (it counts at the higher). */
  unknown: Map<number, number>;
  /** Connectors whose limit is not confirmed on the station's current connection (sent again). */
  unconfirmed: Set<number>;
  connectors: SimConnector[];
}

type Event =
  | { kind: 'start'; s: number; c: number }
  | { kind: 'stop'; s: number; c: number }
  | { kind: 'disconnect'; s: number }
  | { kind: 'reconnect'; s: number }
  | { kind: 'reject'; s: number }
  | { kind: 'lose'; s: number; delivered: boolean; disconnects: boolean }
  | { kind: 'meter'; s: number; c: number; drawnA: number }
  | { kind: 'limit'; maxCurrentA: number };

const stationArb = fc.record({
  version: fc.constantFrom<'1.6' | '2.0.1'>('1.6', '2.0.1'),
  phases: fc.constantFrom<1 | 3>(1, 3),
  priority: fc.integer({ min: 0, max: 2 }),
  caps: fc.array(fc.constantFrom(10, 16, 32, 7.5), { minLength: 1, maxLength: 3 }),
});
const eventArb = (n: number): fc.Arbitrary<Event> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('start' as const), s: fc.nat(n - 1), c: fc.nat(2) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('stop' as const), s: fc.nat(n - 1), c: fc.nat(2) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), s: fc.nat(n - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), s: fc.nat(n - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), s: fc.nat(n - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('lose' as const), s: fc.nat(n - 1), delivered: fc.boolean(), disconnects: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('meter' as const), s: fc.nat(n - 1), c: fc.nat(2), drawnA: fc.integer({ min: 0, max: 320 }).map((d) => d / 10) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('limit' as const), maxCurrentA: fc.integer({ min: 0, max: 120 }) }) },
  );
const scenarioArb = fc
  .record({
    stations: fc.array(stationArb, { minLength: 1, maxLength: 6 }),
    maxCurrentA: fc.integer({ min: 0, max: 120 }),
    maxPowerW: fc.option(fc.integer({ min: 0, max: 80_000 }), { nil: undefined }),
    phases: fc.constantFrom<1 | 3>(1, 3),
    voltage: fc.constantFrom(230, 120, 400),
    strategy: fc.constantFrom<Strategy>('equal', 'fifo', 'priority'),
    minCurrentA: fc.constantFrom(0, 6, 8),
    reserveA: fc.constantFrom(0, 0, 5),
  })
  .chain((s) => fc.record({ scenario: fc.constant(s), events: fc.array(eventArb(s.stations.length), { maxLength: 40 }) }));

/** What the composite engine says a connector may draw from the station's model now (unconstrained = its maximum). */
function installedFromModel(st: SimStation, c: SimConnector, nowIso: string, profiles = st.model): number | undefined {
  const r = computeCompositeSchedule({
    profiles,
    connectorId: c.location,
    start: nowIso,
    duration: 1,
    chargingRateUnit: 'A',
    transaction: c.tx && { connectorId: c.location, transactionId: c.tx.transactionId, startedAt: c.tx.startedAt },
    phases: st.phases,
  });
  const limit = r.chargingSchedule.chargingSchedulePeriod[0].limit;
  return limit === null ? undefined : limit;
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function run({ scenario, events }: Scenario) {
  let clock = 0;
  const nowIso = () => new Date(T0 + clock * 1000).toISOString();
  const stations: SimStation[] = scenario.stations.map((s, i) => ({
    id: `CP${i}`,
    version: s.version,
    phases: s.phases,
    priority: s.priority,
    online: true,
    rejects: false,
    markedRejected: false,
    model: [],
    truth: [],
    unknown: new Map(),
    unconfirmed: new Set(),
    connectors: s.caps.map((maxA, j) => ({ location: j + 1, maxA })),
  }));
  const site: SiteLimits = { ...scenario, maxCurrentA: scenario.maxCurrentA };
  const V = scenario.voltage;
  const budget = () => ({
    a: site.maxCurrentA! - (site.reserveA ?? 0),
    w: site.maxPowerW === undefined ? Infinity : site.maxPowerW - (site.reserveA ?? 0) * V * scenario.phases,
  });

  /** The guarantee's sum: every connector at its composite from the model (unconstrained = max); rejected stations at their max. */
  const counted = (rejectedAtMax: boolean) => {
    let a = 0;
    let w = 0;
    for (const st of stations) {
      for (const c of st.connectors) {
        const m = installedFromModel(st, c, nowIso());
        const v = rejectedAtMax && st.markedRejected ? c.maxA : Math.min(c.maxA, m ?? c.maxA);
        a += v;
        w += v * V * st.phases;
      }
    }
    return { a, w };
  };
  /** What the stations really hold, every connector (offline ones too) at its composite; unconstrained = its maximum. */
  const truthSum = () => {
    let a = 0;
    let w = 0;
    for (const st of stations) {
      for (const c of st.connectors) {
        const v = Math.min(c.maxA, installedFromModel(st, c, nowIso(), st.truth) ?? c.maxA);
        a += v;
        w += v * V * st.phases;
      }
    }
    return { a, w };
  };
  const inputs = (): StationInput[] =>
    stations.map((st) => ({
      chargePointId: st.id,
      phases: st.phases,
      online: st.online,
      rejected: st.markedRejected,
      priority: st.priority,
      connectors: st.connectors.map((c) => {
        // As service.ts observes it: a lost answer counts at the higher of the model and what was sent.
        const m = installedFromModel(st, c, nowIso());
        const u = st.unknown.get(c.location);
        return { location: c.location, maxCurrentA: c.maxA, installedA: m === undefined || u === undefined ? m : Math.max(m, u), transaction: c.tx, drawnA: c.drawnA, resend: st.online && st.unconfirmed.has(c.location) };
      }),
    }));

  let settled = false;
  const reallocate = () => {
    const b = budget();
    const startSum = counted(false);
    const ceiling = { a: Math.max(b.a, startSum.a), w: Math.max(b.w, startSum.w) };
    const startTruth = truthSum();
    const truthCeiling = { a: Math.max(b.a, startTruth.a), w: Math.max(b.w, startTruth.w) };
    for (let round = 0; round < 2 * stations.length + 3; round++) {
      const ins = inputs();
      const alloc = allocate(site, ins);
      const plan = changePlan(ins, alloc);
      let failed = false;
      const send = (step: { chargePointId: string; location: number; toA: number }) => {
        const st = stations.find((s) => s.id === step.chargePointId)!;
        expect(st.online).toBe(true);
        clock += 1;
        if (st.rejects) {
          st.markedRejected = true;
          failed = true;
          return;
        }
        const profile = siteProfile(st.version, step.location, step.toA, st.phases);
        if (st.loseNext) {
          if (st.loseNext.delivered) st.truth = installProfile(st.truth, profile);
          st.unknown.set(step.location, Math.max(step.toA, st.unknown.get(step.location) ?? 0));
          st.unconfirmed.add(step.location);
          // The commonest cause: the connection dropped while the call was out.
          if (st.loseNext.disconnects) st.online = false;
          st.loseNext = undefined;
          failed = true;
        } else {
          st.model = installProfile(st.model, profile);
          st.truth = installProfile(st.truth, profile);
          st.unknown.delete(step.location);
          st.unconfirmed.delete(step.location);
        }
        // What the stations really hold: never above where the site was, nor above its limit if it was within.
        const truth = truthSum();
        expect(truth.a).toBeLessThanOrEqual(truthCeiling.a + EPS);
        expect(truth.w).toBeLessThanOrEqual(truthCeiling.w + EPS);
        if (failed) return;
        // During the change: never above where the site was, nor above the limit if it was within.
        const now = counted(false);
        expect(now.a).toBeLessThanOrEqual(ceiling.a + EPS);
        expect(now.w).toBeLessThanOrEqual(ceiling.w + EPS);
      };
      // As service.ts: a failed step ends the pass, the next one starts from the model.
      for (const s of plan.lowers) {
        send(s);
        if (failed) break;
      }
      if (failed) continue;
      for (const s of plan.raises) {
        send(s);
        if (failed) break;
      }
      if (failed) continue;
      if (!plan.lowers.length && !plan.raises.length) return alloc;
      return allocate(site, inputs());
    }
    throw new Error('re-allocation did not settle');
  };

  const checkSettled = () => {
    const alloc = reallocate();
    const b = budget();
    const fixedA = alloc.limits.filter((l) => !l.controlled).reduce((s, l) => s + l.limitA, 0);
    if (!alloc.overcommitted) {
      // The guarantee, on the engine's composites of the model, rejected stations at their maximum.
      const sum = counted(true);
      expect(sum.a).toBeLessThanOrEqual(Math.max(0, b.a) + EPS);
      expect(sum.w).toBeLessThanOrEqual(Math.max(0, b.w) + EPS);
      // And what the stations really hold, lost answers and offline stations included.
      const truth = truthSum();
      expect(truth.a).toBeLessThanOrEqual(Math.max(0, b.a) + EPS);
      expect(truth.w).toBeLessThanOrEqual(Math.max(0, b.w) + EPS);
      if (settled) {
        const plain = counted(false);
        expect(plain.a).toBeLessThanOrEqual(Math.max(0, b.a) + EPS);
      }
      settled = true;
    } else {
      expect(alloc.limits.filter((l) => l.controlled).every((l) => l.limitA === 0)).toBe(true);
      expect(fixedA > b.a - EPS || alloc.usedW > b.w - EPS).toBe(true);
    }
    // The minimum: every session on a controllable station gets min(minCurrentA, its max) — or is
    // paused, and then the site could not hold it on top of every older (higher priority) one.
    const minA = scenario.minCurrentA;
    const sessions = stations.flatMap((st) => (st.online && !st.markedRejected ? st.connectors.filter((c) => c.tx).map((c) => ({ st, c })) : []));
    const rank = (x: { st: SimStation; c: SimConnector }) => [scenario.strategy === 'priority' ? -x.st.priority : 0, x.c.tx!.startedAt, connectorKey(x.st.id, x.c.location)] as const;
    const older = (x: typeof sessions[0], y: typeof sessions[0]) => {
      const [a, b2] = [rank(x), rank(y)];
      return a[0] !== b2[0] ? a[0] < b2[0] : a[1] !== b2[1] ? a[1] < b2[1] : a[2] < b2[2];
    };
    const fixedW = stations.flatMap((st) => (st.online && !st.markedRejected ? [] : st.connectors.map((c) => alloc.limits.find((l) => l.chargePointId === st.id && l.location === c.location)!.limitA * V * st.phases))).reduce((s, x) => s + x, 0);
    for (const x of sessions) {
      const got = installedFromModel(x.st, x.c, nowIso())!;
      const need = Math.floor(Math.min(minA, x.c.maxA) * 10 + 1e-7) / 10;
      if (got >= need - EPS && got > 0) continue;
      if (need === 0) continue;
      expect(got).toBe(0);
      const ahead = sessions.filter((y) => y !== x && older(y, x));
      const needA = fixedA + ahead.reduce((s, y) => s + Math.min(minA, y.c.maxA), 0) + need;
      const needW = fixedW + ahead.reduce((s, y) => s + Math.min(minA, y.c.maxA) * V * y.st.phases, 0) + need * V * x.st.phases;
      expect(needA > b.a + EPS || needW > b.w + EPS || alloc.overcommitted).toBe(true);
    }
  };

  let txSeq = 0;
  checkSettled();
  for (const e of events) {
    clock += 10;
    if (e.kind === 'limit') site.maxCurrentA = e.maxCurrentA;
    else {
      const st = stations[e.s];
      const c = 'c' in e ? st.connectors[e.c % st.connectors.length] : undefined;
      if (e.kind === 'start' && st.online && c && !c.tx) c.tx = { transactionId: String(++txSeq), startedAt: nowIso() };
      if (e.kind === 'stop' && c) { c.tx = undefined; c.drawnA = undefined; }
      if (e.kind === 'disconnect') st.online = false;
      // Back on a new connection: nothing is confirmed on it (profiles kept, 1.6 §3.13.6).
      if (e.kind === 'reconnect' && !st.online) { st.online = true; st.rejects = false; st.markedRejected = false; for (const c of st.connectors) st.unconfirmed.add(c.location); }
      if (e.kind === 'reject') st.rejects = true;
      if (e.kind === 'lose') st.loseNext = { delivered: e.delivered, disconnects: e.disconnects };
      if (e.kind === 'meter' && c?.tx) c.drawnA = e.drawnA;
    }
    checkSettled();
  }
}

describe('site allocation, against the composite engine over the CSMS model', () => {
  it('the sum holds after every step and during every change; sessions get the minimum or are paused newest first', () => {
    fc.assert(fc.property(scenarioArb, (x) => run(x)), { numRuns: 300 });
  });
});

describe('site allocation, lost answers', () => {
  it('a raise whose answer is lost as the station drops stays counted at the raised limit: the next session waits', () => {
    const scenario: Scenario['scenario'] = {
      stations: [{ version: '1.6', phases: 3, priority: 0, caps: [32] }, { version: '2.0.1', phases: 3, priority: 0, caps: [32] }],
      maxCurrentA: 32, maxPowerW: undefined, phases: 3, voltage: 230, strategy: 'equal', minCurrentA: 6, reserveA: 0,
    };
    // A 16 / B 16; B stops, so A is raised to 32 — delivered, but the connection drops before the answer; B starts again.
    run({ scenario, events: [{ kind: 'start', s: 0, c: 0 }, { kind: 'start', s: 1, c: 0 }, { kind: 'lose', s: 0, delivered: true, disconnects: true }, { kind: 'stop', s: 1, c: 0 }, { kind: 'start', s: 1, c: 0 }] });
  });
});

describe('site allocation, examples', () => {
  const st = (id: string, conns: Array<{ tx?: string; installedA?: number; maxA?: number }>, extra: Partial<StationInput> = {}): StationInput => ({
    chargePointId: id,
    online: true,
    ...extra,
    connectors: conns.map((c, i) => ({ location: i + 1, maxCurrentA: c.maxA ?? 32, installedA: c.installedA, transaction: c.tx ? { transactionId: c.tx, startedAt: c.tx } : undefined })),
  });

  it('equal shares, capped at a connector maximum; idle connectors at 0', () => {
    const a = allocate({ maxCurrentA: 40 }, [st('A', [{ tx: '2024-01-01T00:00:00Z' }, {}]), st('B', [{ tx: '2024-01-01T00:01:00Z', maxA: 10 }]), st('C', [{ tx: '2024-01-01T00:02:00Z' }])]);
    expect(a.limits.map((l) => [l.chargePointId, l.location, l.limitA, l.reason])).toEqual([
      ['A', 2, 0, 'idle'],
      ['A', 1, 15, 'share'],
      ['B', 1, 10, 'share'],
      ['C', 1, 15, 'share'],
    ]);
  });

  it('the newest sessions are paused when the minimum cannot be held for all', () => {
    const a = allocate({ maxCurrentA: 13, minCurrentA: 6 }, [st('A', [{ tx: '2024-01-01T00:00:03Z' }]), st('B', [{ tx: '2024-01-01T00:00:01Z' }]), st('C', [{ tx: '2024-01-01T00:00:02Z' }])]);
    expect(Object.fromEntries(a.limits.map((l) => [l.chargePointId, [l.limitA, l.reason]]))).toEqual({ B: [6.5, 'share'], C: [6.5, 'share'], A: [0, 'paused'] });
  });

  it('fifo fills the oldest first; priority the higher first', () => {
    const stations = [st('A', [{ tx: '2024-01-01T00:00:02Z' }], { priority: 1 }), st('B', [{ tx: '2024-01-01T00:00:01Z' }])];
    expect(allocate({ maxCurrentA: 40, strategy: 'fifo' }, stations).limits.map((l) => l.limitA)).toEqual([8, 32]);
    expect(allocate({ maxCurrentA: 40, strategy: 'priority' }, stations).limits.map((l) => l.limitA)).toEqual([32, 8]);
  });

  it('offline stations count at their last accepted limit, rejecting ones at their maximum', () => {
    const a = allocate({ maxCurrentA: 64 }, [st('OFF', [{ tx: 'x', installedA: 10 }], { online: false }), st('REJ', [{ tx: 'y', maxA: 16 }], { rejected: true }), st('C', [{ tx: 'z' }])]);
    expect(a.limits.map((l) => [l.chargePointId, l.limitA, l.reason, l.controlled])).toEqual([['OFF', 10, 'offline', false], ['REJ', 16, 'rejected', false], ['C', 32, 'share', true]]);
    expect(a.usedA).toBe(58);
  });

  it('watts: a 1-phase station costs a third of a 3-phase one at the same current', () => {
    const a = allocate({ maxPowerW: 230 * 3 * 16 + 230 * 16 }, [st('THREE', [{ tx: 'a' }], { phases: 3 }), st('ONE', [{ tx: 'b' }], { phases: 1 })]);
    expect(a.limits.map((l) => l.limitA)).toEqual([16, 16]);
    expect(a.usedW).toBe(230 * 4 * 16);
  });

  it('the plan lowers first, and only what changes', () => {
    const stations = [st('A', [{ tx: 'a', installedA: 20 }]), st('B', [{ tx: 'b', installedA: 10 }]), st('C', [{ installedA: 0 }]), st('D', [{}])];
    const plan = changePlan(stations, allocate({ maxCurrentA: 30 }, stations));
    expect(plan.lowers.map((s) => [s.chargePointId, s.toA])).toEqual([['D', 0], ['A', 15]]);
    expect(plan.raises.map((s) => [s.chargePointId, s.toA])).toEqual([['B', 15]]);
  });

  it('a site without a limit is refused', () => {
    expect(() => allocate({}, [])).toThrow('maxCurrentA or maxPowerW');
  });
});
