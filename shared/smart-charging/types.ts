/**
 * Smart-charging domain types.
 *
 * Two groups:
 *  - wire-shaped inputs (`InstalledProfile16`, `InstalledProfile201`): exactly what a
 *    SetChargingProfile request carried, keys as on the wire, so the CSMS can store the request
 *    it sent and feed it back here unchanged;
 *  - the engine's own model (`NormalizedProfile`, `CompositeRequest`, `CompositeResult`), which
 *    is protocol-neutral. `normalize.ts` is the only place that maps one to the other.
 */

export type ChargingRateUnit = 'A' | 'W';
export type ChargingProfileKind = 'Absolute' | 'Recurring' | 'Relative';
export type RecurrencyKind = 'Daily' | 'Weekly';

// ---------------------------------------------------------------------------------------------
// OCPP 1.6 wire shapes (spec §7.8, §7.13, §7.14)

export interface ChargingSchedulePeriod16 {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}

export interface ChargingSchedule16 {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod16[];
  minChargingRate?: number;
}

export type ChargingProfilePurpose16 = 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';

export interface ChargingProfile16 {
  chargingProfileId: number;
  transactionId?: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose16;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  validFrom?: string;
  validTo?: string;
  chargingSchedule: ChargingSchedule16;
}

/** A 1.6 SetChargingProfile.req: connectorId 0 = the whole charge point. */
export interface InstalledProfile16 {
  connectorId: number;
  csChargingProfiles: ChargingProfile16;
}

// ---------------------------------------------------------------------------------------------
// OCPP 2.0.1 wire shapes (ChargingProfileType, ChargingScheduleType, ChargingSchedulePeriodType)

export interface ChargingSchedulePeriod201 {
  startPeriod: number;
  /** Required in 2.0.1; optional in 2.1 (operation modes with setpoints). A negative value is a 2.1 legacy discharge limit. */
  limit?: number;
  numberPhases?: number;
  phaseToUse?: number;
  /** 2.1 (V2X): the most the EV may discharge, ≤ 0. */
  dischargeLimit?: number;
  /** 2.1 (V2X): the power/current the EV should follow, negative = discharging. */
  setpoint?: number;
}

export interface ChargingSchedule201 {
  id: number;
  startSchedule?: string;
  duration?: number;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: ChargingSchedulePeriod201[];
  minChargingRate?: number;
  /** Sales tariffs are irrelevant to limits; accepted and ignored. */
  salesTariff?: unknown;
}

export type ChargingProfilePurpose201 =
  | 'ChargingStationExternalConstraints'
  | 'ChargingStationMaxProfile'
  | 'TxDefaultProfile'
  | 'TxProfile';

export interface ChargingProfile201 {
  id: number;
  stackLevel: number;
  chargingProfilePurpose: ChargingProfilePurpose201;
  chargingProfileKind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  validFrom?: string;
  validTo?: string;
  transactionId?: string;
  /** 1..3 schedules in 2.0.1; the engine uses one of them (see normalize.ts). */
  chargingSchedule: ChargingSchedule201[];
}

/** A 2.0.1 SetChargingProfileRequest: evseId 0 = the whole charging station. */
export interface InstalledProfile201 {
  evseId: number;
  chargingProfile: ChargingProfile201;
}

export type InstalledProfile = InstalledProfile16 | InstalledProfile201;

// ---------------------------------------------------------------------------------------------
// Engine model

/**
 * Protocol-neutral purposes.
 * - `StationMax`: 1.6 ChargePointMaxProfile / 2.0.1 ChargingStationMaxProfile (location 0 only).
 * - `ExternalConstraints`: 2.0.1 ChargingStationExternalConstraints (location 0 or one EVSE).
 * - `TxDefault`, `Tx`: same meaning in both versions.
 */
export type ProfilePurpose = 'StationMax' | 'ExternalConstraints' | 'TxDefault' | 'Tx';

export interface NormalizedPeriod {
  /** Seconds from the schedule's anchor. */
  startPeriod: number;
  /** In the schedule's own unit; Infinity when the period sets no charging limit (2.1), 0 for a legacy negative limit. */
  limit: number;
  numberPhases?: number;
  /** 2.1: ≤ 0, from dischargeLimit and/or a legacy negative limit (the more restrictive). */
  dischargeLimit?: number;
  setpoint?: number;
}

export interface NormalizedSchedule {
  /** Epoch milliseconds, if the schedule had a startSchedule. */
  startSchedule?: number;
  /** Seconds; undefined = the last period lasts forever. */
  duration?: number;
  unit: ChargingRateUnit;
  /** Sorted by startPeriod (stable). */
  periods: NormalizedPeriod[];
  minChargingRate?: number;
}

export interface NormalizedProfile {
  id: number;
  /** 1.6 connectorId or 2.0.1 evseId; 0 = the whole charge point / station. */
  location: number;
  purpose: ProfilePurpose;
  stackLevel: number;
  kind: ChargingProfileKind;
  recurrencyKind?: RecurrencyKind;
  /** Epoch ms; undefined = unbounded. */
  validFrom?: number;
  validTo?: number;
  /** Compared as strings so 1.6 integer and 2.0.1 string ids are handled alike. */
  transactionId?: string;
  schedule: NormalizedSchedule;
  /** Position in install order (index in the deduplicated list); later = newer. */
  installOrder: number;
}

export interface CompositeTransaction {
  connectorId: number;
  transactionId: number | string;
  /** ISO 8601. Anchor of Relative profiles on this connector. */
  startedAt: string;
}

/** Body of the stateless `POST /api/composite-schedule`. */
export interface CompositeRequest {
  profiles: InstalledProfile[];
  connectorId: number;
  /** ISO 8601. */
  start: string;
  /** Seconds. */
  duration: number;
  chargingRateUnit?: ChargingRateUnit;
  transaction?: CompositeTransaction;
  /** Line voltage used for A <-> W, default 230. */
  voltage?: number;
  /** Phases used for A <-> W when a period has no numberPhases, default 3. */
  phases?: number;
}

export interface CompositePeriod {
  /** Seconds from `startSchedule`. */
  startPeriod: number;
  /** null = no profile constrains this stretch (unconstrained), never a stand-in for 0. */
  limit: number | null;
  numberPhases?: number;
  /** 2.1 (V2X): the most the EV may discharge (≤ 0); absent = no profile allows discharging here. */
  dischargeLimit?: number;
  /** 2.1 (V2X): the setpoint to follow, clamped into [dischargeLimit, limit]. */
  setpoint?: number;
}

export interface CompositeSchedule {
  startSchedule: string;
  duration: number;
  chargingRateUnit: ChargingRateUnit;
  chargingSchedulePeriod: CompositePeriod[];
  minChargingRate?: number;
}

export interface CompositeResult {
  chargingSchedule: CompositeSchedule;
}

/** Thrown for requests the engine cannot interpret (unparsable times, negative duration). */
export class CompositeScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompositeScheduleError';
  }
}
