// OCPP 2.0.1 H04 Reservation Ended, not used — ReservationStatusUpdate
import { ReservationStatusUpdate } from '../../shared/reservations/status-update';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/ReservationStatusUpdate';

export const handler = routeHandler('ReservationStatusUpdate', ReservationStatusUpdate, validators);
