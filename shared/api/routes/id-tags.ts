import { appliesTo } from '../../authorization/matching';
import { authorizationSettings } from '../../authorization/settings';
import { parseTokenName, registrationName, registrationOf, tokenKey, type TokenRef } from '../../authorization/tokens';
import { deleteIdTag, getIdTag, ID_TAG_STATUSES, listIdTags, putIdTag, type IdTagRecord, type IdTagStatus } from '../../store/id-tags';
import { isTariffId } from '../../tariffs/model';
import { badRequest, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, requireObject, text, type Route } from '../http';

const TAG = object({ idTag: text(80, 'idTag must be 1 to 36 characters (1.6 stations use at most 20), optionally prefixed by an IdTokenEnumType and ":"') });
const ID_TAG_BODY = object({
  status: { type: 'string', description: `status is required and must be one of ${ID_TAG_STATUSES.join(', ')}` },
  expiryDate: { type: ['string', 'null'], description: 'expiryDate must be an ISO 8601 date-time with time zone, e.g. 2030-01-01T00:00:00Z' },
  parentIdTag: { type: ['string', 'null'], description: 'parentIdTag must be a string' },
  allowConcurrentTx: { type: ['boolean', 'null'], description: 'allowConcurrentTx must be true or false' },
  type: { type: 'string', description: 'type must be an OCPP 2.0.1 IdTokenType, e.g. ISO14443, ISO15693, Local, KeyCode' },
  tariffId: { type: ['string', 'null'], description: 'tariffId must be the id of a tariff (1 to 36 characters) or null' },
}, ['status'], { description: 'Body must be a JSON object' });

/**
 * Operator management of authorization identifiers (docs/operator-api.md). `{idTag}` is a 1.6 idTag / 2.0.1
 * ISO14443 value, or `Type:value` for the other 2.0.1 kinds (shared/authorization/tokens.ts).
 */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function tokenFromPath(name: string, type?: unknown): TokenRef & { typed: boolean } {
  if (type !== undefined && typeof type !== 'string') throw badRequest('type must be a string');
  const reg = registrationOf(name, type);
  if ('error' in reg) throw badRequest(reg.error);
  const t = { ...reg.token, typed: reg.typed };
  if (t.value.length < 1 || t.value.length > 36) throw badRequest('idTag must be 1 to 36 characters (1.6 stations use at most 20), optionally prefixed by an IdTokenEnumType and ":"');
  if (t.type === 'NoAuthorization') throw badRequest('NoAuthorization tokens are always accepted and cannot be stored');
  if (!/^[\x20-\x7e]+$/.test(t.value)) throw badRequest('idTag must be printable ASCII');
  return t;
}

export function idTagView(r: IdTagRecord, now = Date.now()) {
  const expired = r.status === 'Accepted' && r.expiryDate !== undefined && Date.parse(r.expiryDate) <= now;
  return {
    idTag: registrationName(r),
    idToken: r.idToken,
    type: r.type,
    /** Whether the operator named the type (then it answers only that type). */
    typed: !!r.typed || r.type !== 'ISO14443',
    /** What it answers: 1.6 idTags, and which 2.0.x token types (shared/authorization/matching.ts). */
    appliesTo: appliesTo(r, authorizationSettings.cardTokenTypes()),
    status: r.status,
    /** The status Authorize answers now (expiry applied at read time). */
    effectiveStatus: expired ? 'Expired' : r.status,
    expiryDate: r.expiryDate,
    parentIdTag: r.parentIdTag,
    allowConcurrentTx: r.allowConcurrentTx,
    tariffId: r.tariffId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function parseBody(body: unknown) {
  const b = requireObject(body);
  const unknown = Object.keys(b).filter((k) => !['status', 'expiryDate', 'parentIdTag', 'allowConcurrentTx', 'type', 'tariffId'].includes(k));
  if (unknown.length) throw badRequest(`Unknown field(s): ${unknown.join(', ')}`);
  if (!ID_TAG_STATUSES.includes(b.status as IdTagStatus)) throw badRequest(`status is required and must be one of ${ID_TAG_STATUSES.join(', ')}`);
  if (b.expiryDate !== undefined && b.expiryDate !== null && !(typeof b.expiryDate === 'string' && ISO_DATE_TIME.test(b.expiryDate) && !Number.isNaN(Date.parse(b.expiryDate)))) {
    throw badRequest('expiryDate must be an ISO 8601 date-time with time zone, e.g. 2030-01-01T00:00:00Z');
  }
  if (b.parentIdTag !== undefined && b.parentIdTag !== null) {
    if (typeof b.parentIdTag !== 'string') throw badRequest('parentIdTag must be a string');
    const p = parseTokenName(b.parentIdTag);
    if (p.value.length < 1 || p.value.length > 36 || !/^[\x20-\x7e]+$/.test(p.value)) throw badRequest('parentIdTag must be 1 to 36 printable ASCII characters (1.6 stations use at most 20)');
  }
  if (b.allowConcurrentTx !== undefined && b.allowConcurrentTx !== null && typeof b.allowConcurrentTx !== 'boolean') throw badRequest('allowConcurrentTx must be true or false');
  if (b.tariffId !== undefined && b.tariffId !== null && !isTariffId(b.tariffId)) throw badRequest('tariffId must be the id of a tariff (1 to 36 characters) or null');
  return {
    status: b.status as IdTagStatus,
    expiryDate: typeof b.expiryDate === 'string' ? new Date(b.expiryDate).toISOString() : undefined,
    parentIdTag: typeof b.parentIdTag === 'string' ? b.parentIdTag : undefined,
    allowConcurrentTx: typeof b.allowConcurrentTx === 'boolean' ? b.allowConcurrentTx : undefined,
    tariffId: typeof b.tariffId === 'string' ? b.tariffId : undefined,
  };
}

export const idTagRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/id-tags',
    schema: { query: object(PAGE_QUERY) },
    handle: async ({ query }) => {
      const page = await listIdTags(limitParam(query, 100), decodeToken(query.nextToken, ['idTag']));
      return ok({ items: page.items.map((r) => idTagView(r)), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/id-tags/{idTag}',
    schema: { path: TAG, query: NO_QUERY },
    handle: async ({ params }) => {
      const t = tokenFromPath(params.idTag);
      const r = await getIdTag(tokenKey(t));
      if (!r) throw notFound(`Id tag ${params.idTag} is not known`);
      return ok(idTagView(r));
    },
  },
  {
    method: 'PUT',
    path: '/api/id-tags/{idTag}',
    schema: { path: TAG, query: NO_QUERY, body: ID_TAG_BODY },
    handle: async ({ params, body }) => {
      const t = tokenFromPath(params.idTag, (body as { type?: unknown } | undefined)?.type);
      const fields = parseBody(body);
      const { item, created } = await putIdTag({ idTag: tokenKey(t), idToken: t.value, type: t.type, typed: t.typed && t.type === 'ISO14443' ? true : undefined, ...fields });
      return ok(idTagView(item), created ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/api/id-tags/{idTag}',
    schema: { path: TAG, query: NO_QUERY },
    handle: async ({ params }) => {
      const t = tokenFromPath(params.idTag);
      if (!(await deleteIdTag(tokenKey(t)))) throw notFound(`Id tag ${params.idTag} is not known`);
      return { status: 204 };
    },
  },
];
