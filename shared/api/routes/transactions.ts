import { parseTokenName, tokenKey } from '../../authorization/tokens';
import { readSeriesPage, SERIES_TOKEN, transactionSeries, type MeterValuesItem } from '../../store/meter-values';
import { getTransaction, findTransactionsById, listTransactions, TRANSACTION_TOKENS, transactionListPattern, type TransactionRecord } from '../../store/transactions';
import { transactionView } from '../../transactions/view';
import { transactionMeterValues } from '../../metering/record';
import { costNeedsMeterValues, costView } from '../../tariffs/view';
import { closeByOperator } from '../../transactions/reconcile';
import { checkActiveTransactions, CheckRefused } from '../../transactions/reconcile-check';
import { listSuspectTransactions } from '../../store/reconciliation';
import { ApiError, badRequest, BOOLEAN, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, requireObject, text, type Route } from '../http';

const TRANSACTION_ID = text(36, 'transaction id must be 1-36 printable ASCII characters');

/**
 * Operator view of transactions (docs/operator-api.md). 1.6 ids are unique across the CSMS; 2.0.x ids only per
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
  // The index holds keys only (and is eventually consistent): read the item itself.
  const t = await getTransaction(found[0].chargePointId, id);
  if (!t) throw notFound(`Transaction ${id} is not known`);
  return t;
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

/**
 * The view with `cost` (docs/tariffs.md): a stopped session's final cost is on the record; a running
 * one's is computed now from its stored meter values (one Query, only for priced sessions without
 * a final cost yet).
 */
async function withCost(t: TransactionRecord) {
  const values = costNeedsMeterValues(t) ? await transactionMeterValues(t.chargePointId, t.transactionId) : undefined;
  return { ...transactionView(t), ...costView(t, values, Date.now()) };
}

const ONE = { path: object({ id: TRANSACTION_ID }), query: object({ chargePointId: CHARGE_POINT_ID }) };

/**
 * The transaction endpoints, one entry each (a block adding one, e.g. closing a transaction with a
 * reason, appends an entry here with its schema). `{id}` is the transaction id; `?chargePointId=`
 * names the station for 2.0.x ids (findOne).
 */

async function suspectPage(query: Record<string, string>) {
  if (query.suspect !== 'true') throw badRequest('suspect must be true (omit it for every transaction)');
  if (query.active !== undefined || query.idTag !== undefined) throw badRequest('suspect=true combines only with chargePointId');
  const page = await listSuspectTransactions(query.chargePointId || undefined, limitParam(query, 50), decodeToken(query.nextToken, ['chargePointId', 'transactionId'], query.chargePointId ? { chargePointId: query.chargePointId } : {}));
  return ok({ items: page.items.map(transactionView), nextToken: encodeToken(page.lastKey) });
}

/** Ghost transactions (shared/transactions/reconcile.ts): the operator closes one with a reason. */
async function closeTransactionRoute({ params, query, body }: { params: Record<string, string>; query: Record<string, string>; body: unknown }) {
  const b = requireObject(body);
  const extra = Object.keys(b).filter((k) => k !== 'reason');
  if (extra.length) throw badRequest(`Unknown field(s): ${extra.join(', ')}`);
  if (typeof b.reason !== 'string' || !b.reason.trim() || b.reason.length > 500) throw badRequest('reason is required: 1 to 500 characters saying why it is closed');
  const t = await findOne(params.id, query.chargePointId || undefined);
  const closed = await closeByOperator(t, b.reason.trim());
  if (!closed) throw new ApiError(409, 'NotActive', `Transaction ${params.id} is not running (stopped at ${t.stoppedAt ?? (t as { reconciledAt?: string }).reconciledAt ?? 'an unknown time'}); nothing to close`);
  return ok(transactionView(closed));
}

/** 2.0.1 E14: ask the station about every transaction held active on it (shared/transactions/reconcile-check.ts). */
async function checkTransactionsRoute({ params }: { params: Record<string, string> }) {
  try {
    return ok({ items: await checkActiveTransactions(params.id) });
  } catch (e) {
    if (e instanceof CheckRefused) throw new ApiError(e.status, e.error, e.message);
    throw e;
  }
}

export const transactionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/transactions/{id}/close',
    schema: { ...ONE, body: object({ reason: { type: 'string', description: 'reason is required: 1 to 500 characters saying why it is closed' } }) },
    handle: closeTransactionRoute,
  },
  {
    method: 'POST',
    path: '/api/charge-points/{id}/transactions/reconcile',
    schema: { path: object({ id: CHARGE_POINT_ID }), query: NO_QUERY, body: object({}) },
    handle: checkTransactionsRoute,
  },
  {
    method: 'GET',
    path: '/api/transactions',
    schema: { query: object({ chargePointId: CHARGE_POINT_ID, active: { ...BOOLEAN, description: 'active must be true or false' }, idTag: text(80), suspect: { type: 'string', enum: ['true'], description: 'suspect must be true (omit it for every transaction)' }, ...PAGE_QUERY }) },
    handle: async ({ query }) => {
      const unknown = Object.keys(query).filter((k) => !['chargePointId', 'active', 'idTag', 'limit', 'nextToken', 'suspect'].includes(k));
      if (unknown.length) throw badRequest(`Unknown query parameter(s): ${unknown.join(', ')}`);
      if (query.suspect !== undefined) return suspectPage(query); // closed by reconciliation, no real stop since
      const filter = { chargePointId: query.chargePointId || undefined, active: activeParam(query.active), idTagKey: query.idTag ? tokenKey(parseTokenName(query.idTag)) : undefined };
      const pattern = transactionListPattern(filter);
      const fixed = pattern === 'idTag' ? { idTagKey: filter.idTagKey } : filter.chargePointId ? { chargePointId: filter.chargePointId } : {};
      const startKey = decodeToken(query.nextToken, [...TRANSACTION_TOKENS[pattern]], fixed);
      const page = await listTransactions(filter, limitParam(query, 50), startKey);
      return ok({ items: await Promise.all(page.items.map(withCost)), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/transactions/{id}',
    schema: ONE,
    handle: async ({ params, query }) => {
      const t = await findOne(params.id, query.chargePointId || undefined);
      const [first, cost] = await Promise.all([meterValuesPage(t, INLINE_METER_MESSAGES), withCost(t)]);
      return ok({ ...cost, meterValues: first.items, meterValuesNextToken: first.nextToken });
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
