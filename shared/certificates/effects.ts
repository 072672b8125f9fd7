import { registerEffect } from '../calls/effects';
import { GuardRejection, registerGuard } from '../calls/guards';
import { log } from '../log';
import { caCertificate } from '../security/ca';
import type { InstalledCertificate } from '../store/charge-points';
import { certificateFacts, type CertificateHashData } from './hash-data';
import { addCertificate, removeCertificate, replaceTypes, updateInstalled } from './installed';

/**
 * 2.0.1 M03 GetInstalledCertificateIds, M04 DeleteCertificate, M05 InstallCertificate (1.6 security
 * whitepaper: the same three calls): the answers keep the CSMS's view of what a station has
 * installed (shared/certificates/installed.ts). The 1.6 request names one certificateType, a 2.x
 * request a list or none (= all); the 1.6 answer lists certificateHashData, the 2.x one
 * certificateHashDataChain — the effects go by those shapes, so one code serves every version.
 */

const hashOnly = (h: CertificateHashData): CertificateHashData =>
  ({ hashAlgorithm: h.hashAlgorithm, issuerNameHash: h.issuerNameHash, issuerKeyHash: h.issuerKeyHash, serialNumber: h.serialNumber });

interface GetIdsRequest { certificateType?: string | string[] }
interface GetIdsResponse {
  status: string;
  certificateHashData?: CertificateHashData[];
  certificateHashDataChain?: Array<{ certificateType: string; certificateHashData: CertificateHashData; childCertificateHashData?: CertificateHashData[] }>;
}

registerEffect('GetInstalledCertificateIds', async (req: GetIdsRequest, res: GetIdsResponse, ctx) => {
  if (res.status !== 'Accepted' && res.status !== 'NotFound') return;
  const recordedAt = ctx.answeredAt.toISOString();
  const source = 'GetInstalledCertificateIds';
  const types = typeof req.certificateType === 'string' ? [req.certificateType] : req.certificateType?.length ? req.certificateType : undefined;
  let reported: InstalledCertificate[] = [];
  if (res.status === 'Accepted' && typeof req.certificateType === 'string') {
    reported = (res.certificateHashData ?? []).map((h) => ({ certificateType: req.certificateType as string, hashData: hashOnly(h), source, recordedAt }));
  } else if (res.status === 'Accepted') {
    reported = (res.certificateHashDataChain ?? []).map((c) => ({
      certificateType: c.certificateType,
      hashData: hashOnly(c.certificateHashData),
      ...(c.childCertificateHashData?.length ? { childHashData: c.childCertificateHashData.map(hashOnly) } : {}),
      source,
      recordedAt,
    }));
  }
  await updateInstalled(ctx.chargePointId, (list) => replaceTypes(list, types, reported), ctx.answeredAt);
}, 'GetInstalledCertificateIds#installed');

/** The CSMS CA helps name a certificate it issued (its issuer key); a CA that cannot be read is no reason to fail. */
function knownIssuers() {
  try {
    const ca = caCertificate();
    return ca ? [ca] : [];
  } catch (e) {
    log.warn('the CSMS CA certificate could not be read', { error: String(e) });
    return [];
  }
}

registerGuard('InstallCertificate', async (_chargePointId, payload: { certificate?: unknown }) => {
  if (typeof payload.certificate !== 'string' || !(await certificateFacts(payload.certificate))) {
    throw new GuardRejection('certificate must be a PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE----- …)');
  }
});

registerEffect('InstallCertificate', async (req: { certificateType: string; certificate: string }, res: { status: string }, ctx) => {
  if (res.status !== 'Accepted') return;
  const facts = await certificateFacts(req.certificate, knownIssuers());
  if (!facts) return; // the guard lets no such call through
  const cert: InstalledCertificate = {
    certificateType: req.certificateType,
    ...(facts.hashData ? { hashData: facts.hashData } : {}),
    subject: facts.subject,
    notAfter: facts.notAfter,
    source: 'InstallCertificate',
    recordedAt: ctx.answeredAt.toISOString(),
  };
  await updateInstalled(ctx.chargePointId, (list) => addCertificate(list, cert), ctx.answeredAt);
}, 'InstallCertificate#installed');

registerEffect('DeleteCertificate', async (req: { certificateHashData: CertificateHashData }, res: { status: string }, ctx) => {
  if (res.status !== 'Accepted' && res.status !== 'NotFound') return;
  await updateInstalled(ctx.chargePointId, (list) => removeCertificate(list, req.certificateHashData), ctx.answeredAt);
}, 'DeleteCertificate#installed');
