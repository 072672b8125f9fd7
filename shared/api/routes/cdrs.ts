import { CDR_TOKEN, cdrsCsv, listCdrs } from '../../tariffs/cdr-store';
import { badRequest, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, object, ok, PAGE_QUERY, type Route } from '../http';

const DATE_TIME = { type: 'string', minLength: 1, maxLength: 40, description: 'from and to must be ISO 8601 date-times, e.g. 2024-06-01T00:00:00Z' };
const isoParam = (name: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) || Number.isNaN(t)) throw badRequest(`${name} must be an ISO 8601 date-time, e.g. 2024-06-01T00:00:00Z`);
  return new Date(t).toISOString();
};

/** OCPI 2.2.1 CDRs of finished transactions (docs/tariffs.md "CDRs"): JSON pages, or CSV with ?format=csv / Accept: text/csv. */
export const cdrRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/cdrs',
    schema: { query: object({ chargePointId: CHARGE_POINT_ID, from: DATE_TIME, to: DATE_TIME, format: { type: 'string', enum: ['json', 'csv'], description: 'format must be json or csv' }, ...PAGE_QUERY }) },
    handle: async ({ query, headers }) => {
      const from = isoParam('from', query.from), to = isoParam('to', query.to);
      if (from && to && from >= to) throw badRequest('from must be before to');
      const cp = query.chargePointId || undefined;
      const page = await listCdrs({ chargePointId: cp, from, to }, limitParam(query, 50), decodeToken(query.nextToken, CDR_TOKEN, cp ? { chargePointId: cp } : {}));
      const nextToken = encodeToken(page.lastKey);
      const csv = query.format === 'csv' || (query.format === undefined && /\btext\/csv\b/i.test(headers?.accept ?? ''));
      if (csv) return { status: 200, body: cdrsCsv(page.items), contentType: 'text/csv; charset=utf-8', headers: nextToken ? { 'x-next-token': nextToken } : {} };
      return ok({ items: page.items, nextToken });
    },
  },
];
