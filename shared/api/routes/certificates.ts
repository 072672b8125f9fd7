import { issuedCertificates } from '../../certificates/sign-certificate';
import { createHash } from 'node:crypto';
import { caCertificate } from '../../security/ca';
import { installedView } from '../../certificates/installed';
import { getChargePoint } from '../../store/charge-points';
import { ApiError, CHARGE_POINT_ID, notFound, object, ok, type Route } from '../http';

/**
 * The CSMS's charging-station certificate authority (docs/security.md "The CSMS CA").
 * `GET /api/certificates/ca`: its certificate as PEM (for trust stores and for provisioning a
 * station's CSMS root certificate), or `?format=json` with the certificate's details.
 * `GET /api/charge-points/{id}/certificates`: what the station has installed, as the CSMS knows it
 * from the answers to GetInstalledCertificateIds / InstallCertificate / DeleteCertificate
 * (shared/certificates/installed.ts); `updatedAt` null when no such answer came yet.
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
  {
    method: 'GET',
    path: '/api/charge-points/{id}/certificates',
    schema: { path: object({ id: CHARGE_POINT_ID }), query: object({}) },
    handle: async ({ params }) => {
      const cp = await getChargePoint(params.id);
      if (!cp) throw notFound(`Charge point ${params.id} is not registered`);
      const installed = cp.installedCertificates;
      return ok({ chargePointId: cp.chargePointId, installed: (installed?.certificates ?? []).map(installedView), updatedAt: installed?.updatedAt ?? null, issued: await issuedCertificates(cp.chargePointId) });
    },
  },
];
