import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as soap from 'soap';

/** The official WSDLs, as the project keeps them (shared/soap/wsdl, unmodified). */
export const WSDL_DIR = join(__dirname, '..', '..', 'shared', 'soap', 'wsdl');
export const CS_WSDL = join(WSDL_DIR, 'OCPP_CentralSystemService_1.6.wsdl');
export const CP_WSDL = join(WSDL_DIR, 'OCPP_ChargePointService_1.6.wsdl');
const WSA = 'http://www.w3.org/2005/08/addressing';

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * A SOAP-only OCPP 1.6 station's client side: the `soap` library's client built from the official
 * CentralSystemService WSDL, SOAP 1.2, with the chargeBoxIdentity header and WS-Addressing
 * (Action, MessageID, To, From = the station's own endpoint) on every request.
 */
export async function soapStation(csmsSoapUrl: string, identity: string, opts: { from?: string; password?: string } = {}) {
  const client: any = await soap.createClientAsync(CS_WSDL, { forceSoap12Headers: true, endpoint: csmsSoapUrl });
  client.addSoapHeader({ chargeBoxIdentity: identity }, '', 'cs', 'urn://Ocpp/Cs/2015/10/');
  const sent: string[] = [];
  client.addSoapHeader((_method: unknown, location: string, soapAction: string) => {
    const id = `urn:uuid:${randomUUID()}`;
    sent.push(id);
    return `<wsa:Action xmlns:wsa="${WSA}">${soapAction}</wsa:Action><wsa:MessageID xmlns:wsa="${WSA}">${id}</wsa:MessageID>`
      + `<wsa:To xmlns:wsa="${WSA}">${location}</wsa:To>`
      + (opts.from ? `<wsa:From xmlns:wsa="${WSA}"><wsa:Address>${opts.from}</wsa:Address></wsa:From>` : '');
  });
  if (opts.password) client.setSecurity(new soap.BasicAuthSecurity(identity, opts.password));
  /** Calls an operation; resolves with the decoded result and the last response's headers. */
  const call = async (operation: string, args: Record<string, unknown>): Promise<{ result: any; header: any; raw: string; messageId: string }> => {
    const [result, raw, header] = await client[`${operation}Async`](args);
    return { result, header, raw, messageId: sent[sent.length - 1] };
  };
  return { client, call, identity };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/* eslint-disable @typescript-eslint/no-explicit-any */
export type SoapOperationHandler = (args: any, headers: any) => unknown;
/**
 * A SOAP-only station's server side: the `soap` library's server for the official
 * ChargePointService WSDL (SOAP 1.2) on a free port. `handlers` answer per operation; every
 * request (operation, arguments, SOAP headers) is kept in `received`.
 */
export async function soapStationServer(handlers: Record<string, SoapOperationHandler>) {
  const { createServer } = await import('node:http');
  const { readFileSync } = await import('node:fs');
  const server = createServer();
  const received: Array<{ operation: string; args: any; headers: any }> = [];
  const operations: Record<string, (args: any, cb: unknown, headers: any) => unknown> = {};
  const wsdl = readFileSync(CP_WSDL, 'utf8');
  for (const op of [...wsdl.matchAll(/<wsdl:operation name="(\w+)">/g)].map((m) => m[1])) {
    operations[op] = (args, _cb, headers) => {
      received.push({ operation: op, args, headers });
      const h = handlers[op];
      if (!h) throw { Fault: { Code: { Value: 'soap:Sender', Subcode: { Value: 'cp:NotImplemented' } }, Reason: { Text: `${op} is not implemented by this station` }, statusCode: 400 } };
      return h(args, headers);
    };
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  soap.listen(server, { path: '/ocpp', services: { ChargePointService: { ChargePointServiceSoap12: operations } }, xml: wsdl, forceSoap12Headers: true } as any);
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/ocpp`,
    received,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */
