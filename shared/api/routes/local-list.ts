import { getChargePoint } from '../../store/charge-points';
import { localListView, syncLocalList } from '../../local-list/sync';
import { badRequest, CHARGE_POINT_ID, NO_QUERY, notFound, object, ok, requireObject, type Route } from '../http';

const ID = object({ id: CHARGE_POINT_ID });

/** Local Authorization List (1.6 §5.10, §5.15; 2.0.1 D01/D02): see shared/local-list/sync.ts for how a sync proceeds. */
export const localListRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/local-list',
    schema: { path: ID, query: NO_QUERY },
    handle: async ({ params }) => {
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      return ok(await localListView(params.id));
    },
  },
  {
    method: 'POST',
    path: '/api/charge-points/{id}/local-list/sync',
    schema: { path: ID, query: NO_QUERY, body: object({ updateType: { type: 'string', description: 'updateType may only be "Full" (to force a full update); the CSMS chooses Differential when it can' } }, [], { description: 'Body must be a JSON object' }) },
    handle: async ({ params, body }) => {
      const b = requireObject(body);
      const unknown = Object.keys(b).filter((k) => k !== 'updateType');
      if (unknown.length) throw badRequest(`Unknown field(s): ${unknown.join(', ')}`);
      if (b.updateType !== undefined && b.updateType !== 'Full') throw badRequest('updateType may only be "Full" (to force a full update); the CSMS chooses Differential when it can');
      const outcome = await syncLocalList(params.id, { updateType: b.updateType as 'Full' | undefined });
      if ('refused' in outcome) return { status: outcome.refused.status, body: outcome.refused.body };
      return ok(outcome.ok, outcome.ok.status === 'Partial' ? 202 : 200);
    },
  },
];
