// OCPP 2.0.1 A02/A03 · 1.6 security whitepaper — SignCertificate: the station asks the CSMS CA to sign its CSR
import { SignCertificate } from '../../shared/certificates/sign-certificate';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/SignCertificate';

export const handler = routeHandler('SignCertificate', SignCertificate, validators);
