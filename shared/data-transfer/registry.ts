import type { OcppVersion } from '../ocpp/protocol';
import type { Responses16 } from '../ocpp/types/v16';
import type { Responses201 } from '../ocpp/types/v201';

/**
 * Vendor-specific DataTransfer (1.6 §4.3, 2.0.1 P02): handlers by vendorId and messageId.
 * "If the recipient ... has no implementation for the specific vendorId it SHALL return a status
 * 'UnknownVendor' [UnknownVendorId on the wire] ... In case of a messageId mismatch (if used) ...
 * 'UnknownMessageId'." A vendor may register a handler under '' for messages without messageId.
 */
export type DataTransferStatus = Responses16['DataTransfer']['status'] & Responses201['DataTransfer']['status']; // the same four values in both

export interface DataTransferContext {
  chargePointId: string;
  version: OcppVersion;
  receivedAt: Date;
}
export type VendorMessageHandler = (data: unknown, ctx: DataTransferContext) => Promise<{ status: DataTransferStatus; data?: unknown }> | { status: DataTransferStatus; data?: unknown };

const vendors = new Map<string, Map<string, VendorMessageHandler>>();

/** Registers the handlers of one vendor (case-sensitive ids, as the spec gives no folding rule). */
export function registerVendor(vendorId: string, messages: Record<string, VendorMessageHandler>): void {
  const map = vendors.get(vendorId) ?? new Map();
  for (const [id, fn] of Object.entries(messages)) map.set(id, fn);
  vendors.set(vendorId, map);
}

export async function handleDataTransfer(req: { vendorId: string; messageId?: string; data?: unknown }, ctx: DataTransferContext): Promise<{ status: DataTransferStatus; data?: unknown }> {
  const vendor = vendors.get(req.vendorId);
  if (!vendor) return { status: 'UnknownVendorId' };
  const handler = vendor.get(req.messageId ?? '');
  if (!handler) return { status: 'UnknownMessageId' };
  return handler(req.data, ctx);
}
