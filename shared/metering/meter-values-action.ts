import type { ActionHandlers, CallContext } from '../ocpp/context';
import { fingerprint } from '../transactions/fingerprint';
import { screenNumbers } from '../transactions/numbers';
import { NUMBER_OUT_OF_RANGE, recordAnomaly } from '../transactions/anomalies';
import type { Requests16 } from '../ocpp/types/v16';
import type { Requests201 } from '../ocpp/types/v201';
import { recordMeterValues, type MeterValuesInput } from './record';
import './all-observers';

type MeterValues16 = Requests16['MeterValues'];
type MeterValues201 = Requests201['MeterValues'];

/**
 * Numbers the CSMS cannot keep (shared/transactions/numbers.ts): answered normally, one anomaly;
 * values are kept with such numbers as text — unless the connector/EVSE itself is out of range,
 * when they are kept only in the anomaly (they name no series).
 */
async function record<P>(raw: P, input: (p: P) => MeterValuesInput, ctx: CallContext) {
  const { payload, outOfRange } = screenNumbers(raw);
  const m = input(payload);
  const placed = !('connectorId' in outOfRange) && !('evseId' in outOfRange);
  if (placed) await recordMeterValues(m);
  if (Object.keys(outOfRange).length) {
    await recordAnomaly(ctx.chargePointId, NUMBER_OUT_OF_RANGE, ctx.receivedAt.toISOString(), fingerprint(raw), {
      action: 'MeterValues', messageId: ctx.messageId, fields: outOfRange, ...(placed ? {} : { meterValue: m.meterValue }),
    });
  }
  return {};
}

/**
 * OCPP 1.6 §4.7 Meter Values: "SHALL respond with a MeterValues.conf" whatever the sanity checks
 * say, so an unknown transactionId is kept under that id and answered normally.
 */
export const meterValues16 = (raw: MeterValues16, ctx: CallContext) => record(raw, (p: MeterValues16) => ({
  chargePointId: ctx.chargePointId, version: '1.6', connectorId: p.connectorId,
  transactionId: p.transactionId === undefined ? undefined : String(p.transactionId),
  meterValue: p.meterValue, source: 'MeterValues', messageId: ctx.messageId, receivedAt: ctx.receivedAt,
}), ctx);

/** OCPP 2.0.1 J01 Sending Meter Values not related to a transaction (evseId 0 = main meter). */
export const meterValues201 = (raw: MeterValues201, ctx: CallContext) => record(raw, (p: MeterValues201) => ({
  chargePointId: ctx.chargePointId, version: '2.0.1', evseId: p.evseId,
  meterValue: p.meterValue, source: 'MeterValues', messageId: ctx.messageId, receivedAt: ctx.receivedAt,
}), ctx);

/** OCPP 1.6 §4.7 Meter Values · OCPP 2.0.1 J01 Meter Values. */
export const MeterValues: ActionHandlers = { '1.6': meterValues16, '2.0.1': meterValues201 };
