import type { ActionHandlers, CallContext } from '../ocpp/context';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { contentId, putEvent } from '../store/events';

/**
 * Notifications a 2.0.1 station sends after a CSMS request that carry no report progress: kept as
 * events, read by operators through GET /api/charge-points/{id}/events?kind=firmware-publish|ev-charging-schedule.
 */
export const FIRMWARE_PUBLISH = 'firmware-publish';
export const EV_CHARGING_SCHEDULE = 'ev-charging-schedule';

// OCPP 2.0.1 L03 Publish Firmware file on Local Controller (L04 Unpublish sends no notification):
// every status the local controller reports is kept, with the PublishFirmware requestId and the published URIs.
export async function publishFirmwareStatusNotification201(p: Requests201['PublishFirmwareStatusNotification'], ctx: CallContext): Promise<Responses201['PublishFirmwareStatusNotification']> {
  // No timestamp in the message: the time of arrival. The message id makes a resent CALL overwrite itself.
  await putEvent(ctx.chargePointId, FIRMWARE_PUBLISH, ctx.receivedAt, { status: p.status, location: p.location, requestId: p.requestId }, ctx.messageId);
  return {};
}

// OCPP 2.0.1 K15 / K17 (K16 Optimized charging with scheduling to the CSMS): the EV's schedule is kept
// and Accepted; the CSMS computes no schedule from it.
export async function notifyEVChargingSchedule201(p: Requests201['NotifyEVChargingSchedule'], ctx: CallContext): Promise<Responses201['NotifyEVChargingSchedule']> {
  // timeBase + content: a retried message overwrites itself; a renegotiated schedule (K17) is a new event.
  await putEvent(ctx.chargePointId, EV_CHARGING_SCHEDULE, p.timeBase, { evseId: p.evseId, timeBase: p.timeBase, chargingSchedule: p.chargingSchedule },
    contentId(p.evseId, p.timeBase, p.chargingSchedule));
  return { status: 'Accepted' };
}

export const PublishFirmwareStatusNotification: ActionHandlers = { '2.0.1': publishFirmwareStatusNotification201 };
export const NotifyEVChargingSchedule: ActionHandlers = { '2.0.1': notifyEVChargingSchedule201 };
