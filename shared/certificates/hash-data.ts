import { createHash } from 'node:crypto';
import { x509 } from '../security/x509';

/**
 * CertificateHashDataType (OCPP 2.0.1 part 2 / M03–M05; 1.6 security whitepaper): how a station and
 * the CSMS name an installed certificate — as in an OCSP CertID (RFC 6960 §4.1.1): the hash of the
 * DER-encoded issuer name of the certificate, the hash of the issuer's public key (the value of the
 * subjectPublicKey BIT STRING, without tag, length and unused-bits octet) and the serial number
 * ("the hexadecimal value … without the prefix 0x and without leading zeroes").
 */
export type HashAlgorithm = 'SHA256' | 'SHA384' | 'SHA512';
export interface CertificateHashData {
  hashAlgorithm: HashAlgorithm;
  issuerNameHash: string;
  issuerKeyHash: string;
  serialNumber: string;
}

const NODE_HASH: Record<HashAlgorithm, string> = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** One DER TLV: its tag, the whole encoding and the content. */
interface Tlv { tag: number; all: Buffer; content: Buffer }

function readTlv(buf: Buffer, at: number): Tlv & { end: number } {
  const tag = buf[at];
  let len = buf[at + 1];
  let head = 2;
  if (len === undefined || tag === undefined) throw new Error('truncated DER');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i];
    head += n;
  }
  const end = at + head + len;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, all: buf.subarray(at, end), content: buf.subarray(at + head, end), end };
}

function children(seq: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < seq.length;) {
    const t = readTlv(seq, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** The parts of a DER certificate the hash data is made of, taken as encoded (never re-encoded). */
export function certificateParts(der: Buffer): { serial: Buffer; issuer: Buffer; subject: Buffer; publicKeyBits: Buffer } {
  const tbs = children(readTlv(der, 0).content)[0];
  const fields = children(tbs.content);
  const f = fields[0].tag === 0xa0 ? fields.slice(1) : fields; // [0] version is optional
  const [serial, , issuer, , subject, spki] = f;
  const bitString = children(spki.content)[1];
  if (serial.tag !== 0x02 || issuer.tag !== 0x30 || subject.tag !== 0x30 || bitString?.tag !== 0x03) throw new Error('not an X.509 certificate');
  return { serial: serial.content, issuer: issuer.all, subject: subject.all, publicKeyBits: bitString.content.subarray(1) };
}

/** Lower-case hex without leading zeroes ("0" for zero). */
export const serialHex = (bytes: Buffer) => bytes.toString('hex').replace(/^0+/, '') || '0';

/** How two hash data are compared: same algorithm, hex case-insensitive, serial without leading zeroes. */
export function hashKey(h: CertificateHashData): string {
  return [h.hashAlgorithm, h.issuerNameHash.toLowerCase(), h.issuerKeyHash.toLowerCase(), h.serialNumber.toLowerCase().replace(/^0+/, '') || '0'].join('|');
}

/** What the CSMS can tell of a certificate it sends in InstallCertificate. */
export interface CertificateFacts {
  /** Absent when the issuer's key is unknown (not self-signed, issuer neither in the PEM nor the CSMS CA). */
  hashData?: CertificateHashData;
  subject: string;
  notAfter: string;
}

/**
 * The facts of the first certificate of `pem`. Its issuer's key comes from the certificate itself
 * when self-issued (root certificates, the usual case of InstallCertificate), else from a further
 * certificate of the same PEM or from `knownIssuers` (the CSMS CA) whose subject is its issuer
 * and whose key verifies its signature. Undefined when `pem` holds no readable certificate.
 */
export async function certificateFacts(pem: string, knownIssuers: x509.X509Certificate[] = [], algorithm: HashAlgorithm = 'SHA256'): Promise<CertificateFacts | undefined> {
  let chain: x509.X509Certificate[];
  try {
    chain = x509.PemConverter.decode(pem).map((der) => new x509.X509Certificate(der));
  } catch {
    return undefined;
  }
  const cert = chain[0];
  if (!cert) return undefined;
  let parts: ReturnType<typeof certificateParts>;
  try {
    parts = certificateParts(Buffer.from(cert.rawData));
  } catch {
    return undefined;
  }
  const facts: CertificateFacts = { subject: cert.subject, notAfter: cert.notAfter.toISOString() };
  let issuerKey: Buffer | undefined;
  if (parts.issuer.equals(parts.subject)) issuerKey = parts.publicKeyBits;
  else {
    for (const candidate of [...chain.slice(1), ...knownIssuers]) {
      const c = certificateParts(Buffer.from(candidate.rawData));
      if (c.subject.equals(parts.issuer) && await verifies(cert, candidate)) {
        issuerKey = c.publicKeyBits;
        break;
      }
    }
  }
  if (!issuerKey) return facts;
  const hash = (b: Buffer) => createHash(NODE_HASH[algorithm]).update(b).digest('hex');
  facts.hashData = { hashAlgorithm: algorithm, issuerNameHash: hash(parts.issuer), issuerKeyHash: hash(issuerKey), serialNumber: serialHex(parts.serial) };
  return facts;
}

async function verifies(cert: x509.X509Certificate, issuer: x509.X509Certificate): Promise<boolean> {
  try {
    return await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}
