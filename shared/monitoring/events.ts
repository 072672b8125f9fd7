import type { ActionHandlers, CallContext } from '../ocpp/context';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { log } from '../log';
import { contentId, putEvent, putEvents } from '../store/events';

/**
 * Diagnostics and security events a charge point reports: kept in the events table, read by
 * operators through GET /api/charge-points/{id}/events?kind=monitoring|security.
 */
export const MONITORING = 'monitoring';
export const SECURITY = 'security';

// OCPP 2.0.1 N07 Alert Event / N08 Periodic Event: every eventData item is kept as one event.
export async function notifyEvent201(p: Requests201['NotifyEvent'], ctx: CallContext): Promise<Responses201['NotifyEvent']> {
  await putEvents(ctx.chargePointId, p.eventData.map((e) => ({
    kind: MONITORING,
    at: e.timestamp,
    // eventId is the station's id of the event: a retried NotifyEvent overwrites, never duplicates.
    id: String(e.eventId),
    data: {
      ...e,
      cleared: e.cleared ?? false,
      generatedAt: p.generatedAt,
      seqNo: p.seqNo,
      tbc: p.tbc ?? false,
    },
  })), ctx.receivedAt);
  return {};
}

// OCPP 2.0.1 A04 Security Event Notification · OCPP 1.6 security whitepaper §3 SecurityEventNotification (same shape).
export async function securityEventNotification(
  p: Requests16['SecurityEventNotification'] | Requests201['SecurityEventNotification'],
  ctx: CallContext,
): Promise<Responses16['SecurityEventNotification'] & Responses201['SecurityEventNotification']> {
  await putEvent(ctx.chargePointId, SECURITY, p.timestamp, { type: p.type, techInfo: p.techInfo }, contentId(p.type, p.timestamp, p.techInfo));
  log.warn('security event reported by a charge point', { chargePointId: ctx.chargePointId, type: p.type, timestamp: p.timestamp });
  return {};
}

export const NotifyEvent: ActionHandlers = { '2.0.1': notifyEvent201 };
export const SecurityEventNotification: ActionHandlers = { '1.6': securityEventNotification, '2.0.1': securityEventNotification };
