import type { ActionHandlers, CallContext } from '../ocpp/context';
import { transitionReservation } from './store';

/**
 * OCPP 2.0.1 H04 Reservation Ended, not used — ReservationStatusUpdate: the station tells the CSMS
 * that a reservation ended without a transaction. Expired → Expired (the expiry workflow may have
 * marked it already: then nothing changes); Removed (the station dropped it, e.g. its EVSE became
 * Unavailable or Faulted) → Cancelled. Only an Active reservation changes; the station's word is
 * kept as `stationStatus`. Always answered: an unknown reservationId changes nothing.
 */
export async function reservationStatusUpdate(chargePointId: string, reservationId: number, status: 'Expired' | 'Removed', at = new Date()): Promise<boolean> {
  const when = at.toISOString();
  return status === 'Expired'
    ? transitionReservation(chargePointId, reservationId, ['Active'], 'Expired', { expiredAt: when, stationStatus: status })
    : transitionReservation(chargePointId, reservationId, ['Active'], 'Cancelled', { cancelledAt: when, stationStatus: status });
}

/** OCPP 2.0.1 H04 ReservationStatusUpdate: the wire payload onto the service above. */
export const reservationStatusUpdate201 = async (p: { reservationId: number; reservationUpdateStatus: 'Expired' | 'Removed' }, ctx: CallContext) => {
  await reservationStatusUpdate(ctx.chargePointId, p.reservationId, p.reservationUpdateStatus, ctx.receivedAt);
  return {};
};

export const ReservationStatusUpdate: ActionHandlers = { '2.0.1': reservationStatusUpdate201 };
