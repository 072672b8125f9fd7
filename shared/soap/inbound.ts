import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { authorizeConnection } from '../connect/authorize';
import type { WebSocketEvent } from '../lambda/identity';
import { DeadlineExceeded, lambda } from '../lambda/middy';
import { log } from '../log';
import { OcppError, wireCode, type ErrorCode } from '../ocpp/errors';
import { CALLERROR, CALLRESULT, parseFrame } from '../ocpp/framing';
import { ocppHandler, ocppPipeline, ROUTE_DEADLINE_MARGIN_MS, type LambdaAnswer } from '../ocpp/inbound';
import { handlersFor } from '../ocpp/routes';
import { runtimeValidation } from '../ocpp/validation';
import { isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';
import { TRANSPORT_HEADER } from '../security/profiles';
import { decode, encodeElement } from './codec';
import { envelope, faultBody, faultStatus, SOAP11, SOAP12, SOAP_CONTENT_TYPE, WSA, WSA_ANONYMOUS, WSA_FAULT_ACTION, type Fault } from './envelope';
import { centralSystemService, type Operation } from './model';
import { SOAP_CONNECTION_PREFIX } from './liveness';
import { child, parseXml, XmlError, type XmlElement } from './xml';

/**
 * OCPP 1.6 over SOAP (OCPP-S), station → CSMS: the CentralSystemService of the official WSDL as an
 * adapter in front of the very same pipeline and 1.6 domain functions as OCPP-J (shared/ocpp/inbound.ts:
 * registration gate, 1.6 JSON schema validation, audit, metrics). One request:
 *   SOAP 1.2 envelope → chargeBoxIdentity + WS-Addressing headers → operation by wsa:Action →
 *   body decoded to the 1.6 JSON payload (./codec.ts) → credentials checked as at a WebSocket
 *   connect (shared/connect/authorize.ts, per message) → the station's wsa:From kept as its SOAP
 *   endpoint → the JSON CALL through the OCPP pipeline → CALLRESULT as the response envelope,
 *   CALLERROR as a SOAP Fault.
 */

const pipeline = lambda<WebSocketEvent, LambdaAnswer>('soap', ocppHandler() as never, {
  middlewares: ocppPipeline(handlersFor, runtimeValidation),
  deadline: { marginMs: ROUTE_DEADLINE_MARGIN_MS(), onDeadline: () => new DeadlineExceeded('soap') },
});

class SoapFault extends Error {
  constructor(readonly fault: Fault, readonly httpStatus = faultStatus(fault)) {
    super(fault.reason);
  }
}
const cs = () => centralSystemService().namespace;
const ocppFault = (code: ErrorCode, reason: string): Fault => ({
  code: SENDER_CODES.has(code) ? 'Sender' : 'Receiver', subcode: { ns: cs(), name: wireCode(code, '1.6') }, reason,
});
/** The OCPP error codes that blame the message (SOAP Sender); the rest (InternalError, GenericError) are ours (Receiver). */
const SENDER_CODES = new Set<ErrorCode>(['NotImplemented', 'NotSupported', 'ProtocolError', 'SecurityError', 'FormatViolation', 'PropertyConstraintViolation', 'OccurrenceConstraintViolation', 'TypeConstraintViolation']);
const wsaFault = (name: string, reason: string): Fault => ({ code: 'Sender', subcode: { ns: WSA, name }, reason });

export interface SoapRequest {
  body: string;
  headers: Record<string, string | undefined>;
  sourceIp?: string;
}
export interface SoapResponse {
  status: number;
  body: string;
}

export async function handleSoap(req: SoapRequest, context: Context): Promise<SoapResponse> {
  let relatesTo: string | undefined;
  try {
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/soap\+xml\s*(;|$)/i.test(type)) {
      throw new SoapFault({ code: /^text\/xml/i.test(type) ? 'VersionMismatch' : 'Sender', reason: `OCPP 1.6 SOAP is SOAP 1.2: Content-Type must be application/soap+xml (got ${type || 'none'})` }, 415);
    }
    let root: XmlElement;
    try {
      root = parseXml(req.body);
    } catch (e) {
      if (e instanceof XmlError) throw new SoapFault(ocppFault('FormatViolation', e.message));
      throw e;
    }
    if (root.local !== 'Envelope' || (root.ns !== SOAP12 && root.ns !== SOAP11)) throw new SoapFault(ocppFault('FormatViolation', 'the root element must be a SOAP 1.2 Envelope'));
    if (root.ns === SOAP11) throw new SoapFault({ code: 'VersionMismatch', reason: 'SOAP 1.1 envelope: OCPP 1.6 SOAP binds SOAP 1.2' });
    const header = child(root, SOAP12, 'Header');
    const body = child(root, SOAP12, 'Body');
    if (!body) throw new SoapFault(ocppFault('FormatViolation', 'the Envelope has no Body'));
    const messageId = child(header, WSA, 'MessageID')?.text;
    relatesTo = messageId;
    const action = child(header, WSA, 'Action')?.text;
    if (!action) throw new SoapFault(wsaFault('MessageAddressingHeaderRequired', 'the wsa:Action header is missing'));
    if (!messageId) throw new SoapFault(wsaFault('MessageAddressingHeaderRequired', 'the wsa:MessageID header is missing'));
    const op = Object.values(centralSystemService().operations).find((o) => o.input.action === action);
    if (!op) throw new SoapFault(wsaFault('ActionNotSupported', `${action} is not an operation of the OCPP 1.6 CentralSystemService`));
    const identity = child(header, cs(), 'chargeBoxIdentity')?.text;
    if (!identity) throw new SoapFault(ocppFault('ProtocolError', `the chargeBoxIdentity header (namespace ${cs()}) is missing`));
    const from = child(child(header, WSA, 'From'), WSA, 'Address')?.text;
    if (from && from !== WSA_ANONYMOUS && !/^https?:\/\/[^\s]+$/i.test(from)) throw new SoapFault(ocppFault('ProtocolError', `wsa:From must be the station's http(s) endpoint (got ${from})`));
    const parts = body.children;
    if (parts.length !== 1 || parts[0].ns !== cs() || parts[0].local !== op.input.element) {
      throw new SoapFault(ocppFault('FormatViolation', `the Body of ${op.name} must be one ${op.input.element} element in namespace ${cs()}`));
    }
    let payload: Record<string, unknown>;
    try {
      payload = decode(centralSystemService(), op.input.type, parts[0]);
    } catch (e) {
      if (e instanceof OcppError) throw new SoapFault(ocppFault(e.code, e.message));
      throw e;
    }
    // The credentials, identity and registration as at a WebSocket connect, on every message.
    const decision = await authorizeConnection({
      chargePointId: identity,
      authorization: req.headers.authorization,
      subprotocols: 'ocpp1.6',
      originSecret: req.headers['x-origin-verify'],
      sourceIp: req.sourceIp,
      transport: req.headers[TRANSPORT_HEADER],
    });
    if (!decision.allow) {
      // As the WebSocket authorizer: the reason is logged, never told (it must not reveal whether the identity exists).
      log.info('SOAP message refused', { chargePointId: identity, reason: decision.reason });
      throw new SoapFault(ocppFault('SecurityError', decision.status === 401 ? 'Unauthorized' : 'Forbidden'), decision.status);
    }
    await recordSoapStation(identity, from && from !== WSA_ANONYMOUS ? from : undefined);
    const answer = await dispatch(identity, decision.context.registrationStatus, op, payload, messageId, context);
    return { status: 200, body: answer };
  } catch (e) {
    const fault = e instanceof SoapFault ? e.fault : (log.error('SOAP request failed', { error: String((e as Error)?.stack ?? e) }), ocppFault('InternalError', 'An internal error occurred while processing the message'));
    return { status: e instanceof SoapFault ? e.httpStatus : 500, body: envelope({ action: WSA_FAULT_ACTION, relatesTo }, faultBody(fault)) };
  }
}

