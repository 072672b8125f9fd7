/**
 * Thin adapters from the smart-charging messages of OCPP 1.6 and 2.0.1 to the one domain shape the
 * rules (rules.ts) and the CSMS's model (model.ts) work on. Nothing else looks at wire keys of
 * these messages.
 */
import type { OcppVersion } from '../ocpp/protocol';
import { profileKey } from './normalize';
import type {
  ChargingProfile16,
  ChargingProfile201,
  ChargingProfileKind,
  ChargingRateUnit,
  InstalledProfile,
  ProfilePurpose,
} from './types';

/** A charging profile the CSMS is about to send (SetChargingProfile, or inside a remote start). */
export interface ProfileOrder {
  version: OcppVersion;
  via: 'SetChargingProfile' | 'RemoteStart';
  /** 1.6 connectorId / 2.0.1 evseId; undefined when a remote start lets the charge point choose. */
  location: number | undefined;
  id: number;
  /** As on the wire, for messages (e.g. ChargePointMaxProfile). */
  wirePurpose: string;
  purpose: ProfilePurpose | undefined;
  kind: ChargingProfileKind;
  stackLevel: number;
  transactionId?: string;
  validFrom?: string;
  validTo?: string;
  schedules: { unit: ChargingRateUnit; startSchedule?: string; startPeriods: number[] }[];
  /** The profile shaped as the SetChargingProfile request that installs it (location 0 while unknown). */
  installed: InstalledProfile;
}

/** Who a remote start is for, so its TxProfile can be bound to the transaction that follows. */
export interface RemoteStartInfo {
  location: number | undefined;
  idTag: string;
  /** 2.0.1 only. */
  remoteStartId?: number;
}

interface Set16 { connectorId: number; csChargingProfiles: ChargingProfile16 }
interface Set201 { evseId: number; chargingProfile: ChargingProfile201 }
interface RemoteStart16 { connectorId?: number; idTag: string; chargingProfile?: ChargingProfile16 }
interface RequestStart201 { evseId?: number; remoteStartId: number; idToken: { idToken: string; type: string }; chargingProfile?: ChargingProfile201 }

function order16(via: ProfileOrder['via'], location: number | undefined, cp: ChargingProfile16): ProfileOrder {
  const installed: InstalledProfile = { connectorId: location ?? 0, csChargingProfiles: cp };
  const s = cp.chargingSchedule;
  return {
    version: '1.6',
    via,
    location,
    id: cp.chargingProfileId,
    wirePurpose: cp.chargingProfilePurpose,
    purpose: profileKey(installed).purpose,
    kind: cp.chargingProfileKind,
    stackLevel: cp.stackLevel,
    transactionId: cp.transactionId === undefined ? undefined : String(cp.transactionId),
    validFrom: cp.validFrom,
    validTo: cp.validTo,
    schedules: [{ unit: s.chargingRateUnit, startSchedule: s.startSchedule, startPeriods: s.chargingSchedulePeriod.map((p) => p.startPeriod) }],
    installed,
  };
}

function order201(via: ProfileOrder['via'], location: number | undefined, cp: ChargingProfile201): ProfileOrder {
  const installed: InstalledProfile = { evseId: location ?? 0, chargingProfile: cp };
  return {
    version: '2.0.1',
    via,
    location,
    id: cp.id,
    wirePurpose: cp.chargingProfilePurpose,
    purpose: profileKey(installed).purpose,
    kind: cp.chargingProfileKind,
    stackLevel: cp.stackLevel,
    transactionId: cp.transactionId,
    validFrom: cp.validFrom,
    validTo: cp.validTo,
    schedules: cp.chargingSchedule.map((s) => ({ unit: s.chargingRateUnit, startSchedule: s.startSchedule, startPeriods: s.chargingSchedulePeriod.map((p) => p.startPeriod) })),
    installed,
  };
}

/** 1.6 §5.16 SetChargingProfile.req · 2.0.1 K01 SetChargingProfileRequest (schema-valid payloads). */
export function fromSetChargingProfile(version: OcppVersion, payload: unknown): ProfileOrder {
  if (version === '1.6') {
    const p = payload as Set16;
    return order16('SetChargingProfile', p.connectorId, p.csChargingProfiles);
  }
  const p = payload as Set201;
  return order201('SetChargingProfile', p.evseId, p.chargingProfile);
}

