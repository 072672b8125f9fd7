import { CALLERROR, CALLRESULT } from '../ocpp/framing';
import type { Answer } from '../ocpp/inbound';
import { decode, encodeElement } from './codec';
import { envelope, SOAP12 } from './envelope';
import { chargePointService } from './model';
import { child, parseXml, XmlError } from './xml';

/**
 * CSMS → SOAP station: one ChargePointService request (the official WSDL) to the station's endpoint
 * (its latest wsa:From), its answer turned into the CALLRESULT / CALLERROR frame the OCPP-J router
 * would have received, so that shared/calls/completion.ts records it and applies its effects as
 * for a JSON station. A SOAP Fault becomes a CALLERROR (code = the Fault's subcode, e.g.
 * NotSupported; GenericError when it has none).
 */
export type SoapSendOutcome =
  /** `raw`: the answer as the JSON frame text, for the message log (which keeps OCPP-J frames for both transports). */
  | { ok: true; frame: Answer; raw: string }
  | { ok: false; status: 400 | 409 | 504; error: string; message: string };

/** The operation of the ChargePointService WSDL for an action, if it has one. */
export const soapOperation = (action: string) => (Object.hasOwn(chargePointService().operations, action) ? chargePointService().operations[action] : undefined);

export async function postSoapCall(
  station: { chargePointId: string; soapEndpoint?: string },
  messageId: string, action: string, payload: unknown, deadline: number,
): Promise<SoapSendOutcome> {
  const op = soapOperation(action);
  if (!op) return { ok: false, status: 400, error: 'UnknownAction', message: `${action} is not an operation of the OCPP 1.6 SOAP ChargePointService` };
  if (!station.soapEndpoint) return { ok: false, status: 409, error: 'NotConnected', message: `Charge point ${station.chargePointId} speaks SOAP but sent no wsa:From endpoint yet` };
  const model = chargePointService();
  const request = envelope({
    action: op.input.action, messageId: `urn:uuid:${messageId}`, to: station.soapEndpoint,
    chargeBoxIdentity: { ns: model.namespace, value: station.chargePointId },
  }, encodeElement(model, op.input.element, op.input.type, payload));
  let raw: string;
  try {
    const res = await fetch(station.soapEndpoint, {
      method: 'POST',
      headers: { 'content-type': `application/soap+xml; charset=utf-8; action="${op.input.action}"` },
      body: request,
      signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
    });
    raw = await res.text();
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { ok: false, status: 504, error: 'Timeout', message: `No answer to ${action} from ${station.chargePointId} at ${station.soapEndpoint} in time` };
    return { ok: false, status: 409, error: 'NotConnected', message: `Charge point ${station.chargePointId} could not be reached at ${station.soapEndpoint}: ${err.cause?.code ?? err.cause?.message ?? err.message}` };
  }
  const frame = answerFrame(messageId, op.output.element, op.output.type, raw);
  return { ok: true, frame, raw: JSON.stringify(frame.type === CALLRESULT ? [CALLRESULT, frame.id, frame.payload] : [CALLERROR, frame.id, frame.code, frame.description, frame.details]) };
}

/** The station's SOAP answer as the frame a JSON station would have sent. */
export function answerFrame(id: string, element: string, type: string, raw: string): Answer {
  const model = chargePointService();
  const error = (code: string, description: string): Answer => ({ type: CALLERROR, id, code, description, details: {} });
  try {
    const body = child(parseXml(raw), SOAP12, 'Body');
    const fault = child(body, SOAP12, 'Fault');
    if (fault) {
      const sub = child(child(child(fault, SOAP12, 'Code'), SOAP12, 'Subcode'), SOAP12, 'Value')?.text;
      const reason = child(child(fault, SOAP12, 'Reason'), SOAP12, 'Text')?.text ?? '';
      return error(sub ? sub.split(':').pop()! : 'GenericError', reason);
    }
    const part = body?.children[0];
    if (!part || part.ns !== model.namespace || part.local !== element) return error('FormationViolation', `the station's answer is not a ${element} in ${model.namespace}`);
    return { type: CALLRESULT, id, payload: decode(model, type, part) };
  } catch (e) {
    if (e instanceof XmlError) return error('FormationViolation', `the station's answer is not SOAP: ${e.message}`);
    return error('FormationViolation', `the station's answer does not match the ChargePointService WSDL: ${(e as Error).message}`);
  }
}
