import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, putEvent } from '../store/events';

/**
 * OCPP 2.1 Q (bidirectional power transfer, DER control), what a station reports: stored as events
 * of the charge point (`GET /api/charge-points/{id}/events?kind=...`), one per message, a retried
 * message (same content) overwrites itself. Kinds: `der-alarm` (NotifyDERAlarm), `der-start-stop`
 * (NotifyDERStartStop), `der-control-report` (ReportDERControl), `allowed-energy-transfer`
 * (NotifyAllowedEnergyTransfer). The CSMS has no energy-transfer policy of its own: it accepts the
 * modes the EV allows (Q01 leaves the decision to the CSMS; docs/ocpp-2.1-support.md).
 */
const record = (kind: string, at?: string) => async (p: Record<string, unknown>, ctx: CallContext) => {
  await putEvent(ctx.chargePointId, kind, at && typeof p[at] === 'string' ? (p[at] as string) : ctx.receivedAt, { action: ctx.action, payload: p }, contentId(ctx.action, p));
  return {};
};

async function notifyAllowedEnergyTransfer(p: { transactionId: string; allowedEnergyTransfer: string[] }, ctx: CallContext) {
  await record('allowed-energy-transfer')(p, ctx);
  return { status: 'Accepted' };
}

export const NotifyDERAlarm: ActionHandlers = { '2.1': record('der-alarm', 'timestamp') };
export const NotifyDERStartStop: ActionHandlers = { '2.1': record('der-start-stop', 'timestamp') };
export const ReportDERControl: ActionHandlers = { '2.1': record('der-control-report') };
export const NotifyAllowedEnergyTransfer: ActionHandlers = { '2.1': notifyAllowedEnergyTransfer };
