import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, putEvent } from '../store/events';
import { settingOf } from './effects';
import { deleteControls, markStartStop, putAlarm, putControl } from './state';

/**
 * OCPP 2.1 Q (bidirectional power transfer, DER control), what a station reports: stored as events
 * of the charge point (`GET /api/charge-points/{id}/events?kind=...`), one per message, a retried
 * message (same content) overwrites itself. Kinds: `der-alarm` (NotifyDERAlarm), `der-start-stop`
 * (NotifyDERStartStop), `der-control-report` (ReportDERControl), `allowed-energy-transfer`
 * (NotifyAllowedEnergyTransfer). The CSMS has no energy-transfer policy of its own: it accepts the
 * modes the EV allows (Q01 leaves the decision to the CSMS; docs/ocpp-2.1-support.md).
 * Besides the event, the DER state (shared/der/state.ts, `GET /api/charge-points/{id}/der`) follows
 * what the station reports: its controls (ReportDERControl), their start/stop, its alarms.
 */
const record = (kind: string, at?: string) => async (p: Record<string, unknown>, ctx: CallContext) => {
  await putEvent(ctx.chargePointId, kind, at && typeof p[at] === 'string' ? (p[at] as string) : ctx.receivedAt, { action: ctx.action, payload: p }, contentId(ctx.action, p));
  return {};
};

async function notifyAllowedEnergyTransfer(p: { transactionId: string; allowedEnergyTransfer: string[] }, ctx: CallContext) {
  await record('allowed-energy-transfer')(p, ctx);
  return { status: 'Accepted' };
}

/** ReportDERControl's list fields and the controlType of their entries (curve entries carry their own curveType). */
const REPORT_TYPES: Record<string, string> = {
  enterService: 'EnterService', fixedPFAbsorb: 'FixedPFAbsorb', fixedPFInject: 'FixedPFInject', fixedVar: 'FixedVar',
  freqDroop: 'FreqDroop', gradient: 'Gradients', limitMaxDischarge: 'LimitMaxDischarge', curve: '',
};
/** The entry's setting field where it differs from the list's name (FixedPFGetType holds `fixedPF`). */
const INNER: Record<string, string> = { fixedPFAbsorb: 'fixedPF', fixedPFInject: 'fixedPF' };
type Reported = { id: string; isDefault?: boolean; isSuperseded?: boolean; curveType?: string } & Record<string, unknown>;

/** 2.1 R04 (get DER controls): each control the station reports is stored as it reports it (the station's word wins over what was sent). EnterService and Gradients carry no isDefault: they are default settings. */
async function reportDERControl(p: { requestId: number; tbc?: boolean } & Record<string, unknown>, ctx: CallContext) {
  await record('der-control-report')(p, ctx);
  for (const [field, type] of Object.entries(REPORT_TYPES)) {
    for (const c of (p[field] as Reported[] | undefined) ?? []) {
      await putControl(ctx.chargePointId, {
        controlId: c.id, controlType: type || String(c.curveType), isDefault: c.isDefault ?? true, setting: settingOf({ [field]: c[INNER[field] ?? field] }),
        source: 'ReportDERControl', isSuperseded: c.isSuperseded ?? false, updatedAt: ctx.receivedAt.toISOString(),
      });
    }
  }
  return {};
}

async function notifyDERAlarm(p: { controlType: string; gridEventFault?: string; alarmEnded?: boolean; timestamp: string; extraInfo?: string }, ctx: CallContext) {
  await record('der-alarm', 'timestamp')(p, ctx);
  await putAlarm(ctx.chargePointId, p);
  return {};
}

async function notifyDERStartStop(p: { controlId: string; started: boolean; timestamp: string; supersededIds?: string[] }, ctx: CallContext) {
  await record('der-start-stop', 'timestamp')(p, ctx);
  await markStartStop(ctx.chargePointId, p.controlId, p.started, p.timestamp);
  if (p.supersededIds?.length) await deleteControls(ctx.chargePointId, p.supersededIds.filter((id) => id !== p.controlId));
  return {};
}

export const NotifyDERAlarm: ActionHandlers = { '2.1': notifyDERAlarm };
export const NotifyDERStartStop: ActionHandlers = { '2.1': notifyDERStartStop };
export const ReportDERControl: ActionHandlers = { '2.1': reportDERControl };
export const NotifyAllowedEnergyTransfer: ActionHandlers = { '2.1': notifyAllowedEnergyTransfer };
