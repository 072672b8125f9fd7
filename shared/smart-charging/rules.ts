/**
 * The rules a charging profile must meet before the CSMS sends it, pure (no I/O): what a charge
 * point would reject, refused up front with the reason (docs/operator-api.md: 400, nothing sent).
 * 1.6 §3.13.1, §5.16, §7.8, §7.13, §9.4 · 2.0.1 K01, K05.
 */
import type { ProfileOrder } from './requests';
import type { ChargingRateUnit } from './types';

/** What the CSMS knows about the charge point when it checks a profile. */
export interface ProfileFacts {
  /** The transaction running on the profile's connector/EVSE, if any. */
  activeTransactionId?: string;
  /** 1.6 ChargeProfileMaxStackLevel · 2.0.1 SmartChargingCtrlr.ProfileStackLevel, when reported. */
  maxStackLevel?: number;
  /** 1.6 ChargingScheduleAllowedChargingRateUnit · 2.0.1 SmartChargingCtrlr.RateUnit, when reported. */
  allowedUnits?: ChargingRateUnit[];
  /** 1.6 ChargingScheduleMaxPeriods · 2.0.1 SmartChargingCtrlr.PeriodsPerSchedule, when reported. */
  maxPeriods?: number;
  /** 1.6 MaxChargingProfilesInstalled, when reported. */
  maxInstalled?: number;
  /** How many profiles the CSMS's model would hold once this one is installed. */
  installedAfter?: number;
}

const where = (o: ProfileOrder) => (o.version === '1.6' ? `connector ${o.location}` : `EVSE ${o.location}`);

/** Returns why `order` must not be sent, or undefined when it may. */
export function profileProblem(o: ProfileOrder, facts: ProfileFacts = {}): string | undefined {
  const v16 = o.version === '1.6';
  const cite = (s16: string, s201: string) => (v16 ? `1.6 ${s16}` : `2.0.1 ${s201}`);

  if (o.stackLevel < 0) return `stackLevel must be 0 or more (${cite('§7.8', 'K01')})`;
  if (o.purpose === undefined) return `chargingProfilePurpose ${o.wirePurpose} is not known`;

  if (o.via === 'RemoteStart') {
    // 1.6 §5.16.2: "the ChargingProfilePurpose MUST be set to TxProfile and the transactionId SHALL NOT be set".
    if (o.purpose !== 'Tx') return `a charging profile in a remote start must be a TxProfile, not ${o.wirePurpose} (${cite('§5.16.2', 'F01/K05')})`;
    if (o.transactionId !== undefined) return `a charging profile in a remote start must not have a transactionId: the transaction does not exist yet (${cite('§5.16.2', 'F01/K05')})`;
    if (o.location !== undefined && o.location <= 0) return `a remote start with a TxProfile needs ${v16 ? 'connectorId' : 'evseId'} > 0`;
  } else {
    if (o.purpose === 'StationMax' && o.location !== 0) {
      return `${o.wirePurpose} can only be set on ${v16 ? 'connectorId' : 'evseId'} 0, not ${o.location} (${cite('§3.13.1', 'K01')})`;
    }
    if (o.purpose === 'Tx') {
      if (o.location === 0) return `a TxProfile cannot be set on ${v16 ? 'connectorId' : 'evseId'} 0 (${cite('§3.13.1', 'K01.FR.16')})`;
      if (!v16 && o.transactionId === undefined) return 'a TxProfile needs the transactionId of the transaction it is for (2.0.1 K01.FR.03)';
      if (facts.activeTransactionId === undefined) {
        return `a TxProfile needs an active transaction on ${where(o)}, and there is none (${cite('§3.13.1, §5.16.4', 'K01.FR.09')})`;
      }
      if (o.transactionId !== undefined && o.transactionId !== facts.activeTransactionId) {
        return `transactionId ${o.transactionId} is not the transaction active on ${where(o)} (${facts.activeTransactionId}) (${cite('§5.16', 'K01.FR.33')})`;
      }
    } else if (o.transactionId !== undefined) {
      return `transactionId is only allowed in a TxProfile (${cite('§7.8', 'K01')})`;
    }
  }

  if (!v16) {
    if (o.purpose === 'StationMax' && o.kind === 'Relative') return 'a ChargingStationMaxProfile cannot be Relative (2.0.1 K01.FR.38)';
    for (const s of o.schedules) {
      if (o.kind !== 'Relative' && s.startSchedule === undefined) return `a${o.kind === 'Absolute' ? 'n' : ''} ${o.kind} profile needs a startSchedule in every chargingSchedule (2.0.1 K01.FR.40)`;
      if (o.kind === 'Relative' && s.startSchedule !== undefined) return 'a Relative profile must not have a startSchedule (2.0.1 K01.FR.41)';
    }
  }

  if (o.validFrom !== undefined && o.validTo !== undefined && Date.parse(o.validFrom) >= Date.parse(o.validTo)) {
    return `validFrom (${o.validFrom}) must be before validTo (${o.validTo})`;
  }
  for (const s of o.schedules) {
    if (s.startPeriods[0] !== 0) return `the first chargingSchedulePeriod must have startPeriod 0 (${cite('§7.13', 'K01.FR.31')})`;
    for (let i = 1; i < s.startPeriods.length; i++) {
      if (!(s.startPeriods[i] > s.startPeriods[i - 1])) return `chargingSchedulePeriod startPeriods must increase (${cite('§7.14', 'K01.FR.35')})`;
    }
  }

  // Capabilities the charge point reported (1.6 §3.13.5 / §9.4, 2.0.1 SmartChargingCtrlr).
  if (facts.maxStackLevel !== undefined && o.stackLevel > facts.maxStackLevel) {
    return `stackLevel ${o.stackLevel} is above the charge point's maximum ${facts.maxStackLevel} (${v16 ? 'ChargeProfileMaxStackLevel' : 'SmartChargingCtrlr.ProfileStackLevel'})`;
  }
  if (facts.allowedUnits) {
    const bad = o.schedules.find((s) => !facts.allowedUnits!.includes(s.unit));
    if (bad) return `chargingRateUnit ${bad.unit} is not supported by the charge point, which allows ${facts.allowedUnits.join(', ') || 'none'} (${v16 ? 'ChargingScheduleAllowedChargingRateUnit' : 'SmartChargingCtrlr.RateUnit'})`;
  }
  if (facts.maxPeriods !== undefined) {
    const bad = o.schedules.find((s) => s.startPeriods.length > facts.maxPeriods!);
    if (bad) return `${bad.startPeriods.length} schedule periods are more than the charge point's maximum ${facts.maxPeriods} (${v16 ? 'ChargingScheduleMaxPeriods' : 'SmartChargingCtrlr.PeriodsPerSchedule'})`;
  }
  if (facts.maxInstalled !== undefined && facts.installedAfter !== undefined && facts.installedAfter > facts.maxInstalled) {
    return `the charge point holds at most ${facts.maxInstalled} charging profiles (MaxChargingProfilesInstalled); clear one first`;
  }
  return undefined;
}

