/**
 * Meter values of a transaction as chart series: energy (Wh, Energy.Active.Import.Register, the
 * default measurand when none is named — OCPP 1.6 §7.31, 2.0.1 SampledValueType) and power (W,
 * Power.Active.Import), in time order. kWh / kW values are scaled to Wh / W; 2.x values carry a
 * unitOfMeasure with a multiplier (10^n). Samples of other measurands, phases or contexts that would
 * mix with the totals (a per-phase value) are left out.
 */
export interface SampledValue {
  value: string | number;
  measurand?: string;
  unit?: string;
  phase?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
}
export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export interface Series {
  /** Unix seconds (uPlot's x axis). */
  t: number[];
  energyWh: Array<number | null>;
  powerW: Array<number | null>;
}

function scaled(s: SampledValue, base: 'Wh' | 'W'): number | undefined {
  const n = Number(s.value);
  if (!Number.isFinite(n)) return undefined;
  const unit = s.unitOfMeasure?.unit ?? s.unit ?? base;
  const mult = 10 ** (s.unitOfMeasure?.multiplier ?? 0);
  if (unit === base) return n * mult;
  if (unit === `k${base}`) return n * 1000 * mult;
  return undefined;
}

export function meterSeries(values: MeterValue[] | undefined): Series {
  const points = new Map<number, { e: number | null; p: number | null }>();
  for (const mv of values ?? []) {
    const ms = Date.parse(mv.timestamp);
    if (!Number.isFinite(ms)) continue;
    const t = ms / 1000;
    const point = points.get(t) ?? { e: null, p: null };
    for (const s of mv.sampledValue ?? []) {
      if (s.phase) continue;
      const measurand = s.measurand ?? 'Energy.Active.Import.Register';
      if (measurand === 'Energy.Active.Import.Register') point.e = scaled(s, 'Wh') ?? point.e;
      else if (measurand === 'Power.Active.Import') point.p = scaled(s, 'W') ?? point.p;
    }
    if (point.e !== null || point.p !== null) points.set(t, point);
  }
  const t = [...points.keys()].sort((a, b) => a - b);
  return { t, energyWh: t.map((x) => points.get(x)!.e), powerW: t.map((x) => points.get(x)!.p) };
}
