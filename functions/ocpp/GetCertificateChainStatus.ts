// OCPP 2.1 part 2 (M, certificate management) — GetCertificateChainStatus: revocation status of a certificate chain, asked of the CSMS
import { GetCertificateChainStatus } from '../../shared/security/chain-status';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/GetCertificateChainStatus';

export const handler = routeHandler('GetCertificateChainStatus', GetCertificateChainStatus, validators);
