/**
 * The cost of a transaction from what the station reported (shared/tariffs/usage.ts, cost.ts, cdr.ts):
 * energy from the register under missing, duplicated, out-of-order and reset readings; the running
 * cost with an injected clock; time of day, energy, time, parking, flat, min/max price and step
 * sizes through the stored record; the CDR built from it. Expected amounts are computed by hand in
 * the comments.
 */
import fc from 'fast-check';
import type { TransactionRecord } from '../../../shared/store/transactions';
import { transactionCost } from '../../../shared/tariffs/cost';
import { buildCdr, chargingPeriods } from '../../../shared/tariffs/cdr';
import type { Tariff } from '../../../shared/tariffs/model';
import { sessionUsage, type RegisterPoint } from '../../../shared/tariffs/usage';

const MIN = 60_000;
const T0 = Date.parse('2024-06-03T17:00:00Z'); // a Monday
const iso = (t: number) => new Date(t).toISOString();

function record(tariff: Tariff, extra: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    chargePointId: 'CP1', transactionId: '42', version: '1.6', connectorId: 1, idTag: 'TAG1', startedAt: iso(T0), active: true,
    createdAt: iso(T0), updatedAt: iso(T0), tariffId: 'T1', tariffSource: 'default', tariffDocument: JSON.stringify(tariff), ...extra,
  } as TransactionRecord;
}
/** 1.6 MeterValue entries: register readings in Wh at minutes after T0. */
const mv16 = (...pairs: Array<[number, number]>) => pairs.map(([min, wh]) => ({ timestamp: iso(T0 + min * MIN), sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }));
const energyTariff = (price: number, extra: Partial<Tariff> = {}): Tariff => ({ currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price, step_size: 1 }] }], ...extra });

describe('energy from the register', () => {
  const usage = (readings: Array<[number, number]>, opts: { meterStart?: number; meterStop?: number; stopMin?: number; offline?: boolean } = {}) => sessionUsage({
    startedAt: iso(T0), stoppedAt: opts.stopMin !== undefined ? iso(T0 + opts.stopMin * MIN) : undefined,
    meterStart: opts.meterStart, meterStop: opts.meterStop, offline: opts.offline,
    readings: readings.map(([m, wh]) => ({ t: T0 + m * MIN, wh })), now: T0 + 120 * MIN,
  });

  it('meterStart to meterStop, with readings in between in any order and repeated: the same energy', () => {
    const ordered = usage([[10, 1200], [20, 1500], [30, 2100]], { meterStart: 1000, meterStop: 2500, stopMin: 40 });
    const shuffled = usage([[30, 2100], [10, 1200], [30, 2100], [20, 1500], [10, 1200]], { meterStart: 1000, meterStop: 2500, stopMin: 40 });
    expect(ordered.energyWh).toBe(1500);
    expect(shuffled.energyWh).toBe(1500);
    expect(shuffled.periods.map((p) => p.energyWh)).toEqual(ordered.periods.map((p) => p.energyWh));
  });

  it('a register reset counts the stretch before it and from its first reading on', () => {
    // 10000 → 12000 (2000), reset, 0 → 500 → 1500 (1500): 3500 Wh
    expect(usage([[10, 12000], [20, 0], [30, 500]], { meterStart: 10000, meterStop: 1500, stopMin: 40 })).toMatchObject({ energyWh: 3500, resets: 1 });
  });

  it('a single low reading between normal ones is a glitch, not a reset (no 50 kWh overcharge)', () => {
    expect(usage([[10, 12000], [20, 100], [30, 13000]], { meterStart: 10000, meterStop: 13000, stopMin: 40 })).toMatchObject({ energyWh: 3000, ignoredReadings: 1, resets: 0 });
  });

  it('a meterStop below meterStart (a reset without readings) bills no negative energy', () => {
    expect(usage([], { meterStart: 10000, meterStop: 9000, stopMin: 40 }).energyWh).toBe(0);
  });

  it('missing meterStop while running: the energy so far is the last reading; missing meterStart: the first', () => {
    expect(usage([[10, 1200], [20, 1500]], { meterStart: 1000 }).energyWh).toBe(500);
    expect(usage([[10, 1200], [20, 1500]], {}).energyWh).toBe(300);
    expect(usage([], {}).energyWh).toBe(0);
  });

  it('a meterStart of 0 after an offline start does not bill the whole register', () => {
    expect(usage([[10, 50000], [20, 52000]], { meterStart: 0, meterStop: 53000, stopMin: 30, offline: true }).energyWh).toBe(3000);
    // online, a new meter really at 0: counted from 0
    expect(usage([[10, 500]], { meterStart: 0, meterStop: 800, stopMin: 30 }).energyWh).toBe(800);
  });

  it('offline-queued readings with timestamps outside the session are clamped to it', () => {
    const u = usage([[-30, 1000], [10, 1500], [90, 2000]], { meterStart: 1000, meterStop: 2000, stopMin: 60 });
    expect(u.energyWh).toBe(1000);
    expect(u.periods[0].start).toBe(T0);
    expect(u.periods.at(-1)!.end).toBe(T0 + 60 * MIN);
  });

  it('property: any order and any repetition of the readings gives the same energy, never negative', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      (steps, picks) => {
        let wh = 1000;
        const readings: RegisterPoint[] = steps.map((s, i) => ({ t: T0 + (i + 1) * MIN, wh: (wh += s) }));
        const base = sessionUsage({ startedAt: iso(T0), meterStart: 1000, readings, now: T0 + 30 * MIN });
        const noisy = [...readings, ...picks.map((p) => readings[p % readings.length])].reverse();
        const again = sessionUsage({ startedAt: iso(T0), meterStart: 1000, readings: noisy, now: T0 + 30 * MIN });
        expect(base.energyWh).toBe(wh - 1000);
        expect(again.energyWh).toBe(base.energyWh);
        for (const p of again.periods) expect(p.energyWh).toBeGreaterThanOrEqual(0);
      },
    ));
  });
});