/** The JSON CALL through the OCPP-J pipeline; its CALLRESULT or CALLERROR back as SOAP. */
async function dispatch(chargePointId: string, registrationStatus: string, op: Operation, payload: unknown, messageId: string, context: Context): Promise<string> {
  const id = randomUUID();
  const event = {
    body: JSON.stringify([2, id, op.name, payload]),
    isBase64Encoded: false,
    requestContext: {
      connectionId: `${SOAP_CONNECTION_PREFIX}${chargePointId}`, routeKey: op.name, eventType: 'MESSAGE', messageId: id, requestId: id,
      authorizer: { chargePointId, protocol: 'ocpp1.6', registrationStatus },
    },
  } as unknown as WebSocketEvent;
  const out = await pipeline(event, context);
  const frame = parseFrame(out?.body);
  if (frame.type === CALLRESULT) {
    return envelope({ action: op.output.action, relatesTo: messageId, to: WSA_ANONYMOUS }, encodeElement(centralSystemService(), op.output.element, op.output.type, frame.payload));
  }
  if (frame.type === CALLERROR) {
    const fault: Fault = { code: SENDER_CODES.has(toCode(frame.code)) ? 'Sender' : 'Receiver', subcode: { ns: cs(), name: frame.code }, reason: frame.description || frame.code };
    throw new SoapFault(fault);
  }
  throw new Error('the pipeline gave no answer');
}
const toCode = (wire: string): ErrorCode => (wire === 'FormationViolation' ? 'FormatViolation' : wire === 'OccurenceConstraintViolation' ? 'OccurrenceConstraintViolation' : (wire as ErrorCode));

/**
 * One write per message: the station is reached over SOAP (`transport`), at its wsa:From address
 * (`soapEndpoint`, kept when a message has none), and was heard from now (`lastSeen`, which makes
 * it count as connected: ./liveness.ts).
 */
async function recordSoapStation(chargePointId: string, endpoint: string | undefined, now = new Date()): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('chargePoints'),
      Key: { chargePointId },
      UpdateExpression: `SET connectionId = :c, protocol = :p, transport = :t, lastSeen = :now, connectedAt = if_not_exists(connectedAt, :now)${endpoint ? ', soapEndpoint = :e' : ''}`,
      ConditionExpression: 'attribute_exists(chargePointId)',
      ExpressionAttributeValues: { ':c': `${SOAP_CONNECTION_PREFIX}${chargePointId}`, ':p': 'ocpp1.6', ':t': 'soap', ':now': now.toISOString(), ...(endpoint ? { ':e': endpoint } : {}) },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

const headerMap = (h: Record<string, string | undefined> | undefined) => Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

/** The HTTP API (payload format 2.0) Lambda behind POST /ocpp/soap. */
export async function soapHttpHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyResultV2> {
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const out = await handleSoap({ body, headers: headerMap(event.headers), sourceIp: event.requestContext?.http?.sourceIp }, context);
  return { statusCode: out.status, headers: { 'content-type': SOAP_CONTENT_TYPE }, body: out.body };
}
