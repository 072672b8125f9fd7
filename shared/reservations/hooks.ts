import { onTransactionStarted } from '../transactions/hooks';
import { consumeReservation } from './consume';

/** A started transaction that names a reservation uses it (1.6 §5.13, 2.0.1 H03). */
onTransactionStarted(async (tx) => {
  await consumeReservation(tx);
});
