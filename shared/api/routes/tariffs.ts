import { tariffProblems, type Tariff } from '../../tariffs/model';
import { deleteTariff, getTariff, listTariffs, putTariff, type TariffRecord } from '../../tariffs/store';
import { badRequest, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, ANY_OBJECT, type Route } from '../http';

/** OCPI Tariff.id: CiString(36) — printable ASCII without "/" here (it is a path segment). */
const TARIFF_ID = object({ tariffId: { type: 'string', pattern: '^[\\x21-\\x2e\\x30-\\x7e]{1,36}$', description: 'tariffId must be 1 to 36 printable ASCII characters without spaces or "/"' } });

const view = (r: TariffRecord) => ({ tariffId: r.tariffId, ...r.tariff, createdAt: r.createdAt, updatedAt: r.updatedAt });

/** Operator management of OCPI 2.2.1 tariffs (docs/tariffs.md). */
export const tariffRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/tariffs',
    schema: { query: object(PAGE_QUERY) },
    handle: async ({ query }) => {
      const page = await listTariffs(limitParam(query, 100), decodeToken(query.nextToken, ['tariffId']));
      return ok({ items: page.items.map(view), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/tariffs/{tariffId}',
    schema: { path: TARIFF_ID, query: NO_QUERY },
    handle: async ({ params }) => {
      const r = await getTariff(params.tariffId);
      if (!r) throw notFound(`Tariff ${params.tariffId} is not known`);
      return ok(view(r));
    },
  },
  {
    method: 'PUT',
    path: '/api/tariffs/{tariffId}',
    schema: { path: TARIFF_ID, query: NO_QUERY, body: ANY_OBJECT },
    handle: async ({ params, body }) => {
      const problems = tariffProblems(body);
      if (problems.length) throw badRequest(`Invalid OCPI 2.2.1 tariff: ${problems.slice(0, 10).join('; ')}`);
      const b = body as Tariff & { id?: unknown };
      if (b.id !== undefined && b.id !== params.tariffId) throw badRequest('id, when given, must equal the tariffId of the path');
      const { item, created } = await putTariff(params.tariffId, b);
      return ok(view(item), created ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/api/tariffs/{tariffId}',
    schema: { path: TARIFF_ID, query: NO_QUERY },
    handle: async ({ params }) => {
      if (!(await deleteTariff(params.tariffId))) throw notFound(`Tariff ${params.tariffId} is not known`);
      return { status: 204 };
    },
  },
];
