import { GuardRejection, registerGuard } from '../calls/guards';
import { getChargePoint } from '../store/charge-points';

/**
 * OCPP 1.6 §4.2: "While in pending state, the following Central System initiated messages are not
 * allowed: RemoteStartTransaction.req and RemoteStopTransaction.req". We apply the same rule to their
 * 2.0.1 counterparts RequestStartTransaction / RequestStopTransaction (a Pending station is being
 * provisioned, B02). The operator gets 409 Pending; other actions (GetConfiguration,
 * ChangeConfiguration, TriggerMessage…) stay allowed while Pending.
 */
const REMOTE_TRANSACTION_ACTIONS = ['RemoteStartTransaction', 'RemoteStopTransaction', 'RequestStartTransaction', 'RequestStopTransaction'];

for (const action of REMOTE_TRANSACTION_ACTIONS) {
  registerGuard(action, async (chargePointId) => {
    const cp = await getChargePoint(chargePointId, true);
    if (cp?.registrationStatus === 'Pending') {
      throw new GuardRejection(`${action} is not allowed while charge point ${chargePointId} is Pending (OCPP 1.6 §4.2); accept it first`, 'Pending', 409);
    }
  });
}
