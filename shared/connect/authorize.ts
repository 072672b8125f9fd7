import { config } from '../config';
import { isValidIdentity, parseBasicAuth } from '../auth/identity';
import { verifyPassword } from '../auth/password';
import { negotiateSubprotocol, type Protocol } from '../ocpp/protocol';
import { getChargePoint, registerIfAbsent, type RegistrationStatus } from '../store/charge-points';
import { timingSafeEqual } from 'node:crypto';

export interface ConnectRequest {
  chargePointId: string | undefined;
  authorization: string | undefined;
  subprotocols: string | undefined;
  originSecret: string | undefined;
}

export type AuthDecision =
  | { allow: true; context: { chargePointId: string; protocol: Protocol | ''; registrationStatus: RegistrationStatus } }
  | { allow: false; status: 401 | 403; reason: string };

/**
 * The `$connect` decision (OCPP 1.6 security whitepaper profile 1/2, 2.0.1 A00): the request must
 * come through CloudFront (secret origin header), name a valid identity that is registered (or be
 * auto-registered), and, when a password is set, present Basic auth with user = identity.
 * The negotiated subprotocol rides in the context; the connect Lambda refuses when there is none.
 */
export async function authorizeConnection(req: ConnectRequest): Promise<AuthDecision> {
  const secret = config.originSecret();
  // Fail closed: inside Lambda an empty secret is a broken deployment, never "no check" (only the
  // local runtime, which has no CloudFront in front, runs without one).
  if (!secret && process.env.AWS_LAMBDA_FUNCTION_NAME) return { allow: false, status: 403, reason: 'CSMS_ORIGIN_SECRET is empty in a Lambda: refusing every connection' };
  if (secret && !sameSecret(secret, req.originSecret ?? '')) return { allow: false, status: 403, reason: 'not through the CSMS endpoint' };
  const id = req.chargePointId;
  if (!isValidIdentity(id)) return { allow: false, status: 401, reason: 'invalid charge point identity' };
  let cp = await getChargePoint(id, true);
  if (!cp && config.autoRegister()) {
    await registerIfAbsent(id);
    cp = await getChargePoint(id, true);
  }
  if (!cp) return { allow: false, status: 401, reason: 'unknown charge point' };
  const credentials = parseBasicAuth(req.authorization);
  if (credentials && credentials.user !== id) return { allow: false, status: 401, reason: 'Basic auth user must equal the charge point identity' };
  if (cp.passwordHash && !(credentials && (await verifyPassword(credentials.password, cp.passwordHash)))) {
    return { allow: false, status: 401, reason: 'wrong or missing password' };
  }
  return { allow: true, context: { chargePointId: id, protocol: negotiateSubprotocol(req.subprotocols) ?? '', registrationStatus: cp.registrationStatus } };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
