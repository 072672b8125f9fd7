import { cancel, parseReserveInput, reservationView, reserve } from '../../reservations/service';
import { getReservation, listReservations, RESERVATION_STATUS_TOKEN, RESERVATION_STATUSES, RESERVATION_TOKEN, type ReservationStatus } from '../../reservations/store';
import { InvalidRequestError } from '../../workflows/validation';
import { ANY_OBJECT, ApiError, badRequest, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, requireObject, type Route } from '../http';
import { TIMEOUT_MS, timeoutParam } from './calls';

const RESERVATION = object({ id: CHARGE_POINT_ID, reservationId: { type: 'string', pattern: '^[0-9]{1,10}$', description: 'reservationId must be an integer' } });

/**
 * Reservations (1.6 §5.13 Reserve Now, §5.1 Cancel Reservation; 2.0.1 H01 Reservation, H02 Cancel
 * Reservation): docs/operator-api.md, docs/workflows.md. The body names a connectorId for a 1.6
 * charge point, an evseId (optional) and connectorType (optional) for a 2.0.x one.
 */
function reservationIdParam(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest('reservationId must be an integer');
  return n;
}

export const reservationRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/reservations',
    schema: { query: object({ chargePointId: CHARGE_POINT_ID, status: { type: 'string', enum: RESERVATION_STATUSES, description: `status must be one of ${RESERVATION_STATUSES.join(', ')}` }, ...PAGE_QUERY }) },
    handle: async ({ query }) => {
      const status = query.status as ReservationStatus | undefined;
      const chargePointId = query.chargePointId || undefined;
      const startKey = chargePointId
        ? decodeToken(query.nextToken, RESERVATION_TOKEN, { chargePointId })
        : status
          ? decodeToken(query.nextToken, RESERVATION_STATUS_TOKEN, status === 'Expired' ? {} : { status })
          : decodeToken(query.nextToken, RESERVATION_TOKEN);
      if (!chargePointId && status === 'Expired' && startKey && startKey.status !== 'Active' && startKey.status !== 'Expired') throw badRequest('nextToken is invalid');
      const now = new Date();
      const page = await listReservations({ chargePointId, status }, limitParam(query, 100), startKey, now);
      return ok({ items: page.items.map((r) => reservationView(r, now)), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'POST',
    path: '/api/reservations',
    schema: { query: object({ timeoutMs: TIMEOUT_MS }), body: ANY_OBJECT },
    handle: async ({ body, query }) => {
      const timeoutMs = timeoutParam(query.timeoutMs);
      let outcome;
      try {
        // Checked once as such, and again against the charge point's version before anything is sent.
        outcome = await reserve(parseReserveInput(requireObject(body)), timeoutMs);
      } catch (e) {
        if (e instanceof InvalidRequestError) throw badRequest(e.message);
        throw e;
      }
      if ('created' in outcome) return ok(outcome.created, 201);
      if ('rejected' in outcome) throw new ApiError(409, 'ReservationRejected', `The charge point answered ReserveNow with ${outcome.rejected}`);
      return { status: outcome.refused.status, body: outcome.refused.body };
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/reservations/{reservationId}',
    schema: { path: RESERVATION, query: NO_QUERY },
    handle: async ({ params }) => {
      const r = await getReservation(params.id, reservationIdParam(params.reservationId));
      if (!r) throw notFound(`No reservation ${params.reservationId} on ${params.id}`);
      return ok(reservationView(r));
    },
  },
  {
    method: 'DELETE',
    path: '/api/charge-points/{id}/reservations/{reservationId}',
    schema: { path: RESERVATION, query: NO_QUERY },
    handle: async ({ params }) => {
      const reservationId = reservationIdParam(params.reservationId);
      const before = await getReservation(params.id, reservationId);
      if (!before) throw notFound(`No reservation ${reservationId} on ${params.id}`);
      const { result, reservation } = await cancel(params.id, reservationId);
      if (result.status !== 200) return { status: result.status, body: result.body };
      const status = (result.body.response as { status: string }).status;
      if (status !== 'Accepted') throw new ApiError(409, 'CancelRejected', `The charge point answered CancelReservation with ${status}: it holds no reservation ${reservationId}`);
      return ok(reservationView(reservation!));
    },
  },
];
