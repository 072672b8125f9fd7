import { fromIdTag16 } from '../authorization/tokens';
import { idTagInfo16 } from '../authorization/wire';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { screenNumbers } from './numbers';
import { startTransaction } from './start';
import { stopTransaction } from './stop';

interface StartTransaction16 { connectorId: number; idTag: string; meterStart: number; reservationId?: number; timestamp: string }
interface StopTransaction16 { idTag?: string; meterStop: number; timestamp: string; transactionId: number; reason?: string; transactionData?: unknown[] }

/** OCPP 1.6 §4.8 Start Transaction: "This response PDU MUST include a transaction id and an authorization status value." */
export async function startTransaction16(raw: StartTransaction16, ctx: CallContext) {
  const { payload: p, outOfRange } = screenNumbers(raw);
  const started = await startTransaction({
    chargePointId: ctx.chargePointId, connectorId: p.connectorId, token: fromIdTag16(p.idTag), meterStartWh: p.meterStart,
    timestamp: p.timestamp, reservationId: p.reservationId, receivedAt: ctx.receivedAt, messageId: ctx.messageId, outOfRange,
  });
  return { transactionId: started.transactionId, idTagInfo: idTagInfo16(started.authorization) };
}

/** OCPP 1.6 §4.10 Stop Transaction: "MAY send information about the idTag used to stop the transaction". */
export async function stopTransaction16(raw: StopTransaction16, ctx: CallContext) {
  const { payload: p, outOfRange } = screenNumbers(raw);
  const stopped = await stopTransaction({
    chargePointId: ctx.chargePointId, transactionId: p.transactionId, token: p.idTag === undefined ? undefined : fromIdTag16(p.idTag),
    meterStopWh: p.meterStop, timestamp: p.timestamp, reason: p.reason, transactionData: p.transactionData,
    receivedAt: ctx.receivedAt, messageId: ctx.messageId, outOfRange,
  });
  return stopped.authorization ? { idTagInfo: idTagInfo16(stopped.authorization) } : {};
}

/** OCPP 1.6 §4.8 Start Transaction. */
export const StartTransaction: ActionHandlers = { '1.6': startTransaction16 };
/** OCPP 1.6 §4.10 Stop Transaction. */
export const StopTransaction: ActionHandlers = { '1.6': stopTransaction16 };
