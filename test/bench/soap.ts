/**
 * The SOAP phase's station side (OCPP 1.6 over SOAP, docs/soap.md): the same 1.6 samples as the
 * JSON phases, sent as CentralSystemService requests (SOAP 1.2, chargeBoxIdentity, WS-Addressing).
 * Requests are written and answers read with the project's own WSDL codec, so that the bench
 * process spends as little as possible on the client side.
 */
import { randomUUID } from 'node:crypto';
import { decode, encodeElement } from '../../shared/soap/codec';
import { envelope, SOAP12, SOAP_CONTENT_TYPE } from '../../shared/soap/envelope';
import { centralSystemService } from '../../shared/soap/model';
import { child, parseXml } from '../../shared/soap/xml';

/** The messages of a charging session, as measured over SOAP beside JSON. */
export const SOAP_SAMPLE_NAMES = ['BootNotification', 'Heartbeat', 'StartTransaction', 'MeterValues', 'StopTransaction'] as const;

/** A CentralSystemService request envelope for a 1.6 JSON payload. */
export function soapRequest(chargePointId: string, action: string, payload: unknown, from?: string): { body: string; headers: Record<string, string> } {
  const model = centralSystemService();
  const op = model.operations[action];
  if (!op) throw new Error(`${action} is no CentralSystemService operation`);
  const body = envelope({ action: op.input.action, messageId: `urn:uuid:${randomUUID()}`, from, chargeBoxIdentity: { ns: model.namespace, value: chargePointId } },
    encodeElement(model, op.input.element, op.input.type, payload));
  return { body, headers: { 'content-type': `${SOAP_CONTENT_TYPE}; action="${op.input.action}"` } };
}

/** The answer: `Response` and its JSON payload, or `Fault <subcode>`. */
export function soapAnswer(action: string, status: number, text: string): { outcome: string; payload?: Record<string, unknown> } {
  const model = centralSystemService();
  const op = model.operations[action];
  try {
    const body = child(parseXml(text), SOAP12, 'Body');
    const fault = child(body, SOAP12, 'Fault');
    if (fault) return { outcome: `Fault ${child(child(child(fault, SOAP12, 'Code'), SOAP12, 'Subcode'), SOAP12, 'Value')?.text ?? ''} (HTTP ${status})` };
    const part = body?.children[0];
    if (!part || part.local !== op.output.element) return { outcome: `HTTP ${status}, not a ${op.output.element}` };
    return { outcome: 'Response', payload: decode(model, op.output.type, part) };
  } catch (e) {
    return { outcome: `HTTP ${status}, not SOAP: ${(e as Error).message.slice(0, 60)}` };
  }
}
