import { registerEffect } from '../calls/effects';
import { registerGuard } from '../calls/guards';
import { guardConnectorZero, reservationAccepted, reservationCancelled } from './service';

/**
 * What the charge point's answers change (1.6 §5.13 ReserveNow, §5.1 CancelReservation; 2.0.1
 * H01/H02), whichever way the call was made (POST /api/reservations or the generic calls API).
 */
registerEffect('ReserveNow', async (req, res: { status: string }, ctx) => {
  if (res.status === 'Accepted') await reservationAccepted(req, ctx);
});

registerEffect('CancelReservation', async (req: { reservationId: number }, res: { status: string }, ctx) => {
  if (res.status === 'Accepted') await reservationCancelled(req.reservationId, ctx);
});

registerGuard('ReserveNow', guardConnectorZero);
