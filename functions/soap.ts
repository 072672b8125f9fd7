// POST /ocpp/soap: OCPP 1.6 over SOAP (OCPP-S), the CentralSystemService of the official 1.6 WSDL (docs/soap.md).
import { soapHttpHandler } from '../shared/soap/inbound';

export const handler = soapHttpHandler;
