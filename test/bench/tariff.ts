/**
 * The cost of a session (docs/tariffs.md): a 24 h 1.6 session with one register reading a minute
 * (1,441 readings) under a tariff of 10 elements (time-of-day energy prices, a FLAT fee, TIME,
 * PARKING_TIME, step sizes, max_price), from the stored record and meter values to the final cost
 * and the CDR — the work of the stop hook and of a GET of a running session. Target ≤ 1 ms.
 */
import type { TransactionRecord } from '../../shared/store/transactions';
import { buildCdr } from '../../shared/tariffs/cdr';
import { transactionCost, transactionUsage } from '../../shared/tariffs/cost';
import type { Tariff } from '../../shared/tariffs/model';

export interface TariffBenchResult { readings: number; elements: number; runs: number; ms: number; p90Ms: number; cdrBytes: number }

export function tariffBenchCase() {
  const start = Date.parse('2024-06-03T08:00:00Z');
  const hours = ['00:00', '06:00', '09:00', '12:00', '15:00', '18:00', '21:00'];
  const tariff: Tariff = {
    currency: 'EUR', time_zone: 'Europe/Amsterdam', max_price: { excl_vat: 500 },
    elements: [
      { price_components: [{ type: 'FLAT', price: 0.5, vat: 21, step_size: 1 }] },
      ...hours.map((h, i) => ({ price_components: [{ type: 'ENERGY' as const, price: 0.2 + i * 0.02, vat: 21, step_size: 100 }], restrictions: { start_time: h, end_time: hours[i + 1] ?? '23:59' } })),
      { price_components: [{ type: 'TIME', price: 1.2, vat: 21, step_size: 300 }], restrictions: { min_duration: 3600 } },
      { price_components: [{ type: 'PARKING_TIME', price: 3, vat: 21, step_size: 900 }, { type: 'ENERGY', price: 0.3, vat: 21, step_size: 1 }] },
    ],
  };
  const values = Array.from({ length: 1441 }, (_, m) => ({ timestamp: new Date(start + m * 60_000).toISOString(), sampledValue: [{ value: String(1000 + m * 180), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }));
  const tx = {
    chargePointId: 'CP-BENCH', transactionId: '1', version: '1.6', connectorId: 1, idTag: 'TAG', startedAt: new Date(start).toISOString(),
    stoppedAt: new Date(start + 24 * 3_600_000).toISOString(), meterStart: 1000, meterStop: 1000 + 1440 * 180, active: false,
    tariffId: 'BENCH', tariffDocument: JSON.stringify(tariff), createdAt: '', updatedAt: '',
  } as unknown as TransactionRecord;
  return { tx, values, tariff };
}

export function measureTariff(opts: { runs: number }): TariffBenchResult {
  const { tx, values, tariff } = tariffBenchCase();
  const once = () => {
    const now = Date.now();
    const usage = transactionUsage(tx, values, now);
    return buildCdr(tx, transactionCost(tx, values, now, usage), usage.periods, tx.stoppedAt!, new Date(now));
  };
  for (let i = 0; i < Math.min(20, opts.runs); i++) once(); // warm-up (JIT)
  const times: number[] = [];
  let cdr = once();
  for (let i = 0; i < opts.runs; i++) {
    const t0 = performance.now();
    cdr = once();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { readings: values.length, elements: tariff.elements.length, runs: opts.runs, ms: times[Math.floor(times.length / 2)], p90Ms: times[Math.floor(times.length * 0.9)], cdrBytes: JSON.stringify(cdr).length };
}
