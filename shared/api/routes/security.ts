import { verifyPassword } from '../../auth/password';
import { runCommand } from '../../calls/command';
import { versionOf } from '../../ocpp/protocol';
import { generatePassword, passwordAccepted, passwordCall } from '../../security/passwords';
import { dropCandidate, type PasswordState } from '../../security/rotation';
import { getChargePoint, type ChargePoint } from '../../store/charge-points';
import { ApiError, CHARGE_POINT_ID, NO_QUERY, notFound, object, ok, type Route } from '../http';
import { timeoutParam, TIMEOUT_MS } from './calls';

const ID = object({ id: CHARGE_POINT_ID });
const KEPT = 'the old password stays the only valid one';

/**
 * Security operations on a charge point (docs/security.md).
 * `POST /api/charge-points/{id}/password`: rotates the Basic-auth password (2.0.1 A01, 1.6
 * security whitepaper AuthorizationKey) without locking the station out (shared/security/rotation.ts).
 */
export const securityRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/charge-points/{id}/password',
    schema: {
      path: ID,
      query: object({ timeoutMs: TIMEOUT_MS }),
      body: object({ password: { type: 'string', minLength: 1, maxLength: 40, description: 'password must be a string (16 to 40 characters; see docs/security.md), or left out to have one generated' } }, [], { description: 'Body must be a JSON object: {} or { "password" }' }),
    },
    handle: async ({ params, body, query }) => {
      const timeoutMs = timeoutParam(query.timeoutMs);
      const cp = await getChargePoint(params.id, true);
      if (!cp) throw notFound(`Charge point ${params.id} is not registered`);
      if (!cp.protocol || !cp.connectionId) throw new ApiError(409, 'NotConnected', `Charge point ${params.id} is not connected: the new password is sent to it; ${KEPT}`);
      const version = versionOf(cp.protocol);
      const given = (body as { password?: string }).password;
      const password = given ?? generatePassword(version);
      const call = passwordCall(version, password);
      // The guard checks the password for the version and stores its hash as the candidate (shared/security/effects.ts).
      const { status, body: out } = await runCommand(params.id, call.action, call.payload, { timeoutMs });
      const response = out.response as Record<string, unknown> | undefined;
      if (status === 200 && passwordAccepted(call.action, response)) {
        if (out.effects === 'failed' || out.effects === 'pending') {
          throw new ApiError(500, 'InternalError', `The charge point accepted the new password but storing it ${out.effects === 'failed' ? 'failed' : 'did not finish in time'}; the old one stays valid: retry the change`);
        }
        return ok({
          status: 'Accepted',
          action: call.action,
          ...(given === undefined ? { password } : {}),
          message: 'The charge point accepted the new password; the old one stays valid until it connects with the new one',
        });
      }
      // Not accepted: the candidate goes, unless the station already connected with it.
      const after = await dropUnlessUsed(params.id, password, cp.passwordHash);
      if (after === 'used') return ok({ status: 'Accepted', action: call.action, ...(given === undefined ? { password } : {}), message: 'The charge point connected with the new password' });
      if (status === 200) {
        throw new ApiError(409, 'PasswordRejected', `The charge point answered ${call.action} with ${describe(call.action, response)}: ${KEPT}`);
      }
      throw new ApiError(status, String(out.error ?? 'CallFailed'), `${String(out.message ?? out.description ?? out.code ?? 'The call failed')}; ${KEPT}`);
    },
  },
];

/** After a call that did not end Accepted: drop our candidate, or see that the station already uses it. */
async function dropUnlessUsed(chargePointId: string, password: string, hashBefore: string | undefined): Promise<'dropped' | 'used' | 'none'> {
  const cp = (await getChargePoint(chargePointId, true)) as (ChargePoint & PasswordState) | undefined;
  if (cp?.passwordCandidate && (await verifyPassword(password, cp.passwordCandidate.hash))) {
    return (await dropCandidate(chargePointId, cp.passwordCandidate.hash)) ? 'dropped' : dropUnlessUsed(chargePointId, password, hashBefore);
  }
  if (cp?.passwordHash && cp.passwordHash !== hashBefore && (await verifyPassword(password, cp.passwordHash))) return 'used';
  return 'none';
}

function describe(action: string, response: Record<string, unknown> | undefined): string {
  if (action === 'ChangeConfiguration') return String(response?.status);
  const r = (response?.setVariableResult as Array<{ attributeStatus?: string }> | undefined)?.[0];
  return String(r?.attributeStatus);
}
