import { onTransactionStarted } from '../transactions/hooks';
import { consumeReservation } from './consume';

/**
 * A started transaction that names a reservation uses it (1.6 §5.13, 2.0.1 H03). Idempotent: the
 * transition to Used is conditional, so a second run changes nothing.
 */
onTransactionStarted({
  name: 'reservation',
  appliesTo: (tx) => tx.reservationId !== undefined && tx.reservationId !== null,
  run: (tx) => consumeReservation(tx),
});
