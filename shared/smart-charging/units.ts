/**
 * A <-> W conversion (OCPP 1.6 §7.12): W = A × lineVoltage × numberPhases.
 */
import { ChargingRateUnit } from './types';

export const DEFAULT_VOLTAGE = 230;
export const DEFAULT_PHASES = 3;

/**
 * Converts `limit` from `from` to `to` using `voltage` and `phases`.
 * Unconverted values are returned untouched. Converted values are rounded DOWN to one decimal
 * (the granularity OCPP allows for limits, §7.14), so rounding can never let the composite exceed
 * a constraint; a positive value under 0.1 is kept unrounded rather than becoming 0, because a
 * limit of 0 means "do not charge" and no profile said that.
 */
export function convertLimit(
  limit: number,
  from: ChargingRateUnit,
  to: ChargingRateUnit,
  voltage: number,
  phases: number,
): number {
  if (from === to) return limit;
  const factor = voltage * phases;
  const raw = to === 'W' ? limit * factor : limit / factor;
  return roundDownOneDecimal(raw);
}

export function roundDownOneDecimal(x: number): number {
  // The epsilon absorbs binary noise (e.g. 159.99999999999997 stands for 160).
  const r = Math.floor(x * 10 + 1e-7) / 10;
  return r === 0 && x > 0 ? x : r;
}

/** As convertLimit, for values that may be negative (2.1 dischargeLimit, setpoint): the magnitude is rounded down, so toward zero. */
export function convertTowardZero(value: number, from: ChargingRateUnit, to: ChargingRateUnit, voltage: number, phases: number): number {
  const magnitude = convertLimit(Math.abs(value), from, to, voltage, phases);
  return value < 0 ? -magnitude : magnitude;
}
