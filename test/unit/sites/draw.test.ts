/**
 * Periodic re-allocation from meter values (docs/sites.md): which measured current moves a
 * connector's cap (hysteresis), and how the current is read from 1.6 and 2.0.1 meter values.
 */
import { allocate, DRAW_HEADROOM_A, drawUpdate, measuredCurrent } from '../../../shared/sites/allocate';

describe('drawUpdate: hysteresis', () => {
  it('caps a connector only once it leaves at least 2 A unused above the 2 A headroom', () => {
    expect(drawUpdate(20, undefined, 16)).toBe(16); // 16 + 2 ≤ 20 − 2
    expect(drawUpdate(20, undefined, 16.5)).toBeUndefined();
    expect(drawUpdate(20, undefined, 0)).toBe(0);
  });
  it('a capped connector moves only when the draw moved by 2 A, and is lifted when it draws within 1 A of its limit', () => {
    expect(drawUpdate(7, 5, 5.4)).toBeUndefined();
    expect(drawUpdate(7, 5, 3.1)).toBeUndefined();
    expect(drawUpdate(7, 5, 3)).toBe(3);
    expect(drawUpdate(7, 5, 6)).toBeNull();
    expect(drawUpdate(10, 2, 9.5)).toBeNull();
  });
  it('ignores readings that are not currents', () => {
    expect(drawUpdate(20, undefined, NaN)).toBeUndefined();
    expect(drawUpdate(20, 3, -1)).toBeUndefined();
  });
  it('the cap is the draw plus headroom, never below the minimum, and frees the rest for the others', () => {
    const st = (id: string, drawnA?: number) => ({ chargePointId: id, online: true, connectors: [{ location: 1, maxCurrentA: 32, transaction: { transactionId: id, startedAt: id }, drawnA }] });
    const a = allocate({ maxCurrentA: 40, minCurrentA: 6 }, [st('A', 5), st('B')]);
    expect(a.limits.map((l) => [l.chargePointId, l.limitA, l.reason])).toEqual([['A', 5 + DRAW_HEADROOM_A, 'drawn'], ['B', 32, 'share']]);
    const low = allocate({ maxCurrentA: 40, minCurrentA: 6 }, [st('A', 1), st('B')]);
    expect(low.limits[0].limitA).toBe(6);
  });
});

describe('measuredCurrent', () => {
  it('1.6: the highest phase of the newest Current.Import, value as text', () => {
    expect(measuredCurrent([
      { timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: '30', measurand: 'Current.Import', unit: 'A', phase: 'L1' }] },
      { timestamp: '2024-01-01T00:01:00Z', sampledValue: [{ value: '1200', measurand: 'Energy.Active.Import.Register' }, { value: '7.5', measurand: 'Current.Import', unit: 'A', phase: 'L1' }, { value: '8', measurand: 'Current.Import', unit: 'A', phase: 'L2' }] },
    ])).toBe(8);
  });
  it('2.0.1: a number with its multiplier; no current reading → undefined', () => {
    expect(measuredCurrent([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 125, measurand: 'Current.Import', unitOfMeasure: { unit: 'A', multiplier: -1 } }] }])).toBe(12.5);
    expect(measuredCurrent([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 1000 }] }])).toBeUndefined();
    expect(measuredCurrent([{ timestamp: '2024-01-01T00:00:00Z', sampledValue: [{ value: 5, measurand: 'Current.Import', unitOfMeasure: { unit: 'mA' } }] }])).toBeUndefined();
  });
});
