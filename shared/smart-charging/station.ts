/**
 * Smart-charging messages a 2.0.1 station sends on its own (block K). Each is stored and
 * answered; none of them is refused for its content (a station would otherwise retry).
 */
import type { ActionHandlers, CallContext } from '../ocpp/context';
import {
  deleteLimitItem,
  listLimitItems,
  putChargingNeeds,
  putLimitItem,
  putProfilesReport,
} from '../store/charging-profiles';
import type { ChargingProfile201, ChargingSchedule201 } from './types';

interface ReportChargingProfilesRequest {
  requestId: number;
  chargingLimitSource: string;
  chargingProfile: ChargingProfile201[];
  tbc?: boolean;
  evseId: number;
}

/** 2.0.1 K09 ReportChargingProfiles: one part of the answer to our GetChargingProfiles, kept for the comparison with the model. */
async function reportChargingProfiles(p: ReportChargingProfilesRequest, ctx: CallContext) {
  await putProfilesReport({
    chargePointId: ctx.chargePointId,
    requestId: p.requestId,
    evseId: p.evseId,
    chargingLimitSource: p.chargingLimitSource,
    chargingProfile: p.chargingProfile,
    tbc: p.tbc ?? false,
    receivedAt: ctx.receivedAt.toISOString(),
  }, ctx.messageId);
  return {};
}

interface NotifyChargingLimitRequest {
  chargingSchedule?: ChargingSchedule201[];
  evseId?: number;
  chargingLimit: { chargingLimitSource: string; isGridCritical?: boolean };
}

/**
 * 2.0.1 K11/K12 NotifyChargingLimit: an external system (EMS, SO…) set a limit. Kept per EVSE
 * (absent = 0, the station) and source; with a chargingSchedule it takes part in the CSMS's
 * composite as ChargingStationExternalConstraints (feed.ts externalProfiles).
 */
async function notifyChargingLimit(p: NotifyChargingLimitRequest, ctx: CallContext) {
  await putLimitItem({
    chargePointId: ctx.chargePointId,
    evseId: p.evseId ?? 0,
    chargingLimitSource: p.chargingLimit.chargingLimitSource,
    isGridCritical: p.chargingLimit.isGridCritical,
    chargingSchedule: p.chargingSchedule,
    receivedAt: ctx.receivedAt.toISOString(),
  });
  return {};
}

/** 2.0.1 K13 ClearedChargingLimit: the source released its limit on that EVSE (or, without evseId, everywhere). */
async function clearedChargingLimit(p: { chargingLimitSource: string; evseId?: number }, ctx: CallContext) {
  if (p.evseId !== undefined) {
    await deleteLimitItem(ctx.chargePointId, p.evseId, p.chargingLimitSource);
  } else {
    for (const l of await listLimitItems(ctx.chargePointId)) {
      if (l.chargingLimitSource === p.chargingLimitSource) await deleteLimitItem(ctx.chargePointId, l.evseId, l.chargingLimitSource);
    }
  }
  return {};
}

/**
 * 2.0.1 K15 NotifyEVChargingNeeds: kept for the operator (GET …/charging-profiles shows it).
 * "Accepted" is the schema's "the CSMS has been able to process the message successfully. It does
 * not imply that the evChargingNeeds can be met"; no schedule is computed from it automatically.
 */
async function notifyEVChargingNeeds(p: { evseId: number; chargingNeeds: unknown; maxScheduleTuples?: number }, ctx: CallContext) {
  await putChargingNeeds(ctx.chargePointId, p.evseId, { chargingNeeds: p.chargingNeeds, maxScheduleTuples: p.maxScheduleTuples, receivedAt: ctx.receivedAt.toISOString() });
  return { status: 'Accepted' };
}

export const ReportChargingProfiles: ActionHandlers = { '2.0.1': reportChargingProfiles };
export const NotifyChargingLimit: ActionHandlers = { '2.0.1': notifyChargingLimit };
export const ClearedChargingLimit: ActionHandlers = { '2.0.1': clearedChargingLimit };
export const NotifyEVChargingNeeds: ActionHandlers = { '2.0.1': notifyEVChargingNeeds };
