import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure, type ChargePoint } from '../store/charge-points';
import { tableName } from '../store/tables';
import { caCertificate, organization } from './ca';
import { dnSingle, parseDn, sameDn, type Dn } from './dn';

/**
 * Security profiles (2.0.1 A00; 1.6 security whitepaper), per charge point (`securityProfile`):
 * | profile | transport | station authenticated by |
 * |---|---|---|
 * | 0 | plain ws, local runtime only | nothing |
 * | 1 | ws or wss | Basic auth (password) |
 * | 2 | wss | Basic auth |
 * | 3 | wss | client certificate: CN = identity, O = CSMS_ORGANIZATION, issued by the CSMS CA |
 * Not set: the behaviour before profiles (Basic auth when a password is set).
 * A station that connects meeting a higher profile than its own is moved up to it (2.0.1 A05; the
 * 1.6 whitepaper's SecurityProfile key): from then on the lower one is refused. Only the operator
 * can move a station down (`PUT /api/charge-points/{id}`).
 *
 * The edge says how the station connected, in headers of ours: `x-csms-transport` (a CloudFront
 * origin custom header in the cloud, the local gateway locally) and `x-csms-client-cert-*` (the
 * viewer-request function copies the certificate CloudFront verified, after deleting any the
 * client sent). The authorizer trusts them only from the edge (origin secret checked).
 */
export type SecurityProfile = 0 | 1 | 2 | 3;
export const SECURITY_PROFILES: SecurityProfile[] = [0, 1, 2, 3];
export const TRANSPORT_HEADER = 'x-csms-transport';
export const CERT_HEADERS = {
  subject: 'x-csms-client-cert-subject',
  issuer: 'x-csms-client-cert-issuer',
  serial: 'x-csms-client-cert-serial',
  sha256: 'x-csms-client-cert-sha256',
} as const;

export interface ClientCertificate {
  subject?: string;
  issuer?: string;
  serial?: string;
  sha256?: string;
}

export function securityProfileOf(cp: ChargePoint | undefined): SecurityProfile | undefined {
  const p = (cp as (ChargePoint & { securityProfile?: number }) | undefined)?.securityProfile;
  return p === 0 || p === 1 || p === 2 || p === 3 ? p : undefined;
}

/** Why a client certificate does not authenticate `identity` for profile 3; undefined when it does. */
export function certificateProblem(identity: string, cert: ClientCertificate | undefined): string | undefined {
  if (!cert?.subject) return 'security profile 3 requires a client certificate issued by the CSMS CA';
  const subject = parseDn(cert.subject);
  const issuer = cert.issuer ? parseDn(cert.issuer) : undefined;
  if (!subject || !issuer) return 'the client certificate names cannot be read';
  const cn = dnSingle(subject, 'CN');
  if (cn !== identity) return `the client certificate is for CN=${cn ?? '(none)'}, not for this charge point`;
  if (dnSingle(subject, 'O') !== organization()) return `the client certificate's O must be ${organization()}`;
  const ca = caCertificate();
  if (!ca) return 'no CSMS CA is configured: security profile 3 cannot be used';
  if (!sameDn(issuer, caDn(ca.subjectName.toJSON()))) return 'the client certificate is not issued by the CSMS CA';
  return undefined;
}

const caDn = (json: Array<Record<string, string[]>>): Dn => json.flatMap((rdn) => Object.entries(rdn).flatMap(([t, vs]) => vs.map((v) => [t, v] as [string, string])));

/** The highest profile the connection met (given that its password, if any was needed, was right). */
export function metProfile(tls: boolean, certificateOk: boolean): SecurityProfile {
  return certificateOk && tls ? 3 : tls ? 2 : 1;
}

/** Moves a station up to `to` (never down): conditional on its stored profile being lower. */
export async function raiseSecurityProfile(chargePointId: string, to: SecurityProfile): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: tableName('chargePoints'),
      Key: { chargePointId },
      UpdateExpression: 'SET securityProfile = :to',
      ConditionExpression: 'securityProfile < :to',
      ExpressionAttributeValues: { ':to': to },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}
