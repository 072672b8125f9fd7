import type { Generation } from '../store/transactions';

/**
 * Reading the energy register out of meter values of either generation (1.6 §3.16 / §7.31,
 * 2.0.1 SampledValueType): the default measurand is Energy.Active.Import.Register in Wh, so a bare
 * value counts. Phase-specific and signed-only values are not the total register.
 */
interface Sampled16 { value: string; measurand?: string; phase?: string; unit?: string; format?: string; context?: string }
interface Sampled201 { value: number; measurand?: string; phase?: string; unitOfMeasure?: { unit?: string; multiplier?: number }; context?: string }
interface MeterValue<S> { timestamp: string; sampledValue: S[] }

const REGISTER = 'Energy.Active.Import.Register';

function wh16(s: Sampled16): number | undefined {
  if ((s.measurand ?? REGISTER) !== REGISTER || s.phase || s.format === 'SignedData') return undefined;
  const v = Number(s.value);
  if (!Number.isFinite(v)) return undefined;
  return (s.unit ?? 'Wh') === 'kWh' ? v * 1000 : (s.unit ?? 'Wh') === 'Wh' ? v : undefined;
}

function wh201(s: Sampled201): number | undefined {
  if ((s.measurand ?? REGISTER) !== REGISTER || s.phase || typeof s.value !== 'number') return undefined;
  const unit = s.unitOfMeasure?.unit ?? 'Wh';
  const scale = 10 ** (s.unitOfMeasure?.multiplier ?? 0);
  return unit === 'kWh' ? s.value * scale * 1000 : unit === 'Wh' ? s.value * scale : undefined;
}

export interface RegisterReading {
  wh: number;
  timestamp: string;
  context?: string;
}

/** All register readings in the meter values, in the order given. */
export function registerReadings(version: Generation, meterValue: unknown[]): RegisterReading[] {
  const out: RegisterReading[] = [];
  for (const mv of meterValue as Array<MeterValue<Sampled16 & Sampled201>>) {
    for (const s of mv.sampledValue ?? []) {
      const wh = version === '1.6' ? wh16(s as Sampled16) : wh201(s as Sampled201);
      if (wh !== undefined) out.push({ wh: Math.round(wh * 1000) / 1000, timestamp: mv.timestamp, context: s.context });
    }
  }
  return out;
}

/** The reading that opens (context Transaction.Begin, else the earliest) or closes (Transaction.End, else the latest) a stretch. */
export function registerAt(version: Generation, meterValue: unknown[] | undefined, which: 'begin' | 'end'): number | undefined {
  if (!meterValue?.length) return undefined;
  const readings = registerReadings(version, meterValue);
  if (!readings.length) return undefined;
  const marked = readings.filter((r) => r.context === (which === 'begin' ? 'Transaction.Begin' : 'Transaction.End'));
  const pool = marked.length ? marked : readings;
  const sorted = [...pool].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return (which === 'begin' ? sorted[0] : sorted[sorted.length - 1]).wh;
}
