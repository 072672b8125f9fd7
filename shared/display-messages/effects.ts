import { registerEffect, type EffectContext } from '../calls/effects';
import { putDisplayMessage, removeDisplayMessage, type DisplayMessage } from './store';

/**
 * OCPP 2.0.1 O01/O02/O06 SetDisplayMessage, O05 ClearDisplayMessage, O03/O04 NotifyDisplayMessages:
 * the CSMS's copy of what each station displays follows the station's answers.
 * - SetDisplayMessage Accepted → the message is kept (an existing id is replaced, O06); any other
 *   status (NotSupportedMessageFormat, Rejected, NotSupportedPriority, NotSupportedState,
 *   UnknownTransaction) changes nothing.
 * - ClearDisplayMessage Accepted, or Unknown (the station does not hold it) → removed.
 * - NotifyDisplayMessages (the parts answering GetDisplayMessages) → every reported message is kept as reported.
 */
interface MessageInfo { id: number; priority: string; state?: string; startDateTime?: string; endDateTime?: string; transactionId?: string; message: DisplayMessage['message']; display?: unknown }

/** The stored form (undefined fields left out, as DynamoDB wants). */
export const fromMessageInfo = (m: MessageInfo, source: DisplayMessage['source'], at: Date): DisplayMessage => JSON.parse(JSON.stringify({
  id: m.id, priority: m.priority, state: m.state, startDateTime: m.startDateTime, endDateTime: m.endDateTime, transactionId: m.transactionId,
  message: m.message, display: m.display, source, updatedAt: at.toISOString(),
})) as DisplayMessage;

export async function keepReportedMessages(chargePointId: string, messageInfo: unknown[] | undefined, at: Date): Promise<void> {
  for (const m of (messageInfo ?? []) as MessageInfo[]) await putDisplayMessage(chargePointId, fromMessageInfo(m, 'NotifyDisplayMessages', at));
}

registerEffect('SetDisplayMessage', async (req: { message: MessageInfo }, res: { status: string }, ctx: EffectContext) => {
  if (res.status === 'Accepted') await putDisplayMessage(ctx.chargePointId, fromMessageInfo(req.message, 'SetDisplayMessage', ctx.answeredAt));
}, 'displayMessages');

registerEffect('ClearDisplayMessage', async (req: { id: number }, res: { status: string }, ctx: EffectContext) => {
  if (res.status === 'Accepted' || res.status === 'Unknown') await removeDisplayMessage(ctx.chargePointId, req.id);
}, 'displayMessages');
