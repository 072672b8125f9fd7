import { GuardRejection, registerGuard } from '../calls/guards';
import { getChargePoint } from '../store/charge-points';
import { adaptRequestTo20, ADAPTED, NotExpressibleIn20 } from './adapter-2.0';

/**
 * A 2.0.1 call that an OCPP 2.0 station could not understand (docs/ocpp-2.0-differences.md,
 * "refused") is answered 400 NotExpressibleIn20 before anything is claimed or sent — sendCall
 * translates only after claiming the charge point's call slot. Only actions whose translation
 * can refuse are guarded, and only they pay the extra read of the charge point's protocol.
 */
for (const action of ADAPTED.requestsTo20) {
  registerGuard(action, async (chargePointId, payload, version) => {
    if (version !== '2.0.1') return;
    const cp = await getChargePoint(chargePointId, true);
    if (cp?.protocol !== 'ocpp2.0') return;
    try {
      adaptRequestTo20(action, payload);
    } catch (e) {
      if (e instanceof NotExpressibleIn20) throw new GuardRejection(e.message, 'NotExpressibleIn20', 400);
      throw e;
    }
  });
}
