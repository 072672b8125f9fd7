import { getChargePoint } from '../../store/charge-points';
import { listStreams, readStreamData } from '../../periodic-streams/store';
import { CHARGE_POINT_ID, limitParam, notFound, object, ok, type Route } from '../http';

const STREAM_ID = { type: 'string', pattern: '^[0-9]{1,10}$', description: 'streamId must be a non-negative integer' };

/**
 * OCPP 2.1 periodic event streams of a charge point (shared/periodic-streams): the streams it
 * opened (with params, closedAt once closed) and each stream's data, one entry per
 * NotifyPeriodicEventStream in basetime order (`t` of each value is seconds after `basetime`).
 */
export const periodicStreamRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/periodic-event-streams',
    schema: { path: object({ id: CHARGE_POINT_ID }), query: object({}) },
    handle: async ({ params }) => {
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      const items = (await listStreams(params.id)).map(({ streamId, variableMonitoringId, params: p, openedAt, closedAt }) => ({ id: streamId, variableMonitoringId, params: p, openedAt, closedAt, open: !closedAt }));
      return ok({ items });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/periodic-event-streams/{streamId}/data',
    schema: { path: object({ id: CHARGE_POINT_ID, streamId: STREAM_ID }), query: object({ limit: { type: 'string', pattern: '^[0-9]{1,4}$', description: 'limit must be an integer from 1 to 5000' } }) },
    handle: async ({ params, query }) => {
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      const items = (await readStreamData(params.id, Number(params.streamId), limitParam(query, 1000, 5000))).map(({ basetime, pending, data, messageId, receivedAt }) => ({ basetime, pending, data, messageId, receivedAt }));
      return ok({ items });
    },
  },
];
