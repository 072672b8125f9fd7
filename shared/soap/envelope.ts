import { randomUUID } from 'node:crypto';
import { escapeXml } from './xml';

export const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';
export const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSA = 'http://www.w3.org/2005/08/addressing';
export const WSA_ANONYMOUS = `${WSA}/anonymous`;
export const WSA_FAULT_ACTION = `${WSA}/soap/fault`;
export const SOAP_CONTENT_TYPE = 'application/soap+xml; charset=utf-8';

/** The WS-Addressing headers of one message, and the OCPP identity header. */
export interface Addressing {
  action: string;
  messageId?: string;
  relatesTo?: string;
  to?: string;
  from?: string;
  /** chargeBoxIdentity, in the service's namespace. */
  chargeBoxIdentity?: { ns: string; value: string };
}

export function envelope(addressing: Addressing, body: string): string {
  const h = [
    addressing.chargeBoxIdentity ? `<chargeBoxIdentity xmlns="${escapeXml(addressing.chargeBoxIdentity.ns)}">${escapeXml(addressing.chargeBoxIdentity.value)}</chargeBoxIdentity>` : '',
    `<wsa:Action s:mustUnderstand="true">${escapeXml(addressing.action)}</wsa:Action>`,
    `<wsa:MessageID>${escapeXml(addressing.messageId ?? `urn:uuid:${randomUUID()}`)}</wsa:MessageID>`,
    addressing.relatesTo ? `<wsa:RelatesTo>${escapeXml(addressing.relatesTo)}</wsa:RelatesTo>` : '',
    addressing.to ? `<wsa:To>${escapeXml(addressing.to)}</wsa:To>` : '',
    addressing.from ? `<wsa:From><wsa:Address>${escapeXml(addressing.from)}</wsa:Address></wsa:From>` : '',
  ].join('');
  return `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${SOAP12}" xmlns:wsa="${WSA}"><s:Header>${h}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

/**
 * A SOAP 1.2 Fault (SOAP 1.2 part 1 §5.4). `code`: Sender (the message was wrong), Receiver (our
 * fault) or VersionMismatch; `subcode` a qualified name: the OCPP error code in the service's
 * namespace (`cs:FormationViolation`…) or a WS-Addressing fault (`wsa:ActionNotSupported`…).
 */
export interface Fault {
  code: 'Sender' | 'Receiver' | 'VersionMismatch';
  subcode?: { ns: string; name: string };
  reason: string;
}

export function faultBody(f: Fault): string {
  const sub = f.subcode ? `<s:Subcode><s:Value xmlns:sc="${escapeXml(f.subcode.ns)}">sc:${escapeXml(f.subcode.name)}</s:Value></s:Subcode>` : '';
  return `<s:Fault><s:Code><s:Value>s:${f.code}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="en">${escapeXml(f.reason)}</s:Text></s:Reason></s:Fault>`;
}

/** SOAP 1.2 HTTP binding §7.5.2: a Sender fault is 400, anything else 500. */
export const faultStatus = (f: Fault) => (f.code === 'Sender' ? 400 : 500);
