import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, listEvents, putEvent } from '../store/events';
import { runCommand } from '../calls/command';
import { log } from '../log';
import { startWorkflow } from '../workflows/start';
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
 * After Accepted the handler starts the certificate-signing workflow
 * (infra/workflows/certificate-signing.asl.json): a short Wait, so the answer has gone out, then
 * `runCertificateSigning` issues the certificate (`issueFromCsr`) and sends CertificateSigned
 * { certificateChain: leaf + CA, certificateType } — the call follows the answer. Each issued
 * certificate is recorded as a `certificate-issued` event with the station's answer
 * (`issuedCertificates`, listed by GET /api/charge-points/{id}/certificates under `issued`).
 */
export const CERTIFICATE_SIGNING = 'certificate-signing';
export const CERTIFICATE_ISSUED = 'certificate-issued';
/** Seconds between the Accepted answer and CertificateSigned. */
export const SIGNING_WAIT_S = 1;

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
  try {
    await startWorkflow('certificate-signing', { chargePointId: ctx.chargePointId, csr: p.csr, certificateType, version: ctx.version, waitSeconds: SIGNING_WAIT_S });
  } catch (e) {
    // Without the workflow no certificate would follow: the station is told to ask again later.
    log.error('could not start the certificate-signing workflow', { chargePointId: ctx.chargePointId, error: String(e) });
    await record('Rejected', { reason: 'NotStarted', message: 'The certificate could not be issued now; try again later' });
    return { status: 'Rejected' as const };
  }
  await record('Accepted', { subject: check.subject, keyKind: check.keyKind });
  return { status: 'Accepted' as const };
}

export interface IssuedCertificate {
  serialNumber: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  certificateType: CertificateType;
  /** The station's answer to CertificateSigned; `Sent` when it did not answer, `NotSent` when the call could not be made. */
  status: 'Accepted' | 'Rejected' | 'Sent' | 'NotSent';
  issuedAt: string;
  error?: string;
}

/** The workflow's task: issue the certificate for the (already accepted) CSR and send it to the station. */
export async function runCertificateSigning(event: { chargePointId: string; csr: string; certificateType: CertificateType; version?: string }, now = new Date()): Promise<IssuedCertificate | { skipped: string }> {
  const ca = await signingCa();
  if (!ca) return { skipped: 'No signing CA is configured' };
  const check = await checkCsr(event.csr, event.chargePointId, organization());
  if (!check.ok) return { skipped: check.message };
  const { certificate, certificateChain } = await issueFromCsr(ca, check.request);
  const payload = event.version === '1.6' ? { certificateChain } : { certificateChain, certificateType: event.certificateType };
  const res = await runCommand(event.chargePointId, 'CertificateSigned', payload);
  const answer = (res.body.response as { status?: string } | undefined)?.status;
  const status: IssuedCertificate['status'] = res.status === 200 && (answer === 'Accepted' || answer === 'Rejected') ? answer : res.status === 504 ? 'Sent' : 'NotSent';
  const issued: IssuedCertificate = {
    serialNumber: certificate.serialNumber,
    subject: certificate.subject,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    certificateType: event.certificateType,
    status,
    issuedAt: now.toISOString(),
    ...(status === 'Accepted' || status === 'Rejected' ? {} : { error: String(res.body.message ?? res.body.error ?? `HTTP ${res.status}`) }),
  };
  await putEvent(event.chargePointId, CERTIFICATE_ISSUED, now.toISOString(), { ...issued }, contentId(CERTIFICATE_ISSUED, certificate.serialNumber));
  return issued;
}

/** The certificates the CSMS CA issued to a station, newest first (at most `limit`). */
export async function issuedCertificates(chargePointId: string, limit = 100): Promise<IssuedCertificate[]> {
  const page = await listEvents(chargePointId, { kind: CERTIFICATE_ISSUED, limit });
  return page.items.map((e) => ({
    serialNumber: e.serialNumber, subject: e.subject, notBefore: e.notBefore, notAfter: e.notAfter, certificateType: e.certificateType,
    status: e.status, issuedAt: e.issuedAt, ...(e.error ? { error: e.error } : {}),
  }) as IssuedCertificate);
}

export const SignCertificate: ActionHandlers = { '1.6': signCertificate, '2.0.1': signCertificate };
