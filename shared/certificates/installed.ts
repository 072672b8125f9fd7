import { getChargePoint, writeInstalledCertificates, type InstalledCertificate } from '../store/charge-points';
import { hashKey, type CertificateHashData } from './hash-data';

/**
 * The CSMS's view of the certificates each station has installed (OCPP 2.0.1 M03–M05; 1.6 security
 * whitepaper "Certificate management"), kept from the answers to the operator's calls
 * (shared/certificates/effects.ts) on the ChargePoints item (`installedCertificates`):
 * - GetInstalledCertificateIds Accepted → the list of the requested certificate type(s) (all types
 *   when a 2.x request names none) becomes what the station reported; NotFound → it has none of
 *   them. Subject and notAfter we knew of a certificate are kept when it is reported again.
 * - InstallCertificate Accepted → the certificate is added (its hash data computed from the PEM we
 *   sent, shared/certificates/hash-data.ts), replacing an entry with the same hash data.
 * - DeleteCertificate Accepted, or NotFound (the station has no such certificate) → it is removed.
 * Any other answer changes nothing.
 */

export const mergeKey = (h: CertificateHashData | undefined) => (h ? hashKey(h) : undefined);

/** The list after a GetInstalledCertificateIds answer: `types` replaced by `reported` (undefined: everything). */
export function replaceTypes(list: InstalledCertificate[], types: string[] | undefined, reported: InstalledCertificate[]): InstalledCertificate[] {
  const replaced = types ? new Set([...types, ...reported.map((c) => c.certificateType)]) : undefined;
  const known = new Map(list.filter((c) => c.hashData).map((c) => [`${c.certificateType}|${mergeKey(c.hashData)}`, c]));
  const kept = replaced ? list.filter((c) => !replaced.has(c.certificateType)) : [];
  const fresh = reported.map((c) => {
    const before = known.get(`${c.certificateType}|${mergeKey(c.hashData)}`);
    return { ...c, ...(before?.subject ? { subject: before.subject } : {}), ...(before?.notAfter ? { notAfter: before.notAfter } : {}) };
  });
  return [...kept, ...fresh];
}

/** The list after InstallCertificate Accepted: one entry per hash data (or per subject and type when it is unknown). */
export function addCertificate(list: InstalledCertificate[], cert: InstalledCertificate): InstalledCertificate[] {
  const same = (c: InstalledCertificate) => cert.hashData
    ? mergeKey(c.hashData) === mergeKey(cert.hashData)
    : !c.hashData && c.certificateType === cert.certificateType && c.subject === cert.subject && c.notAfter === cert.notAfter;
  return [...list.filter((c) => !same(c)), cert];
}

/** The list after DeleteCertificate Accepted: without that certificate, also as a sub-CA of a chain. */
export function removeCertificate(list: InstalledCertificate[], hashData: CertificateHashData): InstalledCertificate[] {
  const key = hashKey(hashData);
  return list
    .filter((c) => mergeKey(c.hashData) !== key)
    .map((c) => (c.childHashData?.some((h) => hashKey(h) === key)
      ? { ...c, childHashData: c.childHashData.filter((h) => hashKey(h) !== key) }
      : c));
}

const WRITE_ATTEMPTS = 5;

/**
 * Applies `change` to the stored list: read, change, conditional write, again if another write came
 * in between. Nothing happens for a charge point that no longer exists.
 */
export async function updateInstalled(chargePointId: string, change: (list: InstalledCertificate[]) => InstalledCertificate[], now: Date): Promise<void> {
  for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
    const cp = await getChargePoint(chargePointId, true);
    if (!cp) return;
    const current = cp.installedCertificates;
    const written = await writeInstalledCertificates(chargePointId, current?.revision ?? 0, change(current?.certificates ?? []), now);
    if (written !== false) return;
  }
  throw new Error(`installed certificates of ${chargePointId}: ${WRITE_ATTEMPTS} conflicting writes in a row`);
}

/** What `GET /api/charge-points/{id}/certificates` shows of the installed ones. */
export function installedView(cert: InstalledCertificate) {
  return {
    certificateType: cert.certificateType,
    hashData: cert.hashData,
    ...(cert.childHashData?.length ? { childHashData: cert.childHashData } : {}),
    subject: cert.subject,
    notAfter: cert.notAfter,
    source: cert.source,
    recordedAt: cert.recordedAt,
  };
}
