import { config } from '../config';
import { isValidIdentity, parseBasicAuth } from '../auth/identity';
import { hashPassword, verifyPassword } from '../auth/password';
import { dynamoThrottleStore, throttledUntil, throttleKeys, type ThrottleStore } from '../auth/throttle';
import { negotiateSubprotocol, type Protocol } from '../ocpp/protocol';
import { getChargePoint, registerIfAbsent, type RegistrationStatus } from '../store/charge-points';
import { acceptedHashes, passwordRequired, settleConnectedPassword, type StoredPassword } from '../security/rotation';
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConnectRequest {
  chargePointId: string | undefined;
  authorization: string | undefined;
  subprotocols: string | undefined;
  originSecret: string | undefined;
  /** The caller's address (API Gateway: requestContext.identity.sourceIp), for throttling. */
  sourceIp?: string;
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
 * auto-registered), and, when a password is set, present Basic auth with user = identity.
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
  if (!cp || passwordRequired(cp)) {
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
  } else if (credentials && hashes.length) {
    // No password required yet (none was set before the rotation): the new one, presented, settles it.
    const matched = await firstMatch(credentials.password, hashes, deps.verify);
    if (matched) await settleConnectedPassword(id, matched, cp);
  }
  return { allow: true, context: { chargePointId: id, protocol: negotiateSubprotocol(req.subprotocols) ?? '', registrationStatus: cp.registrationStatus } };
}

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
