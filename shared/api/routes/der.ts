import { getChargePoint } from '../../store/charge-points';
import { readDer } from '../../der/state';
import { CHARGE_POINT_ID, notFound, object, ok, type Route } from '../http';

/**
 * OCPP 2.1 DER control state of a charge point (shared/der/state.ts): the controls it holds (sent
 * with an Accepted SetDERControl or reported by ReportDERControl, cleared ones gone) and its DER
 * alarms (the last of each control type and grid fault, `active` until ended).
 */
export const derRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/der',
    schema: { path: object({ id: CHARGE_POINT_ID }), query: object({}) },
    handle: async ({ params }) => {
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      return ok(await readDer(params.id));
    },
  },
];
