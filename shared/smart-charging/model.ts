/**
 * The CSMS's model of the charging profiles installed on each charge point (1.6 §3.13, 2.0.1 K),
 * kept exactly as the charge point keeps its own: every accepted SetChargingProfile goes through
 * the engine's replacement rules (install.ts), every accepted ClearChargingProfile removes what the
 * charge point removes (clear.ts), TxProfiles leave with their transaction. The composite of a
 * connector/EVSE is computed from it with the same engine the stateless API uses.
 *
 * Stored in the ChargingProfiles table (shared/store/charging-profiles.ts), one item per profile
 * under `profile#<id>`. One id per charge point: a profile with the same id replaces the old one
 * wherever it was (1.6 §5.16.3/§5.16.4, 2.0.1 K01).
 */
import type { OcppVersion } from '../ocpp/protocol';
import { getChargePoint } from '../store/charge-points';
import {
  bindProfileItem,
  deleteProfileItem,
  listLimitItems,
  listProfileItems,
  putProfileItem,
  type ProfileItem,
} from '../store/charging-profiles';
import { listActiveTransactions, markTransaction, type TransactionRecord } from '../store/transactions';
import { clearMatches } from './clear';
import { computeCompositeSchedule } from './composite';
import { engineProfiles, locatedAt, matchesPendingStart, pendingExpired, type ActiveTransaction } from './feed';
import { replaces } from './install';
import type { ClearCriteria, ProfileOrder, RemoteStartInfo } from './requests';
import type { ChargingRateUnit, CompositeResult } from './types';

export function activeFromRecord(t: TransactionRecord): ActiveTransaction {
  return {
    transactionId: t.transactionId,
    version: t.version,
    location: t.version === '1.6' ? t.connectorId : t.evseId,
    startedAt: t.startedAt,
    idTag: t.idTag,
    remoteStartId: t.remoteStartId,
  };
}

export async function activeTransactions(chargePointId: string): Promise<ActiveTransaction[]> {
  return (await listActiveTransactions(chargePointId)).map(activeFromRecord);
}

/** The transaction running on a connector/EVSE (the latest started, should a stop have been missed). */
export function transactionOn(active: ActiveTransaction[], location: number): ActiveTransaction | undefined {
  return active.filter((t) => t.location === location).sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))[0];
}

/** Lets the transaction's stop hook find its TxProfiles without a read for every other transaction. */
async function flagTransaction(chargePointId: string, transactionId: string): Promise<void> {
  await markTransaction(chargePointId, transactionId, { hasTxProfiles: true });
}

/**
 * 1.6 §5.16.2 "The Charge Point SHALL apply the given profile to the newly started transaction" · 2.0.1 K05.
 * The installed profiles of a charge point, oldest first. Remote-start TxProfiles whose
 * transaction has started are bound to it on the way (see feed.ts matchesPendingStart), and
 * those whose transaction can no longer start are dropped.
 */
export async function loadModel(chargePointId: string, active?: ActiveTransaction[], now = Date.now()): Promise<ProfileItem[]> {
  const items = await listProfileItems(chargePointId);
  const pending = items.filter((i) => i.pendingStart);
  if (!pending.length) return items;
  active ??= await activeTransactions(chargePointId);
  const out: ProfileItem[] = [];
  for (const item of items) {
    if (!item.pendingStart) {
      out.push(item);
      continue;
    }
    const tx = active
      .filter((t) => matchesPendingStart(item, t))
      .sort((a, b) => (a.startedAt < b.startedAt ? -1 : 1))[0];
    if (tx) {
      const profile = locatedAt(item.profile, tx.location!);
      if (await bindProfileItem(chargePointId, item.chargingProfileId, item.installedAt, profile, tx.location!, tx.transactionId)) {
        await flagTransaction(chargePointId, tx.transactionId);
      }
      const { pendingStart: _p, ...bound } = item;
      out.push({ ...bound, profile, location: tx.location!, transactionId: tx.transactionId });
    } else if (pendingExpired(item, now)) {
      await deleteProfileItem(chargePointId, item.chargingProfileId, item.installedAt);
    } else {
      out.push(item);
    }
  }
  return out;
}

export interface InstallMeta {
  source: ProfileItem['source'];
  at: Date;
  messageId: string;
  /** The transaction a TxProfile is for, when the profile does not say (1.6 allows that). */
  transactionId?: string;
  pendingStart?: RemoteStartInfo;
}

/**
 * 1.6 §5.16.3/§5.16.4 "the new charging profile SHALL replace the existing charging profile, otherwise it SHALL be added" · 2.0.1 K01.
 * A profile the charge point accepted: the model changes as the charge point's does. Every
 * profile it replaces (same id; same purpose and stackLevel on the same connector/EVSE) goes.
 */
