import type { CertificateAuthority } from './ca';
import type { x509 } from './x509';

/** KMS signing of the CA (not yet available: see docs/security.md). */
export async function kmsCertificateAuthority(_certificate: x509.X509Certificate, _keyId: string): Promise<CertificateAuthority> {
  throw new Error('KMS signing is not configured in this build');
}