describe('the cost of a transaction under its tariff', () => {
  it('running cost follows the clock: TIME 2.00/h per minute → 1.00 at 30 min, 2.00 at 60 min; final once stopped', () => {
    const t: Tariff = { currency: 'EUR', elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 60 }] }] };
    const tx = record(t);
    expect(transactionCost(tx, [], T0 + 30 * MIN)).toMatchObject({ status: 'running', totalExclVat: 1, at: iso(T0 + 30 * MIN) });
    expect(transactionCost(tx, [], T0 + 60 * MIN)).toMatchObject({ status: 'running', totalExclVat: 2 });
    const stopped = record(t, { stoppedAt: iso(T0 + 45 * MIN), active: false });
    expect(transactionCost(stopped, [], T0 + 600 * MIN)).toMatchObject({ status: 'final', totalExclVat: 1.5 });
  });

  it('time of day: 0.20/kWh until 18:00 (UTC), 0.30 after; 2 kWh before and 3 kWh after → 0.40 + 0.90 = 1.30', () => {
    const t: Tariff = { currency: 'EUR', elements: [
      { price_components: [{ type: 'ENERGY', price: 0.2, step_size: 1 }], restrictions: { end_time: '18:00' } },
      { price_components: [{ type: 'ENERGY', price: 0.3, step_size: 1 }] },
    ] };
    const tx = record(t, { meterStart: 10000, meterStop: 15000, stoppedAt: iso(T0 + 120 * MIN), active: false });
    const c = transactionCost(tx, mv16([30, 11000], [60, 12000], [90, 13500]), T0 + 200 * MIN)!;
    expect(c.totalExclVat).toBe(1.3);
    expect(c.energyWh).toBe(5000);
    expect(c.breakdown.map((l) => [l.element, l.volume])).toEqual([[0, 2], [1, 3]]);
  });

  it('energy readings duplicated and out of order change nothing in the bill', () => {
    const t = energyTariff(0.25);
    const tx = record(t, { meterStart: 1000, meterStop: 5000, stoppedAt: iso(T0 + 60 * MIN), active: false });
    const a = transactionCost(tx, mv16([20, 2000], [40, 3000]), T0)!;
    const b = transactionCost(tx, mv16([40, 3000], [20, 2000], [40, 3000]), T0)!;
    expect([a.totalExclVat, b.totalExclVat]).toEqual([1, 1]);
  });

  it('parking from the 2.0.1 charging states: TIME 2.00/h + PARKING 6.00/h per 15 min, 60 min charging + 20 min SuspendedEV → 2.00 + 3.00 (30 min)', () => {
    const t: Tariff = { currency: 'EUR', elements: [{ price_components: [{ type: 'TIME', price: 2, step_size: 60 }, { type: 'PARKING_TIME', price: 6, step_size: 900 }] }] };
    const tx = record(t, {
      version: '2.0.1', evseId: 1, stoppedAt: iso(T0 + 80 * MIN), active: false,
      chargingStates: new Set([`${iso(T0)}|Charging`, `${iso(T0 + 60 * MIN)}|SuspendedEV`]),
    });
    const c = transactionCost(tx, [], T0)!;
    expect(c.totals).toMatchObject({ chargingHours: 1, parkingHours: 0.3333 });
    expect(c.totalExclVat).toBe(5);
  });

  it('flat + energy with VAT, min and max price', () => {
    const t: Tariff = { currency: 'EUR', elements: [{ price_components: [{ type: 'FLAT', price: 0.5, vat: 20, step_size: 1 }] }, { price_components: [{ type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }], min_price: { excl_vat: 1, incl_vat: 1.2 }, max_price: { excl_vat: 10, incl_vat: 11 } };
    const stop = { stoppedAt: iso(T0 + 60 * MIN), active: false };
    // 20 kWh: 0.50 + 5.00 = 5.50 / 0.60 + 5.50 = 6.10
    expect(transactionCost(record(t, { meterStart: 0, meterStop: 20000, ...stop }), [], T0)).toMatchObject({ totalExclVat: 5.5, totalInclVat: 6.1 });
    // 1 kWh: 0.75 → min 1.00 / 1.20
    expect(transactionCost(record(t, { meterStart: 0, meterStop: 1000, ...stop }), [], T0)).toMatchObject({ totalExclVat: 1, totalInclVat: 1.2, bounded: 'min_price' });
    // 50 kWh: 13.00 → max 10.00 / 11.00
    expect(transactionCost(record(t, { meterStart: 0, meterStop: 50000, ...stop }), [], T0)).toMatchObject({ totalExclVat: 10, totalInclVat: 11, bounded: 'max_price' });
  });

  it('step sizes as OCPI defines: ENERGY per 500 Wh, 1.2 kWh billed as 1.5 kWh at 0.20 → 0.30', () => {
    const t: Tariff = { currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price: 0.2, step_size: 500 }] }] };
    const c = transactionCost(record(t, { meterStart: 0, meterStop: 1200, stoppedAt: iso(T0 + 60 * MIN), active: false }), [], T0)!;
    expect(c.breakdown[0].volume).toBe(1.5);
    expect(c.totalExclVat).toBe(0.3);
  });

  it('no tariff on the transaction: no cost', () => {
    const tx = { ...record(energyTariff(1)), tariffId: undefined, tariffDocument: undefined } as TransactionRecord;
    expect(transactionCost(tx, [], T0)).toBeUndefined();
  });
});

