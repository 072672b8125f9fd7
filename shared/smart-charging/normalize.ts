/**
 * The one mapping from wire-shaped installed profiles (1.6 and 2.0.1) to the engine's
 * protocol-neutral `NormalizedProfile`. Nothing else in the engine looks at wire keys.
 */
import {
  ChargingRateUnit,
  CompositeScheduleError,
  InstalledProfile,
  InstalledProfile16,
  InstalledProfile201,
  NormalizedPeriod,
  NormalizedProfile,
  ProfilePurpose,
} from './types';

const PURPOSES: Record<string, ProfilePurpose> = {
  ChargePointMaxProfile: 'StationMax', // 1.6
  ChargingStationMaxProfile: 'StationMax', // 2.0.1
  ChargingStationExternalConstraints: 'ExternalConstraints', // 2.0.1
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
};

export function is201(p: InstalledProfile): p is InstalledProfile201 {
  return (p as InstalledProfile201).chargingProfile !== undefined;
}

/** Parses an ISO 8601 date-time to epoch ms; throws CompositeScheduleError when unparsable. */
export function parseTime(iso: string, what: string): number {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) throw new CompositeScheduleError(`${what} is not an ISO 8601 date-time: ${String(iso)}`);
  return ms;
}

/** The fields that decide replacement (see install.ts). Cheap: no date parsing. */
export interface ProfileKey {
  id: number;
  location: number;
  purpose: ProfilePurpose | undefined;
  stackLevel: number;
}

export function profileKey(p: InstalledProfile): ProfileKey {
  if (is201(p)) {
    const cp = p.chargingProfile;
    return { id: cp.id, location: p.evseId, purpose: PURPOSES[cp.chargingProfilePurpose], stackLevel: cp.stackLevel };
  }
  const cp = (p as InstalledProfile16).csChargingProfiles;
  return {
    id: cp.chargingProfileId,
    location: p.connectorId,
    purpose: PURPOSES[cp.chargingProfilePurpose],
    stackLevel: cp.stackLevel,
  };
}

/**
 * Maps one installed profile to the engine model.
 *
 * 2.0.1 profiles carry 1..3 schedules: the one whose chargingRateUnit equals `preferredUnit` is
 * used when there is one, otherwise the first.
 *
 * Returns undefined for a profile the engine cannot use: unknown purpose, or no schedule.
 */
export function normalizeProfile(
  p: InstalledProfile,
  installOrder: number,
  preferredUnit?: ChargingRateUnit,
): NormalizedProfile | undefined {
  const key = profileKey(p);
  if (key.purpose === undefined) return undefined;

  let src: {
    kind: NormalizedProfile['kind'];
    recurrencyKind?: NormalizedProfile['recurrencyKind'];
    validFrom?: string;
    validTo?: string;
    transactionId?: number | string;
    schedule?: {
      startSchedule?: string;
      duration?: number;
      chargingRateUnit: ChargingRateUnit;
      chargingSchedulePeriod: Array<{ startPeriod: number; limit?: number; numberPhases?: number }>;
      minChargingRate?: number;
    };
  };
  if (is201(p)) {
    const cp = p.chargingProfile;
    const schedules = Array.isArray(cp.chargingSchedule) ? cp.chargingSchedule : [];
    const schedule =
      (preferredUnit && schedules.find((s) => s.chargingRateUnit === preferredUnit)) || schedules[0];
    src = {
      kind: cp.chargingProfileKind,
      recurrencyKind: cp.recurrencyKind,
      validFrom: cp.validFrom,
      validTo: cp.validTo,
      transactionId: cp.transactionId,
      schedule,
    };
  } else {
    const cp = p.csChargingProfiles;
    src = {
      kind: cp.chargingProfileKind,
      recurrencyKind: cp.recurrencyKind,
      validFrom: cp.validFrom,
      validTo: cp.validTo,
      transactionId: cp.transactionId,
      schedule: cp.chargingSchedule,
    };
  }
  const s = src.schedule;
  if (!s || !Array.isArray(s.chargingSchedulePeriod)) return undefined;

  const what = `profile ${key.id}`;
  const periods: NormalizedPeriod[] = s.chargingSchedulePeriod
    .map((q) => {
      const w = q as { limit?: number; dischargeLimit?: number; setpoint?: number; numberPhases?: number };
      // 2.1: no limit = no charging limit; a negative limit is the legacy way to say "discharge up to |limit|, no charging".
      const legacyDischarge = w.limit !== undefined && w.limit < 0 ? w.limit : undefined;
      const period: NormalizedPeriod = { startPeriod: q.startPeriod, limit: w.limit === undefined ? Infinity : Math.max(0, w.limit) };
      if (w.numberPhases !== undefined) period.numberPhases = w.numberPhases;
      const discharge = [w.dischargeLimit, legacyDischarge].filter((d): d is number => d !== undefined);
      if (discharge.length) period.dischargeLimit = Math.max(...discharge);
      if (w.setpoint !== undefined) period.setpoint = w.setpoint;
      return period;
    })
    .sort((a, b) => a.startPeriod - b.startPeriod); // Array.prototype.sort is stable

  return {
    id: key.id,
    location: key.location,
    purpose: key.purpose,
    stackLevel: key.stackLevel,
    kind: src.kind,
    recurrencyKind: src.recurrencyKind,
    validFrom: src.validFrom === undefined ? undefined : parseTime(src.validFrom, `${what} validFrom`),
    validTo: src.validTo === undefined ? undefined : parseTime(src.validTo, `${what} validTo`),
    transactionId: src.transactionId === undefined ? undefined : String(src.transactionId),
    schedule: {
      startSchedule:
        s.startSchedule === undefined ? undefined : parseTime(s.startSchedule, `${what} startSchedule`),
      duration: s.duration,
      unit: s.chargingRateUnit,
      periods,
      minChargingRate: s.minChargingRate,
    },
    installOrder,
  };
}