export async function installAccepted(chargePointId: string, order: ProfileOrder, meta: InstallMeta): Promise<void> {
  const existing = await loadModel(chargePointId, undefined, meta.at.getTime());
  const item: Omit<ProfileItem, 'profileKey'> = {
    chargePointId,
    chargingProfileId: order.id,
    version: order.version,
    profile: order.installed,
    purpose: order.wirePurpose,
    location: order.location ?? 0,
    stackLevel: order.stackLevel,
    transactionId: order.purpose === 'Tx' ? (order.transactionId ?? meta.transactionId) : undefined,
    pendingStart: meta.pendingStart ? { location: meta.pendingStart.location, idTag: meta.pendingStart.idTag, remoteStartId: meta.pendingStart.remoteStartId, acceptedAt: meta.at.toISOString() } : undefined,
    source: meta.source,
    installedAt: meta.at.toISOString(),
    messageId: meta.messageId,
  };
  // Written first, so a failure half-way leaves a superset (the extra one is replaced again later).
  await putProfileItem(item);
  for (const old of existing) {
    if (old.chargingProfileId === item.chargingProfileId) continue; // overwritten by the put
    if (old.pendingStart || item.pendingStart) continue; // a location not known yet replaces nothing but its id
    if (replaces(item.profile, old.profile)) await deleteProfileItem(chargePointId, old.chargingProfileId, old.installedAt);
  }
  if (item.transactionId !== undefined) await flagTransaction(chargePointId, item.transactionId);
}

/** 1.6 §5.5 Clear Charging Profile · 2.0.1 K10: a ClearChargingProfile the charge point accepted; returns the ids removed from the model. */
export async function clearAccepted(chargePointId: string, criteria: ClearCriteria): Promise<number[]> {
  const items = await loadModel(chargePointId);
  const removed: number[] = [];
  for (const item of items) {
    if (!clearMatches(item.profile, criteria)) continue;
    await deleteProfileItem(chargePointId, item.chargingProfileId, item.installedAt);
    removed.push(item.chargingProfileId);
  }
  return removed;
}

/** 1.6 §3.13.1 "After the transaction is stopped, the profile SHOULD be deleted" (2.0.1 K01 likewise). */
export async function dropTransactionProfiles(chargePointId: string, transactionId: string): Promise<number[]> {
  const items = await listProfileItems(chargePointId);
  const removed: number[] = [];
  for (const item of items) {
    if (item.purpose !== 'TxProfile' || item.transactionId !== transactionId) continue;
    await deleteProfileItem(chargePointId, item.chargingProfileId, item.installedAt);
    removed.push(item.chargingProfileId);
  }
  return removed;
}

export interface ModelCompositeQuery {
  /** 1.6 connectorId / 2.0.1 evseId; 0 = the charge point as a whole. */
  location: number;
  /** ISO 8601. */
  start: string;
  duration: number;
  chargingRateUnit?: ChargingRateUnit;
}

const positive = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
};

/**
 * 1.6 §3.13.3 "calculated by taking the minimum value for each time interval" · 2.0.1 K08.
 * The composite schedule of a connector/EVSE from the CSMS's model (docs/operator-api.md
 * GET /api/charge-points/{id}/composite-schedule): the installed profiles and external limits,
 * the transaction running on that connector (anchor of Relative profiles, owner of TxProfiles),
 * and the charge point's `settings.voltage` / `settings.phases` for A ↔ W.
 * Undefined when the charge point is not registered.
 */
export async function compositeFromModel(chargePointId: string, q: ModelCompositeQuery): Promise<CompositeResult | undefined> {
  const cp = await getChargePoint(chargePointId);
  if (!cp) return undefined;
  const active = await activeTransactions(chargePointId);
  const [items, limits] = await Promise.all([loadModel(chargePointId, active), listLimitItems(chargePointId)]);
  const tx = q.location > 0 ? transactionOn(active, q.location) : undefined;
  return computeCompositeSchedule({
    profiles: engineProfiles(items, limits),
    connectorId: q.location,
    start: q.start,
    duration: q.duration,
    chargingRateUnit: q.chargingRateUnit,
    transaction: tx && { connectorId: q.location, transactionId: tx.transactionId, startedAt: tx.startedAt },
    voltage: positive(cp.settings?.voltage),
    phases: positive(cp.settings?.phases),
  });
}

/** What an operator sees of one installed profile. */
export function profileView(item: ProfileItem) {
  const is16 = item.version === '1.6';
  return {
    chargingProfileId: item.chargingProfileId,
    ...(is16 ? { connectorId: item.location } : { evseId: item.location }),
    chargingProfilePurpose: item.purpose,
    stackLevel: item.stackLevel,
    transactionId: item.transactionId === undefined ? undefined : is16 && /^\d+$/.test(item.transactionId) ? Number(item.transactionId) : item.transactionId,
    pendingStart: item.pendingStart,
    source: item.source,
    installedAt: item.installedAt,
    protocolVersion: item.version as OcppVersion,
    /** The SetChargingProfile request that installed it (1.6 or 2.0.1 shape). */
    request: item.profile,
  };
}
