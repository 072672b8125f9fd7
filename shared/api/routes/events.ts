import { getChargePoint } from '../../store/charge-points';
import { listEvents } from '../../store/events';
import { badRequest, decodeToken, encodeToken, limitParam, notFound, ok, type Route } from '../http';

/**
 * Events a charge point reported or caused, newest first: `security` (A04 / 1.6 security
 * extension), `monitoring` (2.0.1 N07/N08 NotifyEvent), `reset` (answers to Reset), `firmware-publish`
 * (2.0.1 L03 PublishFirmwareStatusNotification), `ev-charging-schedule` (2.0.1 K15/K17
 * NotifyEVChargingSchedule) and whatever
 * other modules record. `kind` filters (alias `type`); pages with `limit` and `nextToken`.
 */
export const eventRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/events',
    handle: async ({ params, query }) => {
      const unknown = Object.keys(query).filter((k) => !['kind', 'type', 'limit', 'nextToken'].includes(k));
      if (unknown.length) throw badRequest(`Unknown parameter(s): ${unknown.join(', ')}; use kind, limit, nextToken`);
      if (query.kind !== undefined && query.type !== undefined && query.kind !== query.type) throw badRequest('kind and type are the same filter: give one');
      const kind = query.kind ?? query.type;
      if (kind !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(kind)) throw badRequest('kind must be 1-40 letters, digits, - or _');
      const limit = limitParam(query, 50, 500);
      const startKey = decodeToken(query.nextToken);
      if (startKey && (startKey.chargePointId !== params.id || typeof startKey.eventKey !== 'string' || Object.keys(startKey).length !== 2)) throw badRequest('nextToken is invalid');
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      const page = await listEvents(params.id, { kind, limit, startKey });
      return ok({ items: page.items.map(({ eventKey, ...rest }) => ({ id: eventKey, ...rest })), nextToken: encodeToken(page.lastKey) });
    },
  },
];
