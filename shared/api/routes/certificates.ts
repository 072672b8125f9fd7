import { createHash } from 'node:crypto';
import { caCertificate } from '../../security/ca';
import { ApiError, object, ok, type Route } from '../http';

/**
 * The CSMS's charging-station certificate authority (docs/security.md "The CSMS CA").
 * `GET /api/certificates/ca`: its certificate as PEM (for trust stores and for provisioning a
 * station's CSMS root certificate), or `?format=json` with the certificate's details.
 */
export const certificateRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/certificates/ca',
    schema: { query: object({ format: { type: 'string', enum: ['pem', 'json'], description: 'format must be pem or json' } }) },
    handle: async ({ query }) => {
      const ca = caCertificate();
      if (!ca) throw new ApiError(404, 'NoCertificateAuthority', 'This deployment has no CSMS certificate authority configured (CSMS_CA_CERT_PEM or CSMS_CA_CERT_FILE)');
      const pem = ca.toString('pem');
      if (query.format !== 'json') return { status: 200, body: `${pem.trimEnd()}\n`, contentType: 'application/x-pem-file' };
      return ok({
        pem,
        subject: ca.subject,
        issuer: ca.issuer,
        serialNumber: ca.serialNumber,
        notBefore: ca.notBefore.toISOString(),
        notAfter: ca.notAfter.toISOString(),
        sha256: createHash('sha256').update(Buffer.from(ca.rawData)).digest('hex'),
      });
    },
  },
];
