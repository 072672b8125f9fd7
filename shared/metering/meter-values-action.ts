import type { ActionHandlers, CallContext } from '../ocpp/context';
import { recordMeterValues } from './record';

interface MeterValues16 { connectorId: number; transactionId?: number; meterValue: unknown[] }
interface MeterValues201 { evseId: number; meterValue: unknown[] }

/**
 * OCPP 1.6 §4.7 Meter Values: "SHALL respond with a MeterValues.conf" whatever the sanity checks
 * say, so an unknown transactionId is kept under that id and answered normally.
 */
export const meterValues16 = async (p: MeterValues16, ctx: CallContext) => {
  await recordMeterValues({
    chargePointId: ctx.chargePointId, version: '1.6', connectorId: p.connectorId,
    transactionId: p.transactionId === undefined ? undefined : String(p.transactionId),
    meterValue: p.meterValue, source: 'MeterValues', messageId: ctx.messageId, receivedAt: ctx.receivedAt,
  });
  return {};
};

/** OCPP 2.0.1 J01 Sending Meter Values not related to a transaction (evseId 0 = main meter). */
export const meterValues201 = async (p: MeterValues201, ctx: CallContext) => {
  await recordMeterValues({
    chargePointId: ctx.chargePointId, version: '2.0.1', evseId: p.evseId,
    meterValue: p.meterValue, source: 'MeterValues', messageId: ctx.messageId, receivedAt: ctx.receivedAt,
  });
  return {};
};

/** OCPP 1.6 §4.7 Meter Values · OCPP 2.0.1 J01 Meter Values. */
export const MeterValues: ActionHandlers = { '1.6': meterValues16, '2.0.1': meterValues201 };
