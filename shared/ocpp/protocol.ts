/** OCPP-J subprotocols we speak, and which schema set validates each. */
export const SUBPROTOCOLS = ['ocpp2.1', 'ocpp2.0.1', 'ocpp2.0', 'ocpp1.6'] as const; // preference order
export type Protocol = (typeof SUBPROTOCOLS)[number];
/**
 * The functional generation a message is handled by: '1.6', or '2.0.1' for the whole 2.x family
 * (`ocpp2.0` normalised to 2.0.1 by the adapter, docs/ocpp-2.0-differences.md; `ocpp2.1`, which is
 * backward compatible with 2.0.1, goes through the same functional blocks, docs/ocpp-2.1-support.md).
 */
export type OcppVersion = '1.6' | '2.0.1';
/** The schema set a payload is validated with: 2.1 has its own (shared/ocpp/schemas/ocpp2_1.json). */
export type SchemaVersion = OcppVersion | '2.1';

export function isProtocol(value: unknown): value is Protocol {
  return typeof value === 'string' && (SUBPROTOCOLS as readonly string[]).includes(value);
}

export function versionOf(protocol: Protocol): OcppVersion {
  return protocol === 'ocpp1.6' ? '1.6' : '2.0.1';
}

/** The schema set of a connection's protocol: `ocpp2.0` is validated as 2.0.1 after adaptation. */
export function schemaVersionOf(protocol: Protocol): SchemaVersion {
  return protocol === 'ocpp2.1' ? '2.1' : versionOf(protocol);
}

/** Picks 2.1 > 2.0.1 > 2.0 > 1.6 from a Sec-WebSocket-Protocol header value; undefined when none is acceptable. */
export function negotiateSubprotocol(header: string | undefined): Protocol | undefined {
  const offered = (header ?? '').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  return SUBPROTOCOLS.find((p) => offered.includes(p));
}

/**
 * The token of the Sec-WebSocket-Protocol header that named `protocol`, spelled as the charge point
 * offered it: RFC 6455 §4.1 has the client fail the connection when the server answers a token it
 * did not offer, and strict clients compare case-sensitively ("OCPP1.6" must get "OCPP1.6" back).
 */
export function offeredSpelling(header: string | undefined, protocol: Protocol): string {
  return (header ?? '').split(',').map((p) => p.trim()).find((p) => p.toLowerCase() === protocol) ?? protocol;
}
