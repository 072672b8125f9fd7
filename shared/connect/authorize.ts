import { config } from '../config';
import { isValidIdentity, parseBasicAuth } from '../auth/identity';
import { hashPassword, verifyPassword } from '../auth/password';
import { dynamoThrottleStore, throttledUntil, throttleKeys, type ThrottleStore } from '../auth/throttle';
import { negotiateSubprotocol, type Protocol } from '../ocpp/protocol';
import { getChargePoint, registerIfAbsent, type ChargePoint, type RegistrationStatus } from '../store/charge-points';
import { certificateProblem, metProfile, raiseSecurityProfile, securityProfileOf, type ClientCertificate } from '../security/profiles';
import { acceptedHashes, passwordRequired, settleConnectedPassword, type StoredPassword } from '../security/rotation';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConnectRequest {
  chargePointId: string | undefined;
  authorization: string | undefined;
  subprotocols: string | undefined;
  originSecret: string | undefined;
  /** The caller's address (API Gateway: requestContext.identity.sourceIp), for throttling. */
  sourceIp?: string;
  /** `tls` or `plain`, from the edge (x-csms-transport). */
  transport?: string;
  /** The client certificate the edge verified (x-csms-client-cert-*). */
  clientCertificate?: ClientCertificate;
}

export interface AuthDeps {
  verify: (password: string, stored: string) => Promise<boolean>;
  throttle: ThrottleStore;
  now: () => number;
}
const defaultDeps: AuthDeps = { verify: verifyPassword, throttle: dynamoThrottleStore, now: () => Date.now() };

/** A hash of a random password: what an unknown identity's credentials are checked against. */
let dummy: Promise<string> | undefined;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(16).toString('hex')));

export type AuthDecision =
  | { allow: true; context: { chargePointId: string; protocol: Protocol | ''; registrationStatus: RegistrationStatus } }
  | { allow: false; status: 401 | 403; reason: string };

/**
 * The `$connect` decision (OCPP 1.6 security whitepaper profile 1/2, 2.0.1 A00): the request must
 * come through CloudFront (secret origin header), name a valid identity that is registered (or be
 * auto-registered), and meet its security profile (shared/security/profiles.ts): without one set,
 * present Basic auth with user = identity when a password is set.
 * The negotiated subprotocol rides in the context; the connect Lambda refuses when there is none.
 */
export async function authorizeConnection(req: ConnectRequest, deps: AuthDeps = defaultDeps): Promise<AuthDecision> {
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
  const credentials = parseBasicAuth(req.authorization);
  if (credentials && credentials.user !== id) return { allow: false, status: 401, reason: 'Basic auth user must equal the charge point identity' };
  // A password rotation in progress accepts the new password and, until the station has used it,
  // the old one (shared/security/rotation.ts).
  const hashes = cp ? acceptedHashes(cp, deps.now()) : [];
  // Security profiles (shared/security/profiles.ts): the edge's headers say how the station connected.
  const profile = securityProfileOf(cp);
  const tls = req.transport === 'tls';
  if (cp && profile !== undefined) {
    if (profile === 0 && process.env.AWS_LAMBDA_FUNCTION_NAME) return { allow: false, status: 403, reason: 'security profile 0 (no authentication) is for the local runtime only' };
    if (profile >= 2 && !tls) return { allow: false, status: 403, reason: `security profile ${profile} requires TLS (wss://)` };
    if (profile === 3) {
      const problem = certificateProblem(id, req.clientCertificate);
      if (problem) return { allow: false, status: 401, reason: problem };
      return allowed(id, req, cp);
    }
    if (profile === 0) return allowed(id, req, cp);
    if (!hashes.length) return { allow: false, status: 401, reason: `security profile ${profile} requires a password, and none is set` };
  }
  if (!cp || profile === 1 || profile === 2 || passwordRequired(cp)) {
    if (!credentials) return { allow: false, status: 401, reason: cp ? 'missing password' : 'unknown charge point' };
    // Known or not, presented credentials cost one throttle read and one scrypt: the answer and
    // its timing do not tell whether the identity exists.
    const now = deps.now();
    const keys = throttleKeys(id, req.sourceIp ?? 'unknown');
    const records = await deps.throttle.read(keys);
    const until = throttledUntil(records, now);
    if (until > now) return { allow: false, status: 401, reason: `too many failed attempts from ${req.sourceIp}; refused for ${Math.ceil((until - now) / 1000)} s` };
    const matched = cp ? await firstMatch(credentials.password, hashes, deps.verify) : (await deps.verify(credentials.password, await dummyHash()), undefined);
    if (!cp || !matched) {
      await deps.throttle.recordFailure(keys, now);
      return { allow: false, status: 401, reason: cp ? 'wrong password' : 'unknown charge point' };
    }
    if (records.pair) await deps.throttle.clear(keys.pair);
    await settleConnectedPassword(id, matched, cp);
    // Moved up, never down (2.0.1 A05): a station that met a higher profile keeps it.
    if (profile === 1 || profile === 2) {
      const met = metProfile(tls, !!req.clientCertificate?.subject && !certificateProblem(id, req.clientCertificate));
      if (met > profile) await raiseSecurityProfile(id, met);
    }
  } else if (credentials && hashes.length) {
    // No password required yet (none was set before the rotation): the new one, presented, settles it.
    const matched = await firstMatch(credentials.password, hashes, deps.verify);
    if (matched) await settleConnectedPassword(id, matched, cp);
  }
  return allowed(id, req, cp);
}

const allowed = (id: string, req: ConnectRequest, cp: ChargePoint): AuthDecision =>
  ({ allow: true, context: { chargePointId: id, protocol: negotiateSubprotocol(req.subprotocols) ?? '', registrationStatus: cp.registrationStatus } });

/** Which stored password the presented one is (current, then candidate, then previous). */
async function firstMatch(password: string, hashes: Array<{ which: StoredPassword; hash: string }>, verify: AuthDeps['verify']): Promise<StoredPassword | undefined> {
  for (const h of hashes) if (await verify(password, h.hash)) return h.which;
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
