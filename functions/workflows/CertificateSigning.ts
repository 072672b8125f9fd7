// OCPP 2.0.1 A02/A03 · 1.6 security whitepaper — certificate-signing workflow task: issue the certificate and send CertificateSigned.
import { runCertificateSigning } from '../../shared/certificates/sign-certificate';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: { chargePointId: string; csr: string; certificateType: 'ChargingStationCertificate' }) => runCertificateSigning(event));
