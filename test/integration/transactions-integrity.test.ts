/**
 * Transaction integrity under concurrency, faults and odd input (issue 11, items 1–5 and the hook
 * half of 7), with strict 1.6 / 2.0.1 stations against the real local runtime. Where a test needs
 * a Lambda that "died" after its first write, it performs that write with the same store function
 * the handler uses, then lets the station retry.
 */
import { bootCsms } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';
import { recordMeterValuesOnce } from '../../shared/metering/record';
import { applyTransactionChange, getTransaction } from '../../shared/store/transactions';
import { fingerprint } from '../../shared/transactions/fingerprint';
import { onTransactionStarted } from '../../shared/transactions/hooks';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_ALLOW_CONCURRENT_TX: 'false' } });
});
afterAll(async () => {
  await csms.close();
});

type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let seq = 0;
const unique = (p: string) => `${p}${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 6)}`.toUpperCase().slice(0, 20);
const at = (offsetS: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, 0) + offsetS * 1000).toISOString();
const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };

async function station16(id = newId()) {
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  expect((await cp.call('BootNotification', boot16)).status).toBe('Accepted');
  return { id, cp };
}
async function station201(id = newId()) {
  const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
  await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150' } });
  return { id, cs };
}
async function acceptedTag(extra: Params = {}) {
  const tag = unique('T');
  expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted', ...extra })).status).toBe(201);
  return tag;
}
const register = (wh: number, ts: string, context?: string) => ({ timestamp: ts, sampledValue: [{ value: wh, measurand: 'Energy.Active.Import.Register', unitOfMeasure: { unit: 'Wh' }, ...(context ? { context } : {}) }] });
const tx201 = async (cp: string, id: string) => (await csms.api.get(`/transactions/${id}?chargePointId=${cp}`)).body;
const anomalies = async (cp: string) => (await csms.api.get(`/charge-points/${cp}/events?kind=anomaly`)).body.items as Params[];

describe('1. ConcurrentTx is a conditional claim (CSMS_ALLOW_CONCURRENT_TX=false)', () => {
  it('two simultaneous 1.6 starts with one tag on two charge points: exactly one is Accepted, every round', async () => {
    const [a, b] = [await station16(), await station16()];
    for (let round = 0; round < 8; round++) {
      const tag = await acceptedTag();
      const start = (meterStart: number) => ({ connectorId: 1, idTag: tag, meterStart, timestamp: at(round * 60) });
      const answers = await Promise.all([a.cp.call('StartTransaction', start(1)), b.cp.call('StartTransaction', start(2))]);
      const statuses = answers.map((x) => x.idTagInfo.status).sort();
      expect(statuses).toEqual(['Accepted', 'ConcurrentTx']);
      const winner = answers[0].idTagInfo.status === 'Accepted' ? { ...a, answer: answers[0], req: start(1) } : { ...b, answer: answers[1], req: start(2) };
      const loser = winner.cp === a.cp ? { ...b, req: start(2) } : { ...a, req: start(1) };
      // A retry of the winner's start keeps its id and its verdict; the loser's retry stays refused.
      expect(await winner.cp.call('StartTransaction', winner.req)).toEqual(winner.answer);
      expect((await loser.cp.call('StartTransaction', loser.req)).idTagInfo.status).toBe('ConcurrentTx');
      // Once the winner stops (twice: the release is idempotent), the group is free again.
      const stop = { transactionId: winner.answer.transactionId, meterStop: 50, timestamp: at(round * 60 + 30) };
      await winner.cp.call('StopTransaction', stop);
      await winner.cp.call('StopTransaction', stop);
      expect((await loser.cp.call('StartTransaction', { ...loser.req, timestamp: at(round * 60 + 40) })).idTagInfo.status).toBe('Accepted');
    }
    await a.cp.close();
    await b.cp.close();
  });

  it('two simultaneous 2.0.1 Started events with one token on two stations: exactly one is Accepted', async () => {
    const [a, b] = [await station201(), await station201()];
    for (let round = 0; round < 4; round++) {
      const tag = await acceptedTag();
      const started = (t: string) => ({ eventType: 'Started', timestamp: at(round), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: t }, idToken: { idToken: tag, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } });
      const [ta, tb] = [unique('TA'), unique('TB')];
      const answers = await Promise.all([a.cs.call('TransactionEvent', started(ta)), b.cs.call('TransactionEvent', started(tb))]);
      expect(answers.map((x) => x.idTokenInfo.status).sort()).toEqual(['Accepted', 'ConcurrentTx']);
      // An update of the winning transaction carrying the token again is still Accepted.
      const [w, t] = answers[0].idTokenInfo.status === 'Accepted' ? [a, ta] : [b, tb];
      const update = { eventType: 'Updated', timestamp: at(round + 1), triggerReason: 'Authorized', seqNo: 1, transactionInfo: { transactionId: t }, idToken: { idToken: tag, type: 'ISO14443' } };
      expect((await w.cs.call('TransactionEvent', update)).idTokenInfo.status).toBe('Accepted');
    }
    await a.cs.close();
    await b.cs.close();
  });

  it('a stale claim (its transaction was stopped by a Lambda that died before releasing it) does not block the group', async () => {
    const [a, b] = [await station16(), await station16()];
    const tag = await acceptedTag();
    const first = await a.cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: at(0) });
    expect(first.idTagInfo.status).toBe('Accepted');
    // The stop's transaction write happened, the release did not.
    await applyTransactionChange({ chargePointId: a.id, transactionId: String(first.transactionId), version: '1.6', kind: 'end', mustExist: true, at: at(10), eventHash: 'died-after-update', meterStopWh: 10, stopReason: 'Local', receivedAt: new Date() });
    expect((await b.cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: at(20) })).idTagInfo.status).toBe('Accepted');
    await a.cp.close();
    await b.cp.close();
  });
});

