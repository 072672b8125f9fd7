import type { ActionHandlers, CallContext } from '../ocpp/context';
import type { Requests16, Responses16 } from '../ocpp/types/v16';
import type { Requests201, Responses201 } from '../ocpp/types/v201';
import { handleDataTransfer } from './registry';
import './all-vendors';

/** OCPP 1.6 §4.3 Data Transfer · 2.0.1 P02 Data Transfer to the CSMS: the same vendor registry for both. */
// 1.6 data is a string, 2.0.1 data any JSON value: a vendor handler answers in the form its version expects.
export const dataTransfer = async (
  p: Requests16['DataTransfer'] | Requests201['DataTransfer'],
  ctx: CallContext,
): Promise<Responses16['DataTransfer'] | Responses201['DataTransfer']> => {
  const out = await handleDataTransfer(p, { chargePointId: ctx.chargePointId, version: ctx.version, receivedAt: ctx.receivedAt });
  // "the data element SHALL not be present" for an unknown vendor; otherwise only when there is data.
  return out.data === undefined || out.status === 'UnknownVendorId' ? { status: out.status } : { status: out.status, data: out.data };
};

/** OCPP 1.6 §4.3 Data Transfer · OCPP 2.0.1 P02 Data Transfer. */
export const DataTransfer: ActionHandlers = { '1.6': dataTransfer, '2.0.1': dataTransfer };
