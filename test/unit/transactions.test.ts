import { registerAt, registerReadings } from '../../shared/metering/energy';
import type { TransactionRecord } from '../../shared/store/transactions';
import { canonicalJson, fingerprint } from '../../shared/transactions/fingerprint';
import { dueHooks, runTransactionHooks } from '../../shared/transactions/hooks';
import { screenNumbers, storable } from '../../shared/transactions/numbers';
import { transactionView } from '../../shared/transactions/view';

const aTransaction = (over: Partial<TransactionRecord> = {}): TransactionRecord => ({
  chargePointId: 'CP1', transactionId: '17', version: '1.6', connectorId: 1, idTag: 'ABC', meterStart: 1000,
  startedAt: '2030-01-01T00:00:00.000Z', active: true, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', ...over,
});

describe('message fingerprints (idempotency of retried messages)', () => {
  it('equal content gives an equal fingerprint whatever the key order; undefined fields do not count', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe('{"a":[{"x":1,"y":2}],"b":1}');
    expect(fingerprint({ a: 1, b: { c: 2 } })).toBe(fingerprint({ b: { c: 2 }, a: 1, d: undefined }));
    expect(fingerprint({ seqNo: 0, v: 1 })).not.toBe(fingerprint({ seqNo: 0, v: 2 }));
    expect(fingerprint({})).toHaveLength(22);
  });
});

describe('energy register readings', () => {
  it('1.6: a bare value is Energy.Active.Import.Register in Wh; kWh is scaled; phases and signed data are not the register', () => {
    const mv = [{ timestamp: '2030-01-01T00:00:00Z', sampledValue: [
      { value: '1200' },
      { value: '1.5', unit: 'kWh', context: 'Transaction.Begin' },
      { value: '500', phase: 'L1' },
      { value: 'ABCD', format: 'SignedData' },
      { value: '16', measurand: 'Current.Import', unit: 'A' },
      { value: '9', unit: 'varh' },
    ] }];
    expect(registerReadings('1.6', mv).map((r) => r.wh)).toEqual([1200, 1500]);
    expect(registerAt('1.6', mv, 'begin')).toBe(1500); // context Transaction.Begin wins
  });

  it('2.0.1: unitOfMeasure with multiplier; begin/end prefer Transaction.Begin/End, else the earliest/latest', () => {
    const mv = [
      { timestamp: '2030-01-01T00:10:00Z', sampledValue: [{ value: 0.3, unitOfMeasure: { unit: 'kWh', multiplier: 1 } }] },
      { timestamp: '2030-01-01T00:00:00Z', sampledValue: [{ value: 2, unitOfMeasure: { unit: 'Wh', multiplier: 3 } }, { value: 5, measurand: 'SoC' }] },
    ];
    expect(registerReadings('2.0.1', mv).map((r) => r.wh)).toEqual([3000, 2000]);
    expect(registerAt('2.0.1', mv, 'begin')).toBe(2000);
    expect(registerAt('2.0.1', mv, 'end')).toBe(3000);
    expect(registerAt('2.0.1', [], 'end')).toBeUndefined();
    expect(registerAt('2.0.1', undefined, 'end')).toBeUndefined();
  });
});

describe('transaction view (docs/operator-api.md)', () => {
  it('1.6: integer id and connectorId; energy once stopped', () => {
    const v = transactionView(aTransaction({ meterStop: 1750, active: false, stoppedAt: '2030-01-01T01:00:00.000Z', stopReason: 'Local' }));
    expect(v).toMatchObject({ transactionId: 17, connectorId: 1, energyWh: 750, active: false, stopReason: 'Local' });
    expect(v).not.toHaveProperty('evseId');
  });

  it('2.0.1: string id and evseId; energy so far while running; seqNos sorted', () => {
    const v = transactionView(aTransaction({ version: '2.0.1', transactionId: '0017', evseId: 2, connectorId: undefined, lastMeterWh: 1300, seqNos: new Set([3, 1, 2]) }));
    expect(v).toMatchObject({ transactionId: '0017', evseId: 2, energyWh: 300, seqNos: [1, 2, 3] });
  });

  it('no energy without both readings', () => {
    expect(transactionView(aTransaction({ meterStart: undefined, meterStop: 10, active: false })).energyWh).toBeUndefined();
  });
});

describe('transaction hooks: at least once, independent, failures counted (injected store)', () => {
  const hooks = (log: string[], failing: Set<string>) => ['a', 'b'].map((name) => ({
    phase: name === 'a' ? 'started' as const : 'stopped' as const,
    hook: { name, appliesTo: (tx: TransactionRecord) => tx.reservationId !== undefined, run: () => { log.push(name); if (failing.has(name)) throw new Error(`${name} down`); } },
  }));

  it('runs every due hook even when one fails, marks only those that succeeded, counts the failure', async () => {
    const ran: string[] = [];
    const marked: string[][] = [];
    const failures: string[] = [];
    const deps = { markDone: async (_cp: string, _tx: string, names: string[]) => void marked.push(names), onFailure: (name: string) => void failures.push(name) };
    const stopped = aTransaction({ reservationId: 3, stoppedAt: '2030-01-01T01:00:00.000Z', active: false });
    const out = await runTransactionHooks(stopped, hooks(ran, new Set(['a'])), deps);
    expect(out).toEqual({ ran: ['stopped:b'], failed: ['started:a'] });
    expect(ran.sort()).toEqual(['a', 'b']);
    expect(marked).toEqual([['stopped:b']]);
    expect(failures).toEqual(['started:a']);
    // The next message of the transaction (a retry) runs only the one still due.
    ran.length = 0;
    await runTransactionHooks({ ...stopped, hooksDone: new Set(['stopped:b']) }, hooks(ran, new Set()), deps);
    expect(ran).toEqual(['a']);
  });

  it('a stopped hook is not due before the stop; a hook that does not apply is never due', () => {
    const h = hooks([], new Set());
    expect(dueHooks(aTransaction({ reservationId: 1 }), h).map((x) => x.hook.name)).toEqual(['a']);
    expect(dueHooks(aTransaction(), h)).toEqual([]);
  });
});

describe('numbers the store cannot keep', () => {
  it('beyond 2^53 or DynamoDB range: left out, or kept as text inside meter values; transactionId kept', () => {
    expect([0, 1.5, -(2 ** 53) + 1, 1e-100].every(storable)).toBe(true);
    expect([2 ** 53, 1e308, -1e300, 1e-200].some(storable)).toBe(false);
    const p = { connectorId: 1, meterStart: 1e308, transactionId: 1e300, meterValue: [{ timestamp: 't', sampledValue: [{ value: 2 ** 60 }, { value: 5 }] }] };
    expect(screenNumbers(p)).toEqual({
      payload: { connectorId: 1, meterStart: undefined, transactionId: 1e300, meterValue: [{ timestamp: 't', sampledValue: [{ value: String(2 ** 60) }, { value: 5 }] }] },
      outOfRange: { meterStart: '1e+308', 'meterValue[0].sampledValue[0].value': String(2 ** 60) },
    });
    const fine = { a: 1 };
    expect(screenNumbers(fine).payload).toBe(fine);
  });
});