/**
 * The capabilities a charge point reported, from its device model (1.6 configuration keys from
 * GetConfiguration; 2.0.1 SmartChargingCtrlr variables from GetVariables / GetBaseReport).
 * `values` maps variableKey → value.
 */
export function capabilityFacts(values: Map<string, string | undefined>): Pick<ProfileFacts, 'maxStackLevel' | 'allowedUnits' | 'maxPeriods' | 'maxInstalled'> {
  const int = (...keys: string[]) => {
    for (const k of keys) {
      const v = values.get(k);
      if (v !== undefined && /^\s*\d+\s*$/.test(v)) return Number(v);
    }
    return undefined;
  };
  const units = (...keys: string[]): ChargingRateUnit[] | undefined => {
    for (const k of keys) {
      const v = values.get(k);
      if (v === undefined) continue;
      const out = new Set<ChargingRateUnit>();
      for (const item of v.split(',').map((x) => x.trim().toLowerCase())) {
        if (item === 'current' || item === 'a') out.add('A');
        if (item === 'power' || item === 'w') out.add('W');
      }
      return [...out];
    }
    return undefined;
  };
  return {
    maxStackLevel: int('ChargeProfileMaxStackLevel', 'SmartChargingCtrlr/ProfileStackLevel/Actual'),
    allowedUnits: units('ChargingScheduleAllowedChargingRateUnit', 'SmartChargingCtrlr/RateUnit/Actual'),
    maxPeriods: int('ChargingScheduleMaxPeriods', 'SmartChargingCtrlr/PeriodsPerSchedule/Actual'),
    maxInstalled: int('MaxChargingProfilesInstalled'),
  };
}
