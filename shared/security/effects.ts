import { hashPassword } from '../auth/password';
import { registerEffect } from '../calls/effects';
import { GuardRejection, registerGuard } from '../calls/guards';
import { passwordAccepted, passwordIn, passwordProblem } from './passwords';
import { acceptCandidate, dropCandidate, offerPassword, RotationInFlight } from './rotation';

/**
 * Every call that sets a station's Basic-auth password — ChangeConfiguration AuthorizationKey
 * (1.6) or SetVariables SecurityCtrlr.BasicAuthPassword (2.x), whether sent by
 * `POST /api/charge-points/{id}/password` or through the generic calls API — goes through the
 * rotation of shared/security/rotation.ts, so no station is locked out:
 * - guard: the password must be valid for the version (400), one change at a time (409); the
 *   candidate's hash is stored before the call is sent;
 * - effect: Accepted/RebootRequired → the candidate becomes the password (the old one stays valid
 *   until the station connects with the new one); any other answer → the candidate is dropped.
 * The call's payload is kept redacted (shared/calls/outbound.ts), so the effect never sees the
 * password itself.
 */
for (const action of ['ChangeConfiguration', 'SetVariables']) {
  registerGuard(action, async (chargePointId, payload, version, ctx) => {
    const password = passwordIn(action, payload);
    if (password === undefined) return;
    const problem = passwordProblem(version, password);
    if (problem) throw new GuardRejection(problem);
    const deadline = Number.isFinite(ctx.deadline) ? ctx.deadline : Date.now() + 30_000;
    try {
      await offerPassword(chargePointId, await hashPassword(password), deadline);
    } catch (e) {
      if (e instanceof RotationInFlight) throw new GuardRejection(e.message, 'Busy', 409);
      throw e;
    }
  });

  registerEffect(action, async (req, res, ctx) => {
    if (passwordIn(action, req) === undefined) return;
    if (passwordAccepted(action, res)) await acceptCandidate(ctx.chargePointId, ctx.answeredAt);
    else await dropCandidate(ctx.chargePointId);
  }, `${action}#password`);
}
