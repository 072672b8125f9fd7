// OCPP 1.6 §5.13 Reserve Now — reservation-expiry workflow task: marks the reservation Expired at its expiryDate.
import { checkReservationExpiry } from '../../shared/reservations/service';

export const handler = (event: Parameters<typeof checkReservationExpiry>[0]) => checkReservationExpiry(event);
