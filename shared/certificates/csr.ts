import { parseDn } from '../security/dn';
import { x509 } from '../security/x509';

/**
 * The checks of a station's certificate signing request before the CSMS CA signs it (OCPP 2.0.1
 * A02.FR.03/A03 and part 2 appendix "Certificate properties"; 1.6 security whitepaper
 * "SignCertificate"): a PEM (or base64 DER) PKCS#10 request whose signature verifies with its own
 * key, a key of the allowed kinds (ECDSA secp256r1/secp384r1, RSA of at least 2048 bits), and a
 * subject whose CN is exactly the calling identity and whose O is the configured organization.
 * Not yet called by a SignCertificate handler (docs/security.md "Not done yet").
 */
export type CsrCheck =
  | { ok: true; request: x509.Pkcs10CertificateRequest; subject: string; keyKind: string }
  | { ok: false; reason: 'Unreadable' | 'BadSignature' | 'WeakKey' | 'WrongIdentity' | 'WrongOrganization'; message: string };

const ALLOWED_CURVES = new Set(['P-256', 'P-384']);
const MIN_RSA_BITS = 2048;

function parse(csr: string): x509.Pkcs10CertificateRequest | undefined {
  const text = csr.trim();
  try {
    if (text.includes('-----BEGIN')) return new x509.Pkcs10CertificateRequest(text);
    if (/^[A-Za-z0-9+/=\s]+$/.test(text)) return new x509.Pkcs10CertificateRequest(Buffer.from(text, 'base64'));
  } catch {
    return undefined;
  }
  return undefined;
}

/** The kind of key in the request, or undefined when it is not one the CA signs. */
function keyKind(request: x509.Pkcs10CertificateRequest): { kind: string; allowed: boolean } {
  const alg = request.publicKey.algorithm as { name?: string; namedCurve?: string; modulusLength?: number };
  if (alg.name === 'ECDSA' || alg.name === 'ECDH') return { kind: `EC ${alg.namedCurve ?? 'unknown curve'}`, allowed: ALLOWED_CURVES.has(String(alg.namedCurve)) };
  if (/^RSA/.test(String(alg.name))) return { kind: `RSA ${alg.modulusLength ?? '?'} bits`, allowed: Number(alg.modulusLength) >= MIN_RSA_BITS };
  return { kind: String(alg.name ?? 'unknown'), allowed: false };
}

export async function checkCsr(csr: string, chargePointId: string, organization: string): Promise<CsrCheck> {
  const request = parse(csr);
  if (!request) return { ok: false, reason: 'Unreadable', message: 'The CSR is not a PEM or base64 DER PKCS#10 certificate request' };
  let kind: { kind: string; allowed: boolean };
  try {
    kind = keyKind(request);
  } catch {
    return { ok: false, reason: 'WeakKey', message: 'The CSR holds a public key of an unknown kind' };
  }
  let signed = false;
  try {
    signed = kind.allowed && (await request.verify());
  } catch {
    signed = false;
  }
  if (!kind.allowed) return { ok: false, reason: 'WeakKey', message: `The CSR's key (${kind.kind}) is not allowed: use ECDSA P-256/P-384 or RSA of at least ${MIN_RSA_BITS} bits` };
  if (!signed) return { ok: false, reason: 'BadSignature', message: 'The CSR signature does not verify with its public key' };
  const dn = parseDn(request.subject);
  const cns = dn?.filter(([t]) => t === 'CN').map(([, v]) => v) ?? [];
  const os = dn?.filter(([t]) => t === 'O').map(([, v]) => v) ?? [];
  if (cns.length !== 1 || cns[0] !== chargePointId) return { ok: false, reason: 'WrongIdentity', message: `The CSR's subject CN must be the charge point's identity ${chargePointId} (got ${cns.length ? cns.join(', ') : 'none'})` };
  if (os.length !== 1 || os[0] !== organization) return { ok: false, reason: 'WrongOrganization', message: `The CSR's subject O must be ${organization} (got ${os.length ? os.join(', ') : 'none'})` };
  return { ok: true, request, subject: request.subject, keyKind: kind.kind };
}
