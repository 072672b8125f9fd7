import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, putEvent } from '../store/events';

/**
 * The other station-initiated OCPP 2.1 actions, routed, validated (2.1 schemas), stored as events
 * of the charge point (`GET /api/charge-points/{id}/events?kind=<kind>`, a retried message with
 * the same content overwrites itself) and answered. Where the CSMS must decide, the rule is
 * configurable and written down in docs/ocpp-2.1-support.md.
 */
const store = (kind: string, p: unknown, ctx: CallContext) => putEvent(ctx.chargePointId, kind, ctx.receivedAt, { action: ctx.action, payload: p }, contentId(ctx.action, p));
const recordOnly = (kind: string) => async (p: unknown, ctx: CallContext) => {
  await store(kind, p, ctx);
  return {};
};

/**
 * VatNumberValidation (2.1 I: ad hoc payment, the driver asks for an invoice to a company).
 * Rule `CSMS_VAT_VALIDATION`: `format` (default) accepts a number that has the syntax of an EU VAT
 * number — two letters and 2 to 13 letters/digits, spaces, dots and dashes ignored — and
 * rejects anything else; `reject` rejects all (no VAT checks offered). The CSMS has no company
 * register, so an accepted answer carries no `company`.
 */
export function vatRule(vatNumber: string, rule = process.env.CSMS_VAT_VALIDATION ?? 'format'): { ok: boolean; reason?: string } {
  if (rule === 'reject') return { ok: false, reason: 'NotOffered' };
  return /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vatNumber.toUpperCase().replace(/[\s.-]/g, '')) ? { ok: true } : { ok: false, reason: 'InvalidFormat' };
}
async function vatNumberValidation(p: { vatNumber: string; evseId?: number }, ctx: CallContext) {
  const verdict = vatRule(p.vatNumber);
  await store('vat-validation', { ...p, status: verdict.ok ? 'Accepted' : 'Rejected' }, ctx);
  return { vatNumber: p.vatNumber, ...(p.evseId !== undefined && { evseId: p.evseId }), status: verdict.ok ? 'Accepted' : 'Rejected', ...(verdict.reason && { statusInfo: { reasonCode: verdict.reason } }) };
}

/**
 * PullDynamicScheduleUpdate (2.1 K: dynamic charging profiles): the CSMS keeps no source of
 * dynamic schedule values (no UpdateDynamicSchedule data of its own), so it answers Rejected with
 * reasonCode `NoUpdate`; the request is recorded.
 */
async function pullDynamicScheduleUpdate(p: { chargingProfileId: number }, ctx: CallContext) {
  await store('dynamic-schedule-pull', p, ctx);
  return { status: 'Rejected', statusInfo: { reasonCode: 'NoUpdate', additionalInfo: 'This CSMS holds no dynamic schedule updates' } };
}

export const VatNumberValidation: ActionHandlers = { '2.1': vatNumberValidation };
export const PullDynamicScheduleUpdate: ActionHandlers = { '2.1': pullDynamicScheduleUpdate };
export const BatterySwap: ActionHandlers = { '2.1': recordOnly('battery-swap') };
export const NotifyWebPaymentStarted: ActionHandlers = { '2.1': recordOnly('web-payment') };
export const NotifyPriorityCharging: ActionHandlers = { '2.1': recordOnly('priority-charging') };
/** Settlement amounts are recorded as sent; reconciling them with tariffs is the tariffs block's (docs/tariffs.md). No receipt of our own: {}. */
export const NotifySettlement: ActionHandlers = { '2.1': recordOnly('settlement') };
