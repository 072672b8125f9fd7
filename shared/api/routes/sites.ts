import { getChargePoint } from '../../store/charge-points';
import { refreshMembers } from '../../sites/hooks';
import { siteView } from '../../sites/service';
import { deleteSite, getSite, listSites, MemberConflict, putSite } from '../../sites/store';
import { ApiError, badRequest, CHARGE_POINT_ID, NO_QUERY, notFound, object, ok, type JsonSchema, type Route } from '../http';

/** Site load management (docs/sites.md): a site shares one limit among its charge points. */
const SITE_ID: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', description: 'siteId must be 1-64 characters of A-Z a-z 0-9 _ . -' };
const PATH = object({ siteId: SITE_ID });
const num = (min: number, max: number, name: string): JsonSchema => ({ type: 'number', minimum: min, maximum: max, description: `${name} must be a number from ${min} to ${max}` });

const BODY = object(
  {
    maxCurrentA: num(0, 100_000, 'maxCurrentA (per-phase amperes)'),
    maxPowerW: num(0, 100_000_000, 'maxPowerW (watts)'),
    phases: { type: 'integer', enum: [1, 3], description: 'phases must be 1 or 3' },
    voltage: num(1, 1000, 'voltage'),
    chargePointIds: { type: 'array', items: CHARGE_POINT_ID, uniqueItems: true, maxItems: 500, description: 'chargePointIds must be a list of up to 500 distinct charge point ids' },
    strategy: { type: 'string', enum: ['equal', 'fifo', 'priority'], description: 'strategy must be one of equal, fifo, priority' },
    minCurrentA: num(0, 1000, 'minCurrentA'),
    reserveA: num(0, 100_000, 'reserveA'),
    priorities: { type: 'object', propertyNames: CHARGE_POINT_ID, additionalProperties: { type: 'integer', minimum: -1000, maximum: 1000 }, description: 'priorities must map charge point ids to integers from -1000 to 1000' },
  },
  ['chargePointIds'],
  { description: 'Body must be a JSON object with chargePointIds and maxCurrentA and/or maxPowerW' },
);

export const siteRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/sites',
    schema: { query: NO_QUERY },
    handle: async () => ok({ items: await listSites() }),
  },
  {
    method: 'GET',
    path: '/api/sites/{siteId}',
    schema: { path: PATH, query: NO_QUERY },
    handle: async ({ params }) => {
      const site = await getSite(params.siteId);
      if (!site) throw notFound(`No site ${params.siteId}`);
      return ok(await siteView(site));
    },
  },
  {
    method: 'PUT',
    path: '/api/sites/{siteId}',
    schema: { path: PATH, query: NO_QUERY, body: BODY },
    handle: async ({ params, body }) => {
      const b = body as Record<string, unknown> & { chargePointIds: string[] };
      if (b.maxCurrentA === undefined && b.maxPowerW === undefined) throw badRequest('A site needs maxCurrentA and/or maxPowerW');
      const unknownPriority = Object.keys((b.priorities as object) ?? {}).filter((cp) => !b.chargePointIds.includes(cp));
      if (unknownPriority.length) throw badRequest(`priorities name charge points not in chargePointIds: ${unknownPriority.join(', ')}`);
      const missing: string[] = [];
      for (const cp of b.chargePointIds) if (!(await getChargePoint(cp))) missing.push(cp);
      if (missing.length) throw badRequest(`Charge point(s) not registered: ${missing.join(', ')}`);
      let result;
      try {
        result = await putSite({ siteId: params.siteId, ...(b as object), chargePointIds: b.chargePointIds });
      } catch (e) {
        if (e instanceof MemberConflict) throw new ApiError(409, 'Conflict', e.message);
        throw e;
      }
      await refreshMembers();
      return ok(await siteView(result.site, { reallocate: true }), result.created ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/api/sites/{siteId}',
    schema: { path: PATH, query: NO_QUERY },
    handle: async ({ params }) => {
      if (!(await deleteSite(params.siteId))) throw notFound(`No site ${params.siteId}`);
      await refreshMembers();
      return { status: 204 };
    },
  },
];
