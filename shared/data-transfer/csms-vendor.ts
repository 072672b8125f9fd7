import { registerVendor } from './registry';

/**
 * The CSMS's own vendor extension, vendorId CSMS_VENDOR_ID (default "com.serverless-ocpp.csms"),
 * documented in docs/transactions.md:
 * - messageId "Echo": answers Accepted with the request's data unchanged (a round-trip check).
 * - messageId "Ping": answers Accepted with the CSMS time, `{"currentTime": ISO}` — a JSON string
 *   for 1.6, where DataTransfer data is text, an object for 2.0.1.
 */
export const csmsVendorId = () => process.env.CSMS_VENDOR_ID || 'com.serverless-ocpp.csms';

registerVendor(csmsVendorId(), {
  Echo: (data) => ({ status: 'Accepted', data }),
  Ping: (_data, ctx) => {
    const body = { currentTime: new Date().toISOString() };
    return { status: 'Accepted', data: ctx.version === '1.6' ? JSON.stringify(body) : body };
  },
});
