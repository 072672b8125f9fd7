import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Dn } from './dn';
import { EC_P256, ECDSA_SHA256, subtle, x509, type Crypto, type CryptoKey, type CryptoKeyPair } from './x509';

/**
 * The CSMS's charging-station certificate authority (docs/security.md "The CSMS CA"). Certificates
 * follow the OCPP security profile (2.0.1 part 2 appendix; 1.6 security whitepaper): ECDSA P-256
 * with SHA-256, the CA a root with keyCertSign/cRLSign and pathLen 0, leaf certificates
 * digitalSignature with clientAuth (charging stations: CN = identity, O = organization) or serverAuth
 * (the CSMS's TLS server, with subject alternative names).
 *
 * Signing goes through a WebCrypto `CryptoKey` and the `Crypto` that owns it: a local key locally,
 * a KMS-backed provider in the cloud (shared/security/kms.ts), so building certificates is one code path.
 */
export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  signingKey: CryptoKey;
  /** The provider that signs with `signingKey` (default: node's WebCrypto). */
  crypto?: Crypto;
}

export const organization = () => process.env.CSMS_ORGANIZATION || 'OCPP CSMS';
export const stationCertificateDays = () => Number(process.env.CSMS_STATION_CERT_DAYS) > 0 ? Number(process.env.CSMS_STATION_CERT_DAYS) : 365;

const DAY = 86_400_000;
const serial = () => {
  const b = randomBytes(16);
  b[0] &= 0x7f; // positive
  return b.toString('hex');
};
export const nameOf = (dn: Dn) => new x509.Name(dn.map(([t, v]) => ({ [t]: [v] })));

/** A new self-signed CA (10 years) and its private key in PKCS#8 PEM. */
export async function createCa(org = organization(), now = new Date()): Promise<{ ca: CertificateAuthority; keyPem: string }> {
  const keys = (await subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: nameOf([['CN', `${org} Charging Station CA`], ['O', org]]),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    keys,
    signingAlgorithm: ECDSA_SHA256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return { ca: { certificate, signingKey: keys.privateKey }, keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

export async function importPrivateKey(pem: string): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(pem), EC_P256, false, ['sign']);
}

export interface IssueRequest {
  subject: Dn;
  publicKey: x509.PublicKey | CryptoKey;
  usage: 'client' | 'server';
  days?: number;
  /** Server certificates: DNS names and IP addresses. */
  altNames?: Array<{ type: 'dns' | 'ip'; value: string }>;
  notBefore?: Date;
}

/** Issues a leaf certificate signed by the CA. */
export async function issueCertificate(ca: CertificateAuthority, req: IssueRequest): Promise<x509.X509Certificate> {
  const notBefore = req.notBefore ?? new Date(Date.now() - 60_000);
  const publicKey = req.publicKey instanceof x509.PublicKey ? await req.publicKey.export() : req.publicKey;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (req.usage === 'client' ? x509.KeyUsageFlags.keyAgreement : 0), true),
    new x509.ExtendedKeyUsageExtension([req.usage === 'client' ? x509.ExtendedKeyUsage.clientAuth : x509.ExtendedKeyUsage.serverAuth]),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(ca.certificate),
  ];
  if (req.altNames?.length) extensions.push(new x509.SubjectAlternativeNameExtension(req.altNames));
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: nameOf(req.subject),
    issuer: ca.certificate.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + (req.days ?? stationCertificateDays()) * DAY),
    publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ECDSA_SHA256,
    extensions,
  }, ca.crypto);
}

/** Files of a CA kept in a directory (the local runtime's data directory). */
export const caFiles = (dir: string) => ({ cert: join(dir, 'csms-ca.pem'), key: join(dir, 'csms-ca.key.pem') });

/** The CA in `dir`, created there on first use (key file mode 0600). */
export async function loadOrCreateCaFiles(dir: string, org = organization()): Promise<{ cert: string; key: string; created: boolean }> {
  const files = caFiles(dir);
  if (existsSync(files.cert) && existsSync(files.key)) return { ...files, created: false };
  mkdirSync(dir, { recursive: true });
  const { ca, keyPem } = await createCa(org);
  writeFileSync(files.key, keyPem, { mode: 0o600 });
  writeFileSync(files.cert, ca.certificate.toString('pem'));
  return { ...files, created: true };
}

/** The CA certificate the handlers trust: CSMS_CA_CERT_PEM (cloud) or CSMS_CA_CERT_FILE (local). */
export function caCertificatePem(): string | undefined {
  if (process.env.CSMS_CA_CERT_PEM) return process.env.CSMS_CA_CERT_PEM;
  if (process.env.CSMS_CA_CERT_FILE) return readFileSync(process.env.CSMS_CA_CERT_FILE, 'utf8');
  return undefined;
}

let cachedCert: { pem: string; cert: x509.X509Certificate } | undefined;
export function caCertificate(): x509.X509Certificate | undefined {
  const pem = caCertificatePem();
  if (!pem) return undefined;
  if (cachedCert?.pem !== pem) cachedCert = { pem, cert: new x509.X509Certificate(pem) };
  return cachedCert.cert;
}

let cachedCa: { key: string; ca: Promise<CertificateAuthority> } | undefined;
/**
 * The signing CA of this deployment: locally the key file (CSMS_CA_KEY_FILE), in the cloud a KMS
 * key (CSMS_CA_KMS_KEY_ID, shared/security/kms.ts). Undefined when none is configured.
 */
export async function signingCa(): Promise<CertificateAuthority | undefined> {
  const certificate = caCertificate();
  if (!certificate) return undefined;
  const keyFile = process.env.CSMS_CA_KEY_FILE;
  const kmsKey = process.env.CSMS_CA_KMS_KEY_ID;
  const cacheKey = `${certificate.serialNumber}|${keyFile ?? ''}|${kmsKey ?? ''}`;
  if (cachedCa?.key !== cacheKey) {
    let ca: Promise<CertificateAuthority> | undefined;
    if (kmsKey) ca = import('./kms').then((m) => m.kmsCertificateAuthority(certificate, kmsKey));
    else if (keyFile) ca = importPrivateKey(readFileSync(keyFile, 'utf8')).then((signingKey) => ({ certificate, signingKey }));
    if (!ca) return undefined;
    cachedCa = { key: cacheKey, ca };
  }
  return cachedCa.ca;
}