/** 1.6 §5.11 RemoteStartTransaction.req · 2.0.1 F01/F02/K05 RequestStartTransactionRequest: the profile, if any. */
export function fromRemoteStart(version: OcppVersion, payload: unknown): { order?: ProfileOrder; start: RemoteStartInfo } {
  if (version === '1.6') {
    const p = payload as RemoteStart16;
    return {
      order: p.chargingProfile && order16('RemoteStart', p.connectorId, p.chargingProfile),
      start: { location: p.connectorId, idTag: p.idTag },
    };
  }
  const p = payload as RequestStart201;
  return {
    order: p.chargingProfile && order201('RemoteStart', p.evseId, p.chargingProfile),
    start: { location: p.evseId, idTag: p.idToken.idToken, remoteStartId: p.remoteStartId },
  };
}

/** Which installed profiles a ClearChargingProfile removes (see clear.ts). */
export interface ClearCriteria {
  id?: number;
  location?: number;
  purpose?: ProfilePurpose;
  stackLevel?: number;
}

const PURPOSE_OF: Record<string, ProfilePurpose> = {
  ChargePointMaxProfile: 'StationMax',
  ChargingStationMaxProfile: 'StationMax',
  ChargingStationExternalConstraints: 'ExternalConstraints',
  TxDefaultProfile: 'TxDefault',
  TxProfile: 'Tx',
};
export const purposeOf = (wire: string | undefined): ProfilePurpose | undefined => (wire === undefined ? undefined : PURPOSE_OF[wire]);

/** 1.6 §6.13 ClearChargingProfile.req · 2.0.1 K10 ClearChargingProfileRequest. */
export function fromClearChargingProfile(version: OcppVersion, payload: unknown): ClearCriteria {
  if (version === '1.6') {
    const p = payload as { id?: number; connectorId?: number; chargingProfilePurpose?: string; stackLevel?: number };
    return { id: p.id, location: p.connectorId, purpose: purposeOf(p.chargingProfilePurpose), stackLevel: p.stackLevel };
  }
  const p = payload as { chargingProfileId?: number; chargingProfileCriteria?: { evseId?: number; chargingProfilePurpose?: string; stackLevel?: number } };
  const c = p.chargingProfileCriteria ?? {};
  return { id: p.chargingProfileId, location: c.evseId, purpose: purposeOf(c.chargingProfilePurpose), stackLevel: c.stackLevel };
}

/** A composite schedule as a charge point reported it, in one shape for both versions. */
export interface ReportedComposite {
  location: number;
  status: string;
  /** Periods are relative to this instant. */
  scheduleStart?: string;
  duration?: number;
  chargingRateUnit?: ChargingRateUnit;
  chargingSchedulePeriod?: { startPeriod: number; limit: number; numberPhases?: number }[];
}

/** 1.6 §6.22 GetCompositeSchedule.conf · 2.0.1 K08 GetCompositeScheduleResponse. */
export function fromCompositeAnswer(version: OcppVersion, request: unknown, response: unknown): ReportedComposite {
  if (version === '1.6') {
    const q = request as { connectorId: number; duration: number };
    const r = response as {
      status: string;
      connectorId?: number;
      scheduleStart?: string;
      chargingSchedule?: { duration?: number; startSchedule?: string; chargingRateUnit: ChargingRateUnit; chargingSchedulePeriod: ReportedComposite['chargingSchedulePeriod'] };
    };
    const s = r.chargingSchedule;
    return {
      location: r.connectorId ?? q.connectorId,
      status: r.status,
      // §6.22: the periods are "Always relative to ScheduleStart".
      scheduleStart: r.scheduleStart ?? s?.startSchedule,
      duration: s ? (s.duration ?? q.duration) : undefined,
      chargingRateUnit: s?.chargingRateUnit,
      chargingSchedulePeriod: s?.chargingSchedulePeriod,
    };
  }
  const q = request as { evseId: number; duration: number };
  const r = response as {
    status: string;
    schedule?: { evseId: number; duration: number; scheduleStart: string; chargingRateUnit: ChargingRateUnit; chargingSchedulePeriod: ReportedComposite['chargingSchedulePeriod'] };
  };
  const s = r.schedule;
  return {
    location: s?.evseId ?? q.evseId,
    status: r.status,
    scheduleStart: s?.scheduleStart,
    duration: s?.duration,
    chargingRateUnit: s?.chargingRateUnit,
    chargingSchedulePeriod: s?.chargingSchedulePeriod,
  };
}
