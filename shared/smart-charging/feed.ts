/**
 * Pure glue between the stored CSMS model (shared/store/charging-profiles.ts) and the composite
 * engine: which stored items feed the engine and how, and which transaction a remote-start
 * TxProfile belongs to. No I/O.
 */
import type { LimitItem, ProfileItem } from '../store/charging-profiles';
import type { InstalledProfile, InstalledProfile16, InstalledProfile201 } from './types';

/** What smart charging needs to know of a running transaction. */
export interface ActiveTransaction {
  transactionId: string;
  version: '1.6' | '2.0.1';
  /** 1.6 connectorId / 2.0.1 evseId (undefined when the station has not named it yet). */
  location?: number;
  startedAt: string;
  idTag?: string;
  remoteStartId?: number;
}

/**
 * A remote start's transaction starts within the charge point's connection timeout (typically
 * 30–120 s) after it accepted the request. We allow the charge point's clock to be 5 minutes off
 * and the driver 15 minutes to plug in; a TxProfile still unbound after that is forgotten.
 */
export const BIND_BEFORE_MS = 5 * 60_000;
export const BIND_AFTER_MS = 15 * 60_000;

/** Is `tx` the transaction a pending remote-start TxProfile was meant for? */
export function matchesPendingStart(item: ProfileItem, tx: ActiveTransaction): boolean {
  const p = item.pendingStart;
  if (!p || tx.version !== item.version || tx.location === undefined || tx.location <= 0) return false;
  if (p.location !== undefined && p.location !== tx.location) return false;
  const started = Date.parse(tx.startedAt);
  const accepted = Date.parse(p.acceptedAt);
  if (!(started >= accepted - BIND_BEFORE_MS && started <= accepted + BIND_AFTER_MS)) return false;
  // 2.0.1 F01/F02: the remoteStartId in the TransactionEvent is the strong link when both sides have it.
  if (p.remoteStartId !== undefined && tx.remoteStartId !== undefined) return p.remoteStartId === tx.remoteStartId;
  // idTag is a CiString (case-insensitive) in 1.6; 2.0.1 idTokens are compared the same way.
  return tx.idTag !== undefined && tx.idTag.toLowerCase() === p.idTag.toLowerCase();
}

/** A pending item whose transaction can no longer start (see BIND_AFTER_MS). */
export const pendingExpired = (item: ProfileItem, now: number) => !!item.pendingStart && now > Date.parse(item.pendingStart.acceptedAt) + BIND_AFTER_MS;

/** The stored profile moved to the connector/EVSE the transaction runs on. */
export function locatedAt(profile: InstalledProfile, location: number): InstalledProfile {
  return 'chargingProfile' in profile ? { ...profile, evseId: location } : { ...(profile as InstalledProfile16), connectorId: location };
}

/**
 * The profile as the engine sees it. A TxProfile the CSMS bound to a transaction carries that
 * transactionId, so it can never apply to a later transaction on the same connector even if its
 * removal at the stop was missed.
 */
export function engineProfile(item: ProfileItem): InstalledProfile {
  if (item.transactionId === undefined || item.purpose !== 'TxProfile') return item.profile;
  if ('chargingProfile' in item.profile) {
    const p = item.profile as InstalledProfile201;
    return p.chargingProfile.transactionId !== undefined ? p : { ...p, chargingProfile: { ...p.chargingProfile, transactionId: item.transactionId } };
  }
  const p = item.profile as InstalledProfile16;
  const id = Number(item.transactionId);
  return p.csChargingProfiles.transactionId !== undefined || !Number.isInteger(id) ? p : { ...p, csChargingProfiles: { ...p.csChargingProfiles, transactionId: id } };
}

/**
 * External limits (2.0.1 K11–K13 NotifyChargingLimit with a chargingSchedule) as
 * ChargingStationExternalConstraints profiles. They have no id or stack level of their own: ids are
 * negative (never a CSMS id), stack levels start at 1,000,000 (above any real one) and grow with
 * the time of notification, so where several apply to one EVSE the latest notification prevails.
 */
export const EXTERNAL_STACK_BASE = 1_000_000;
export function externalProfiles(limits: LimitItem[]): InstalledProfile201[] {
  const sorted = [...limits].filter((l) => l.chargingSchedule?.length).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  return sorted.map((l, i) => ({
    evseId: l.evseId,
    chargingProfile: {
      id: -(i + 1),
      stackLevel: EXTERNAL_STACK_BASE + i,
      chargingProfilePurpose: 'ChargingStationExternalConstraints',
      // K11/K12: a schedule without startSchedule is "relative to start of charging".
      chargingProfileKind: l.chargingSchedule!.some((s) => s.startSchedule !== undefined) ? 'Absolute' : 'Relative',
      chargingSchedule: l.chargingSchedule!.slice(0, 3),
    },
  }));
}

/** Everything the engine gets for one charge point, in install order; pending remote-start profiles are left out. */
export function engineProfiles(items: ProfileItem[], limits: LimitItem[]): InstalledProfile[] {
  return [...items.filter((i) => !i.pendingStart).map(engineProfile), ...externalProfiles(limits)];
}
