import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { getChargePoint, isConditionFailure, type ChargePoint } from '../store/charge-points';
import { tableName } from '../store/tables';

/**
 * Password rotation without lockout (2.0.1 A01; 1.6 security whitepaper AuthorizationKey), kept in
 * the charge point's item next to `passwordHash`:
 * - `passwordCandidate`: the new password's hash while the call that sets it is in flight (until
 *   `expiresAtMs`, the call's deadline). It already authenticates: only the station (and the
 *   operator) can know it, and a station that connects with it has proved it took it — even if its
 *   answer was lost (e.g. it disconnected before the answer was recorded).
 * - On Accepted (or RebootRequired) the candidate becomes `passwordHash`, and the password before
 *   is kept as `passwordPrevious` (its hash, or none when no password was required) until the
 *   station connects with the new one; from then on only the new one authenticates.
 * - Rejected, a CALLERROR or no answer: the candidate is dropped (or expires), and the old password
 *   stays the only one.
 * Only hashes are stored (salted scrypt, shared/auth/password.ts).
 */
export interface PasswordState {
  passwordHash?: string;
  passwordCandidate?: { hash: string; expiresAtMs: number; offeredAt: string };
  passwordPrevious?: { hash?: string; since: string };
}
export type StoredPassword = 'current' | 'candidate' | 'previous';

const table = () => tableName('chargePoints');
const state = (cp: ChargePoint) => cp as ChargePoint & PasswordState;

/** The hashes a connecting station may present, in the order they are checked. */
export function acceptedHashes(cp: ChargePoint, now = Date.now()): Array<{ which: StoredPassword; hash: string }> {
  const s = state(cp);
  const out: Array<{ which: StoredPassword; hash: string }> = [];
  if (s.passwordHash) out.push({ which: 'current', hash: s.passwordHash });
  if (s.passwordCandidate && s.passwordCandidate.expiresAtMs > now) out.push({ which: 'candidate', hash: s.passwordCandidate.hash });
  if (s.passwordPrevious?.hash) out.push({ which: 'previous', hash: s.passwordPrevious.hash });
  return out;
}

/** Whether a connect must present a password: one is set, and no "no password before" window is open. */
export function passwordRequired(cp: ChargePoint): boolean {
  const s = state(cp);
  return !!s.passwordHash && !(s.passwordPrevious && !s.passwordPrevious.hash);
}

/** What the operator sees of a rotation: `Sent` (call in flight), `AwaitingReconnect` (both valid). */
export function rotationStatus(cp: ChargePoint, now = Date.now()): 'Sent' | 'AwaitingReconnect' | undefined {
  const s = state(cp);
  if (s.passwordCandidate && s.passwordCandidate.expiresAtMs > now) return 'Sent';
  if (s.passwordPrevious) return 'AwaitingReconnect';
  return undefined;
}

export class RotationInFlight extends Error {}

/** Records the candidate before the call is sent; one rotation at a time (RotationInFlight). */
export async function offerPassword(chargePointId: string, hash: string, expiresAtMs: number, now = new Date()): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET passwordCandidate = :c',
      ConditionExpression: 'attribute_exists(chargePointId) AND (attribute_not_exists(passwordCandidate) OR passwordCandidate.expiresAtMs < :now)',
      ExpressionAttributeValues: { ':c': { hash, expiresAtMs, offeredAt: now.toISOString() }, ':now': now.getTime() },
    }));
  } catch (e) {
    if (isConditionFailure(e)) throw new RotationInFlight(`A password change for ${chargePointId} is in flight; try again when it is answered`);
    throw e;
  }
}

/**
 * The station accepted: the candidate becomes the password, the one before stays valid until the
 * station connects with the new one. Idempotent: without a candidate (already applied, or the
 * station already connected with it) nothing changes.
 */
export async function acceptCandidate(chargePointId: string, now = new Date()): Promise<boolean> {
  const cp = await getChargePoint(chargePointId, true);
  const s = cp && state(cp);
  if (!s?.passwordCandidate) return false;
  const values: Record<string, unknown> = {
    ':h': s.passwordCandidate.hash,
    ':prev': { ...(s.passwordHash ? { hash: s.passwordHash } : {}), since: now.toISOString() },
  };
  if (s.passwordHash) values[':old'] = s.passwordHash;
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET passwordHash = :h, passwordPrevious = :prev REMOVE passwordCandidate',
      ConditionExpression: `passwordCandidate.#h = :h AND ${s.passwordHash ? 'passwordHash = :old' : 'attribute_not_exists(passwordHash)'}`,
      ExpressionAttributeNames: { '#h': 'hash' },
      ExpressionAttributeValues: values,
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Rejected / no answer: the candidate goes (only the one with this hash, when given). */
export async function dropCandidate(chargePointId: string, hash?: string): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'REMOVE passwordCandidate',
      ConditionExpression: hash ? 'passwordCandidate.#h = :h' : 'attribute_exists(passwordCandidate)',
      ...(hash ? { ExpressionAttributeNames: { '#h': 'hash' }, ExpressionAttributeValues: { ':h': hash } } : {}),
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * After a successful connect: a station that used the new password (current with a previous one
 * still open, or the candidate) closes the window; only the new password authenticates from now on.
 */
export async function settleConnectedPassword(chargePointId: string, which: StoredPassword, cp: ChargePoint): Promise<void> {
  const s = state(cp);
  try {
    if (which === 'current' && s.passwordPrevious && s.passwordHash) {
      await db().send(new UpdateCommand({
        TableName: table(), Key: { chargePointId },
        UpdateExpression: 'REMOVE passwordPrevious',
        ConditionExpression: 'passwordHash = :h',
        ExpressionAttributeValues: { ':h': s.passwordHash },
      }));
    } else if (which === 'candidate' && s.passwordCandidate) {
      await db().send(new UpdateCommand({
        TableName: table(), Key: { chargePointId },
        UpdateExpression: 'SET passwordHash = :h REMOVE passwordCandidate, passwordPrevious',
        ConditionExpression: 'passwordCandidate.#h = :h',
        ExpressionAttributeNames: { '#h': 'hash' },
        ExpressionAttributeValues: { ':h': s.passwordCandidate.hash },
      }));
    }
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}
