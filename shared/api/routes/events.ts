import { getChargePoint } from '../../store/charge-points';
import { listEvents } from '../../store/events';
import { badRequest, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, notFound, object, ok, PAGE_QUERY, type Route } from '../http';

const KIND = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'kind must be 1-40 letters, digits, - or _' };

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
    schema: { path: object({ id: CHARGE_POINT_ID }), query: object({ kind: KIND, type: KIND, ...PAGE_QUERY }) },
    handle: async ({ params, query }) => {
      if (query.kind !== undefined && query.type !== undefined && query.kind !== query.type) throw badRequest('kind and type are the same filter: give one');
      const kind = query.kind ?? query.type;
      const limit = limitParam(query, 50, 500);
      const startKey = decodeToken(query.nextToken, ['chargePointId', 'eventKey'], { chargePointId: params.id });
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      const page = await listEvents(params.id, { kind, limit, startKey });
      return ok({ items: page.items.map(({ eventKey, ...rest }) => ({ id: eventKey, ...rest })), nextToken: encodeToken(page.lastKey) });
    },
  },
];
