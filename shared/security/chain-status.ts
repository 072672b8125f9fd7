import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { contentId, putEvent } from '../store/events';
import { caCertificate } from './ca';
import type { x509 } from './x509';

type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';
interface CertificateHashData { hashAlgorithm: HashAlgorithm; issuerNameHash: string; issuerKeyHash: string; serialNumber: string; customData?: unknown }
interface StatusRequest { certificateHashData: CertificateHashData; source: 'CRL' | 'OCSP'; urls: string[] }

/** How long a station may rely on an answer (nextUpdate): one day, as a typical OCSP response. */
export const CHAIN_STATUS_VALIDITY_MS = 24 * 3600_000;

const NODE_HASH: Record<HashAlgorithm, string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };
const hex = (alg: HashAlgorithm, data: ArrayBuffer | Uint8Array) => createHash(NODE_HASH[alg]).update(new Uint8Array(data)).digest('hex');

/**
 * The OCSP CertID of a certificate issued by `issuer` (RFC 6960 4.1.1, OCPP CertificateHashDataType):
 * the hash of the issuer's DER-encoded subject name and of the issuer's public key bits (the BIT
 * STRING of its SubjectPublicKeyInfo, without tag, length and unused-bits octet).
 */
export function issuerHashes(issuer: x509.X509Certificate, alg: HashAlgorithm): { issuerNameHash: string; issuerKeyHash: string } {
  const spki = AsnConvert.parse(issuer.publicKey.rawData, SubjectPublicKeyInfo);
  return { issuerNameHash: hex(alg, issuer.subjectName.toArrayBuffer()), issuerKeyHash: hex(alg, spki.subjectPublicKey) };
}

/**
 * The rule (docs/ocpp-2.1-support.md): the CSMS queries no OCSP responder or CRL of others. A
 * certificate whose issuer is the CSMS CA (name and key hash match, in the requested hash
 * algorithm) is `Good` — the CSMS CA revokes no certificate; any other is `Unknown`.
 */
export function certificateStatus(req: StatusRequest, ca: x509.X509Certificate | undefined, now: Date) {
  const h = req.certificateHashData;
  const ours = ca ? issuerHashes(ca, h.hashAlgorithm) : undefined;
  const good = !!ours && ours.issuerNameHash === h.issuerNameHash.toLowerCase() && ours.issuerKeyHash === h.issuerKeyHash.toLowerCase();
  return { certificateHashData: h, source: req.source, status: good ? 'Good' : 'Unknown', nextUpdate: new Date(now.getTime() + CHAIN_STATUS_VALIDITY_MS).toISOString() };
}

/** OCPP 2.1 part 2 (M, ISO 15118 certificate management) GetCertificateChainStatus: the station asks the CSMS for the revocation status of up to 4 certificates of a chain; one status per request, in order. */
async function getCertificateChainStatus(p: { certificateStatusRequests: StatusRequest[] }, ctx: CallContext) {
  const ca = caCertificate();
  const certificateStatus_ = p.certificateStatusRequests.map((r) => certificateStatus(r, ca, ctx.receivedAt));
  await putEvent(ctx.chargePointId, 'certificate-chain-status', ctx.receivedAt.toISOString(), { action: ctx.action, payload: p, statuses: certificateStatus_.map((s) => s.status) }, contentId(ctx.action, p));
  return { certificateStatus: certificateStatus_ };
}

export const GetCertificateChainStatus: ActionHandlers = { '2.1': getCertificateChainStatus };