describe('the CDR (OCPI 2.2.1 shape)', () => {
  it('charging periods: merged per state and whole hour, so a 24 h session with a reading a minute stays small', () => {
    const periods = Array.from({ length: 24 * 60 }, (_, m) => ({ start: T0 + m * MIN, end: T0 + (m + 1) * MIN, energyWh: 100, charging: !(m >= 90 && m < 100) }));
    const merged = chargingPeriods(periods);
    // hour 0, hour 1 split by the parked minutes 90–99 into 3, hours 2–23
    expect(merged).toHaveLength(1 + 3 + 22);
    expect(merged[2]).toMatchObject({ start: T0 + 90 * MIN, end: T0 + 100 * MIN, charging: false, energyWh: 1000 });
    expect(merged.reduce((s, p) => s + p.energyWh, 0)).toBe(24 * 60 * 100);
  });

  it('totals, costs per dimension and charging periods with dimensions', () => {
    const t: Tariff = { currency: 'EUR', elements: [{ price_components: [{ type: 'FLAT', price: 1, step_size: 1 }, { type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }] };
    const tx = record(t, { meterStart: 1000, meterStop: 9000, stoppedAt: iso(T0 + 60 * MIN), active: false });
    const values = mv16([30, 5000]);
    const cost = transactionCost(tx, values, T0)!;
    const periods = sessionUsage({ startedAt: tx.startedAt, stoppedAt: tx.stoppedAt, meterStart: 1000, meterStop: 9000, readings: [{ t: T0 + 30 * MIN, wh: 5000 }], now: T0 }).periods;
    const cdr = buildCdr(tx, cost, periods, tx.stoppedAt!, new Date(T0 + 61 * MIN));
    expect(cdr).toMatchObject({
      id: 'CP1-42', session_id: '42', start_date_time: iso(T0), end_date_time: iso(T0 + 60 * MIN), currency: 'EUR',
      cdr_token: { uid: 'TAG1', type: 'RFID' }, cdr_location: { id: 'CP1', connector_id: '1' },
      total_cost: { excl_vat: 3, incl_vat: 3.2 }, total_fixed_cost: { excl_vat: 1, incl_vat: 1 }, total_energy_cost: { excl_vat: 2, incl_vat: 2.2 },
      total_energy: 8, total_time: 1, total_parking_time: 0,
    });
    // The two stretches (17:00–17:30, 17:30–18:00) are one charging period: same state, same hour.
    expect(cdr.charging_periods).toEqual([{ start_date_time: iso(T0), dimensions: [{ type: 'ENERGY', volume: 8 }, { type: 'TIME', volume: 1 }], tariff_id: 'T1' }]);
    expect(cdr.tariffs).toEqual([t]);
  });
});
