// OCPP 1.6 §5.13 Reserve Now — reservation-expiry workflow task: marks the reservation Expired at its expiryDate.
import { checkReservationExpiry } from '../../shared/reservations/service';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof checkReservationExpiry>[0]) => checkReservationExpiry(event));
