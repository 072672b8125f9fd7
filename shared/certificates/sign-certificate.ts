import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, putEvent } from '../store/events';
import { issueCertificate, organization, signingCa, type CertificateAuthority } from '../security/ca';
import { parseDn } from '../security/dn';
import type { x509 } from '../security/x509';
import { checkCsr } from './csr';

/**
 * SignCertificate (OCPP 2.0.1 A02/A03; 1.6 security whitepaper "SignCertificate"): the station
 * sends a CSR; the CSMS checks it (shared/certificates/csr.ts: signature, key, CN = the calling
 * identity, O = CSMS_ORGANIZATION) and answers Accepted or Rejected at once — a bad CSR is never a
 * CALLERROR. A rejected CSR is recorded as a `certificate-signing` event (a CSR for another
 * identity is a security event). Without a signing CA configured every request is Rejected.
 * Sending CertificateSigned after the answer is not wired yet (docs/security.md "Not done yet");
 * `issueFromCsr` builds the certificate and chain it will carry.
 */
export const CERTIFICATE_SIGNING = 'certificate-signing';

type CertificateType = 'ChargingStationCertificate' | 'V2GCertificate';

/** The leaf for an accepted CSR, signed by the CSMS CA, and the chain CertificateSigned carries (leaf + CA, PEM). */
export async function issueFromCsr(ca: CertificateAuthority, request: x509.Pkcs10CertificateRequest, opts: { days?: number; notBefore?: Date } = {}): Promise<{ certificate: x509.X509Certificate; certificateChain: string }> {
  const subject = (parseDn(request.subject) ?? []).filter(([t]) => t === 'CN' || t === 'O');
  const certificate = await issueCertificate(ca, { subject, publicKey: request.publicKey, usage: 'client', ...opts });
  return { certificate, certificateChain: `${certificate.toString('pem')}\n${ca.certificate.toString('pem')}\n` };
}

async function signCertificate(p: { csr: string; certificateType?: CertificateType }, ctx: CallContext) {
  const certificateType = p.certificateType ?? 'ChargingStationCertificate';
  const record = (status: 'Accepted' | 'Rejected', detail: Record<string, unknown>) =>
    putEvent(ctx.chargePointId, CERTIFICATE_SIGNING, ctx.receivedAt.toISOString(), { action: ctx.action, certificateType, status, ...detail }, contentId(ctx.action, ctx.messageId));
  if (certificateType !== 'ChargingStationCertificate') {
    await record('Rejected', { reason: 'UnsupportedType', message: 'The CSMS CA signs charging station certificates only (V2G certificates come from a V2G PKI)' });
    return { status: 'Rejected' as const };
  }
  const ca = await signingCa();
  if (!ca) {
    await record('Rejected', { reason: 'NoCa', message: 'No signing CA is configured' });
    return { status: 'Rejected' as const };
  }
  const check = await checkCsr(p.csr, ctx.chargePointId, organization());
  if (!check.ok) {
    await record('Rejected', { reason: check.reason, message: check.message, securityEvent: check.reason === 'WrongIdentity' });
    return { status: 'Rejected' as const };
  }
  await record('Accepted', { subject: check.subject, keyKind: check.keyKind });
  return { status: 'Accepted' as const };
}

export const SignCertificate: ActionHandlers = { '1.6': signCertificate, '2.0.1': signCertificate };
