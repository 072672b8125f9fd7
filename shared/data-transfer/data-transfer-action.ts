import type { ActionHandlers, CallContext } from '../ocpp/context';
import { handleDataTransfer } from './registry';
import './all-vendors';

interface DataTransferRequest { vendorId: string; messageId?: string; data?: unknown }

/** OCPP 1.6 §4.3 Data Transfer · 2.0.1 P02 Data Transfer to the CSMS: the same vendor registry for both. */
export const dataTransfer = async (p: DataTransferRequest, ctx: CallContext) => {
  const out = await handleDataTransfer(p, { chargePointId: ctx.chargePointId, version: ctx.version, receivedAt: ctx.receivedAt });
  // "the data element SHALL not be present" for an unknown vendor; otherwise only when there is data.
  return out.data === undefined || out.status === 'UnknownVendorId' ? { status: out.status } : { status: out.status, data: out.data };
};

/** OCPP 1.6 §4.3 Data Transfer · OCPP 2.0.1 P02 Data Transfer. */
export const DataTransfer: ActionHandlers = { '1.6': dataTransfer, '2.0.1': dataTransfer };