describe('1. the group claim itself (store functions, injected clock)', () => {
  it('a claim whose transaction was never written (a start that died after claiming) blocks for 2 minutes, then is taken over', async () => {
    const { claimGroup } = await import('../../shared/transactions/concurrency');
    const group = unique('G');
    const verdict = { status: 'Accepted' as const, token: { value: group, type: 'ISO14443' as const }, key: group, groupKey: group, exclusiveGroup: true };
    const t0 = new Date();
    const plus = (ms: number) => new Date(t0.getTime() + ms);
    expect((await claimGroup(verdict, { chargePointId: 'DEAD', transactionId: '1' }, t0)).claimedGroup).toBe(group);
    expect((await claimGroup(verdict, { chargePointId: 'DEAD', transactionId: '1' }, plus(1000))).claimedGroup).toBe(group); // its retry
    expect((await claimGroup(verdict, { chargePointId: 'OTHER', transactionId: '2' }, plus(60_000))).authorization.status).toBe('ConcurrentTx');
    expect((await claimGroup(verdict, { chargePointId: 'OTHER', transactionId: '2' }, plus(180_000))).claimedGroup).toBe(group);
    expect((await claimGroup(verdict, { chargePointId: 'DEAD', transactionId: '1' }, plus(181_000))).authorization.status).toBe('ConcurrentTx');
  });
});

