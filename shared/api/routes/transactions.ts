import { parseTokenName, tokenKey } from '../../authorization/tokens';
import { readSeriesPage, SERIES_TOKEN, transactionSeries, type MeterValuesItem } from '../../store/meter-values';
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

/** Meter values inline in GET /api/transactions/{id}: the first messages' worth; the rest page through …/meter-values. */
export const INLINE_METER_MESSAGES = 100;

/** The wire MeterValue entries of a page of stored messages, in time order (a message may hold several timestamps). */
function flatten(items: MeterValuesItem[]): unknown[] {
  return items.flatMap((it) => it.meterValue as Array<{ timestamp: string }>)
    .map((v, i) => ({ v, i, t: Date.parse(v.timestamp) }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.v);
}

async function meterValuesPage(t: TransactionRecord, limit: number, nextToken?: string) {
  const series = transactionSeries(t.chargePointId, t.transactionId);
  const page = await readSeriesPage(series, limit, decodeToken(nextToken, SERIES_TOKEN, { seriesId: series }));
  return { items: flatten(page.items), nextToken: encodeToken(page.lastKey) };
}

const ONE = { path: object({ id: TRANSACTION_ID }), query: object({ chargePointId: CHARGE_POINT_ID }) };

/**
 * The transaction endpoints, one entry each (a block adding one, e.g. closing a transaction with a
 * reason, appends an entry here with its schema). `{id}` is the transaction id; `?chargePointId=`
 * names the station for 2.0.x ids (findOne).
 */
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
    schema: ONE,
    handle: async ({ params, query }) => {
      const t = await findOne(params.id, query.chargePointId || undefined);
      const first = await meterValuesPage(t, INLINE_METER_MESSAGES);
      return ok({ ...transactionView(t), meterValues: first.items, meterValuesNextToken: first.nextToken });
    },
  },
  {
    method: 'GET',
    path: '/api/transactions/{id}/meter-values',
    schema: { path: ONE.path, query: object({ chargePointId: CHARGE_POINT_ID, ...PAGE_QUERY }) },
    handle: async ({ params, query }) => {
      const t = await findOne(params.id, query.chargePointId || undefined);
      return ok(await meterValuesPage(t, limitParam(query, INLINE_METER_MESSAGES), query.nextToken));
    },
  },
];
