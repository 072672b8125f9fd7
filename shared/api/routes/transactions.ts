import { parseTokenName, tokenKey } from '../../authorization/tokens';
import { transactionMeterValues } from '../../metering/record';
import { getTransaction, findTransactionsById, listTransactions, TRANSACTION_TOKENS, transactionListPattern, type TransactionRecord } from '../../store/transactions';
import { transactionView } from '../../transactions/view';
import { ApiError, badRequest, BOOLEAN, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, notFound, object, ok, PAGE_QUERY, text, type Route } from '../http';

const TRANSACTION_ID = text(36, 'transaction id must be 1-36 printable ASCII characters');

/**
 * Operator view of transactions (DESIGN §5). 1.6 ids are unique across the CSMS; 2.0.x ids only per
 * station: `GET /api/transactions/{id}?chargePointId=` names the station, without it an id found on
 * several stations is a 409.
 */
function activeParam(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === 'true' || v === 'false') return v === 'true';
  throw badRequest('active must be true or false');
}

async function findOne(id: string, chargePointId?: string): Promise<TransactionRecord> {
  if (chargePointId !== undefined) {
    const t = await getTransaction(chargePointId, id);
    if (!t) throw notFound(`Transaction ${id} of charge point ${chargePointId} is not known`);
    return t;
  }
  const found = await findTransactionsById(id, 2);
  if (!found.length) throw notFound(`Transaction ${id} is not known`);
  if (found.length > 1) throw new ApiError(409, 'Ambiguous', `Transaction id ${id} exists on several charge points (2.0.x ids are per station): add ?chargePointId=`);
  // The index is eventually consistent: read the item itself.
  return (await getTransaction(found[0].chargePointId, id)) ?? found[0];
}

export const transactionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/transactions',
    schema: { query: object({ chargePointId: CHARGE_POINT_ID, active: { ...BOOLEAN, description: 'active must be true or false' }, idTag: text(80), ...PAGE_QUERY }) },
    handle: async ({ query }) => {
      const unknown = Object.keys(query).filter((k) => !['chargePointId', 'active', 'idTag', 'limit', 'nextToken'].includes(k));
      if (unknown.length) throw badRequest(`Unknown query parameter(s): ${unknown.join(', ')}`);
      const filter = { chargePointId: query.chargePointId || undefined, active: activeParam(query.active), idTagKey: query.idTag ? tokenKey(parseTokenName(query.idTag)) : undefined };
      const pattern = transactionListPattern(filter);
      const fixed = pattern === 'idTag' ? { idTagKey: filter.idTagKey } : filter.chargePointId ? { chargePointId: filter.chargePointId } : {};
      const startKey = decodeToken(query.nextToken, [...TRANSACTION_TOKENS[pattern]], fixed);
      const page = await listTransactions(filter, limitParam(query, 50), startKey);
      return ok({ items: page.items.map(transactionView), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/transactions/{id}',
    schema: { path: object({ id: TRANSACTION_ID }), query: object({ chargePointId: CHARGE_POINT_ID }) },
    handle: async ({ params, query }) => {
      if (params.id.length > 36) throw badRequest('transaction id must be at most 36 characters');
      const t = await findOne(params.id, query.chargePointId || undefined);
      return ok({ ...transactionView(t), meterValues: await transactionMeterValues(t.chargePointId, t.transactionId) });
    },
  },
];