describe('2. a periodic 2.0.1 TransactionEvent whose first attempt died after its first write', () => {
  const periodic = (t: string, seqNo: number, wh: number, ts: string) => ({
    eventType: 'Updated', timestamp: ts, triggerReason: 'MeterValuePeriodic', seqNo,
    transactionInfo: { transactionId: t, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, meterValue: [register(wh, ts)],
  });
  const diedAfterMeterValues = (cp: string, p: Params) => recordMeterValuesOnce({
    chargePointId: cp, version: '2.0.1', evseId: p.evse?.id, transactionId: p.transactionInfo.transactionId, meterValue: p.meterValue,
    source: 'TransactionEvent', messageId: 'dead', receivedAt: new Date(), contentKey: fingerprint(p),
  });

  it('is applied when the station retries it (seqNo, energy, charging state)', async () => {
    const { id, cs } = await station201();
    const t = unique('TX');
    await cs.call('TransactionEvent', { eventType: 'Started', timestamp: at(0), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: t, chargingState: 'EVConnected' }, evse: { id: 1, connectorId: 1 }, meterValue: [register(1000, at(0), 'Transaction.Begin')] });
    const p = periodic(t, 1, 1600, at(60));
    await diedAfterMeterValues(id, p);
    expect(await cs.call('TransactionEvent', p)).toEqual({});
    const running = await tx201(id, t);
    expect(running).toMatchObject({ seqNos: [0, 1], energyWh: 600, chargingState: 'Charging', eventCount: 2, active: true });
    expect(running.meterValues).toHaveLength(2);
    // A second retry changes nothing.
    await cs.call('TransactionEvent', p);
    expect(await tx201(id, t)).toMatchObject({ seqNos: [0, 1], eventCount: 2 });
    await cs.close();
  });

  it('creates the transaction when that event is the first the CSMS sees of it', async () => {
    const { id, cs } = await station201();
    const t = unique('TX');
    const p = periodic(t, 5, 2000, at(120));
    await diedAfterMeterValues(id, p);
    await cs.call('TransactionEvent', p);
    expect(await tx201(id, t)).toMatchObject({ transactionId: t, evseId: 1, connectorId: 1, seqNos: [5], chargingState: 'Charging', active: true, eventCount: 1 });
    await cs.close();
  });
});

describe('3. out-of-order 2.0.1 events: every delivery order gives the same transaction', () => {
  const orders = [['S', 'U', 'E'], ['S', 'E', 'U'], ['U', 'S', 'E'], ['U', 'E', 'S'], ['E', 'S', 'U'], ['E', 'U', 'S']];
  const updates = {
    periodic: (t: string) => ({ eventType: 'Updated', timestamp: at(60), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: t, chargingState: 'Charging' }, meterValue: [register(1500, at(60))] }),
    chargingStateChanged: (t: string) => ({ eventType: 'Updated', timestamp: at(60), triggerReason: 'ChargingStateChanged', seqNo: 1, transactionInfo: { transactionId: t, chargingState: 'Charging' } }),
  };
  const views: Record<string, Params[]> = { periodic: [], chargingStateChanged: [] };

  describe.each(Object.keys(updates) as Array<keyof typeof updates>)('Updated = %s', (kind) => {
    it.each(orders.map((o) => [o.join('')]))('order %s', async (order) => {
      const { id, cs } = await station201();
      const tag = await acceptedTag();
      const t = unique('TX');
      const events: Record<string, Params> = {
        S: { eventType: 'Started', timestamp: at(0), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: t, chargingState: 'EVConnected' }, idToken: { idToken: tag, type: 'ISO14443' }, evse: { id: 2, connectorId: 1 }, meterValue: [register(1000, at(0), 'Transaction.Begin')] },
        U: updates[kind](t),
        E: { eventType: 'Ended', timestamp: at(120), triggerReason: 'EVCommunicationLost', seqNo: 2, transactionInfo: { transactionId: t, stoppedReason: 'EVDisconnected', chargingState: 'Idle' }, meterValue: [register(1800, at(120), 'Transaction.End')] },
      };
      for (const e of order.split('')) await cs.call('TransactionEvent', events[e]);
      const v = await tx201(id, t);
      expect(v).toMatchObject({
        idTag: tag, idTokenType: 'ISO14443', authorizationStatus: 'Accepted', evseId: 2, connectorId: 1, meterStart: 1000, meterStop: 1800, energyWh: 800,
        startedAt: at(0), stoppedAt: at(120), stopReason: 'EVDisconnected', stopTriggerReason: 'EVCommunicationLost', chargingState: 'Idle',
        active: false, seqNos: [0, 1, 2], eventCount: 3,
      });
      expect(v.meterValues).toHaveLength(kind === 'periodic' ? 3 : 2);
      expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([]);
      const { chargePointId, transactionId, idTag, meterValues, cdrId, ...rest } = v; // eslint-disable-line @typescript-eslint/no-unused-vars
      views[kind].push(rest);
      // Every order so far ends in exactly the same record.
      expect(views[kind][views[kind].length - 1]).toEqual(views[kind][0]);
      await cs.close();
    });
  });
});

