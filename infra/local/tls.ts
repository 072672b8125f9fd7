import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { caFiles, importPrivateKey, issueCertificate, loadOrCreateCaFiles } from '../../shared/security/ca';
import { formatDn, type Dn } from '../../shared/security/dn';
import { EC_P256, subtle, x509 } from '../../shared/security/x509';

/**
 * TLS for the local runtime (`npm start -- --tls`, docs/security.md): the CSMS CA in the data
 * directory (created on first start), a server certificate issued by it (or --tls-cert/--tls-key),
 * and what CloudFront does with viewer mTLS in "optional" mode — a client certificate is asked
 * for, a connection without one goes on (profiles 1 and 2), one that presents a certificate the
 * trust store (the CSMS CA) does not verify is refused, and a verified one reaches the
 * viewer-request function as CloudFront-Viewer-Cert-* headers.
 */
export interface LocalTlsFiles {
  caCert: string;
  caKey: string;
  /** PEM of the server certificate and key. */
  cert: string;
  key: string;
  /** PEM of the CA certificate (the trust store). */
  ca: string;
}

/** The CA in `<dir>` and a server certificate for `hosts` (created once, reissued when it names other hosts or expires). */
export async function localTlsFiles(dir: string, opts: { certFile?: string; keyFile?: string; hosts?: string[] } = {}): Promise<LocalTlsFiles> {
  const caPaths = await loadOrCreateCaFiles(dir);
  const ca = readFileSync(caPaths.cert, 'utf8');
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error('--tls-cert and --tls-key go together');
    return { caCert: caPaths.cert, caKey: caPaths.key, cert: readFileSync(opts.certFile, 'utf8'), key: readFileSync(opts.keyFile, 'utf8'), ca };
  }
  const hosts = [...new Set(['localhost', '127.0.0.1', '::1', ...(opts.hosts ?? [])].filter((h) => h !== '0.0.0.0' && h !== '::'))];
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server.key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const current = new x509.X509Certificate(readFileSync(certPath, 'utf8'));
    const names = (current.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON() ?? []).map((n) => n.value);
    if (current.notAfter.getTime() > Date.now() + 86_400_000 && hosts.every((h) => names.includes(h))) {
      return { caCert: caPaths.cert, caKey: caPaths.key, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), ca };
    }
  }
  const authority = { certificate: new x509.X509Certificate(ca), signingKey: await importPrivateKey(readFileSync(caPaths.key, 'utf8')) };
  const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const server = await issueCertificate(authority, {
    subject: [['CN', 'localhost'], ['O', authority.certificate.subjectName.getField('O')[0] ?? 'OCPP CSMS']],
    publicKey: keys.publicKey,
    usage: 'server',
    days: 825,
    altNames: hosts.map((h) => ({ type: /^[0-9.]+$|:/.test(h) ? 'ip' as const : 'dns' as const, value: h })),
  });
  const key = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  writeFileSync(keyPath, key, { mode: 0o600 });
  writeFileSync(certPath, server.toString('pem'));
  return { caCert: caPaths.cert, caKey: caPaths.key, cert: server.toString('pem'), key, ca };
}

export { caFiles };

/** RFC 2253 order: the last RDN of the certificate's sequence first. */
const rfc2253 = (name: x509.Name): string => formatDn(name.toJSON().flatMap((rdn) => Object.entries(rdn).flatMap(([t, vs]) => vs.map((v) => [t, v] as [string, string]))).reverse() as Dn);

/**
 * What CloudFront adds to a viewer request for the client certificate of `socket` (mTLS
 * "optional"): `headers` (CloudFront-Viewer-Cert-*), or `refuse` when the certificate presented is
 * not verified by the trust store. Plain connections: no headers.
 */
export function viewerCertificate(socket: unknown): { headers: Record<string, string> } | { refuse: string } {
  const tls = socket as TLSSocket;
  if (!tls.encrypted) return { headers: {} };
  const peer = tls.getPeerCertificate(false);
  if (!peer || !peer.raw) return { headers: { 'cloudfront-viewer-cert-present': '0' } };
  if (!tls.authorized) return { refuse: `client certificate not trusted (${String(tls.authorizationError)})` };
  const cert = new x509.X509Certificate(peer.raw);
  return {
    headers: {
      'cloudfront-viewer-cert-present': '1',
      'cloudfront-viewer-cert-subject': rfc2253(cert.subjectName),
      'cloudfront-viewer-cert-issuer': rfc2253(cert.issuerName),
      'cloudfront-viewer-cert-serial-number': (cert.serialNumber.match(/../g) ?? []).join(':'),
      'cloudfront-viewer-cert-sha256': createHash('sha256').update(peer.raw).digest('hex'),
    },
  };
}