describe('4. conflicting stops: the first stop wins whole', () => {
  it('1.6: a second, different StopTransaction adds none of its fields (sequential and simultaneous)', async () => {
    const { id } = { id: newId() };
    const tag = await acceptedTag();
    const other = await acceptedTag();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
    await ws.exchange([2, 'b', 'BootNotification', boot16]);
    const stopA = (txId: number) => ({ transactionId: txId, meterStop: 500, timestamp: at(100), reason: 'EVDisconnected' });
    const stopB = (txId: number) => ({ transactionId: txId, idTag: other, meterStop: 900, timestamp: at(200), reason: 'Local' });
    const isA = (v: Params) => v.stopIdTag === undefined && v.meterStop === 500 && v.stopReason === 'EVDisconnected' && v.stoppedAt === at(100);
    const isB = (v: Params) => v.stopIdTag === other && v.meterStop === 900 && v.stopReason === 'Local' && v.stoppedAt === at(200);

    const [, , s1] = await ws.exchange([2, 's1', 'StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: at(0) }]);
    await ws.exchange([2, 'a1', 'StopTransaction', stopA(s1.transactionId)]);
    await ws.exchange([2, 'b1', 'StopTransaction', stopB(s1.transactionId)]);
    expect(isA((await csms.api.get(`/transactions/${s1.transactionId}`)).body)).toBe(true);

    for (let round = 0; round < 5; round++) {
      const [, , s] = await ws.exchange([2, `s${round + 2}`, 'StartTransaction', { connectorId: 1, idTag: tag, meterStart: round, timestamp: at(round + 1) }]);
      ws.send([2, `a${round + 2}`, 'StopTransaction', stopA(s.transactionId)]);
      ws.send([2, `b${round + 2}`, 'StopTransaction', stopB(s.transactionId)]);
      await ws.next();
      await ws.next();
      const v = (await csms.api.get(`/transactions/${s.transactionId}`)).body;
      expect(isA(v) || isB(v)).toBe(true);
    }
    await ws.close();
  });

  it('2.0.1: a second Ended adds none of its fields', async () => {
    const { id, cs } = await station201();
    const tag = await acceptedTag();
    const t = unique('TX');
    await cs.call('TransactionEvent', { eventType: 'Started', timestamp: at(0), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId: t }, evse: { id: 1 }, meterValue: [register(100, at(0), 'Transaction.Begin')] });
    await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: at(100), triggerReason: 'EVCommunicationLost', seqNo: 1, transactionInfo: { transactionId: t, stoppedReason: 'EVDisconnected', chargingState: 'Idle' } });
    await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: at(200), triggerReason: 'StopAuthorized', seqNo: 2, idToken: { idToken: tag, type: 'ISO14443' }, transactionInfo: { transactionId: t, stoppedReason: 'Local', chargingState: 'EVConnected' }, meterValue: [register(900, at(200), 'Transaction.End')] });
    const v = await tx201(id, t);
    expect(v).toMatchObject({ stoppedAt: at(100), stopReason: 'EVDisconnected', stopTriggerReason: 'EVCommunicationLost', chargingState: 'Idle', active: false, eventCount: 3 });
    expect(v.meterStop).toBeUndefined();
    expect(v.stopIdTag).toBeUndefined();
    await cs.close();
  });
});

describe('5. schema-valid numbers beyond 2^53', () => {
  it('1.6: StartTransaction / StopTransaction / MeterValues are answered normally; the numbers are recorded as anomalies', async () => {
    const { id, cp } = await station16();
    const tag = await acceptedTag();
    const started = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 1e308, timestamp: at(0) });
    expect(started).toMatchObject({ transactionId: expect.any(Number), idTagInfo: { status: 'Accepted' } });
    expect(await cp.call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue: [{ timestamp: at(30), sampledValue: [{ value: '1e400' }] }] })).toEqual({});
    expect(await cp.call('MeterValues', { connectorId: 2 ** 60, meterValue: [{ timestamp: at(30), sampledValue: [{ value: '5' }] }] })).toEqual({});
    expect(await cp.call('StopTransaction', { transactionId: started.transactionId, meterStop: 2 ** 60, timestamp: at(60) })).toEqual({});
    const v = (await csms.api.get(`/transactions/${started.transactionId}`)).body;
    expect(v).toMatchObject({ active: false, stoppedAt: at(60), idTag: tag });
    expect(v.meterStart).toBeUndefined();
    expect(v.meterStop).toBeUndefined();
    const found = (await anomalies(id)).filter((e) => e.anomaly === 'NumberOutOfRange');
    expect(found.map((e) => [e.action, e.fields]).sort()).toEqual([
      ['MeterValues', { connectorId: String(2 ** 60) }],
      ['StartTransaction', { meterStart: '1e+308' }],
      ['StopTransaction', { meterStop: String(2 ** 60) }],
    ]);
    await cp.close();
  });

  it('2.0.1: TransactionEvent and MeterValues with huge numbers are answered; the values are kept as text', async () => {
    const { id, cs } = await station201();
    const t = unique('TX');
    expect(await cs.call('TransactionEvent', { eventType: 'Started', timestamp: at(0), triggerReason: 'CablePluggedIn', seqNo: 2 ** 62, transactionInfo: { transactionId: t }, evse: { id: 1 }, meterValue: [register(1e308, at(0), 'Transaction.Begin')] })).toEqual({});
    expect(await cs.call('TransactionEvent', { eventType: 'Updated', timestamp: at(10), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: t }, meterValue: [register(-1e300, at(10))] })).toEqual({});
    expect(await cs.call('MeterValues', { evseId: 1, meterValue: [register(1e200, at(20))] })).toEqual({});
    const v = await tx201(id, t);
    expect(v).toMatchObject({ active: true, evseId: 1, seqNos: [1] });
    expect(v.meterStart).toBeUndefined();
    expect(v.meterValues.map((m: Params) => m.sampledValue[0].value)).toEqual(['1e+308', '-1e+300']);
    const found = (await anomalies(id)).filter((e) => e.anomaly === 'NumberOutOfRange');
    expect(found.map((e) => e.action).sort()).toEqual(['MeterValues', 'TransactionEvent', 'TransactionEvent']);
    await cs.close();
  });
});

describe('7. transaction hooks run at least once, independently, and count failures', () => {
  it('a hook that failed runs again on the retried message; the others neither are skipped nor run twice', async () => {
    const calls = { flaky: 0, steady: 0 };
    let failuresLeft = 1;
    onTransactionStarted({ name: 'test-flaky', appliesTo: (tx) => tx.chargePointId.startsWith('HOOK'), run: async () => {
      calls.flaky++;
      if (failuresLeft-- > 0) throw new Error('downstream unavailable');
    } });
    onTransactionStarted({ name: 'test-steady', appliesTo: (tx) => tx.chargePointId.startsWith('HOOK'), run: () => void calls.steady++ });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return write(chunk as string, ...(rest as []));
    });
    try {
      const { id, cp } = await station16(newId('HOOK'));
      const tag = await acceptedTag();
      const start = { connectorId: 1, idTag: tag, meterStart: 0, timestamp: at(0) };
      const first = await cp.call('StartTransaction', start);
      expect(calls).toEqual({ flaky: 1, steady: 1 });
      const metric = lines.map((l) => { try { return JSON.parse(l); } catch { return undefined; } }).find((j) => j?.TransactionHookFailures === 1);
      expect(metric).toMatchObject({ hook: 'started:test-flaky', _aws: { CloudWatchMetrics: [expect.objectContaining({ Metrics: [expect.objectContaining({ Name: 'TransactionHookFailures' })] })] } });
      expect(await cp.call('StartTransaction', start)).toEqual(first);
      expect(calls).toEqual({ flaky: 2, steady: 1 });
      await cp.call('StartTransaction', start);
      expect(calls).toEqual({ flaky: 2, steady: 1 });
      expect([...((await getTransaction(id, String(first.transactionId)))?.hooksDone ?? [])].filter((h) => h.startsWith('started:test-')).sort()).toEqual(['started:test-flaky', 'started:test-steady']); // other blocks' hooks (e.g. tariff) are marked too
      await cp.close();
    } finally {
      spy.mockRestore();
    }
  });
});
