import { parseTokenName, tokenKey } from '../../authorization/tokens';
import { transactionMeterValues } from '../../metering/record';
import { getTransaction, findTransactionsById, listTransactions, type TransactionRecord } from '../../store/transactions';
import { transactionView } from '../../transactions/view';
import { closeByOperator } from '../../transactions/reconcile';
import { checkActiveTransactions, CheckRefused } from '../../transactions/reconcile-check';
import { listSuspectTransactions } from '../../store/reconciliation';
import { ApiError, badRequest, decodeToken, encodeToken, limitParam, notFound, ok, requireObject, type Route } from '../http';

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

async function suspectPage(query: Record<string, string>) {
  if (query.suspect !== 'true') throw badRequest('suspect must be true (omit it for every transaction)');
  if (query.active !== undefined || query.idTag !== undefined) throw badRequest('suspect=true combines only with chargePointId');
  const page = await listSuspectTransactions(query.chargePointId || undefined, limitParam(query, 50), decodeToken(query.nextToken));
  return ok({ items: page.items.map(transactionView), nextToken: encodeToken(page.lastKey) });
}

/** Ghost transactions (shared/transactions/reconcile.ts): the operator closes one with a reason. */
async function closeTransactionRoute({ params, query, body }: { params: Record<string, string>; query: Record<string, string>; body: unknown }) {
  if (params.id.length > 36) throw badRequest('transaction id must be at most 36 characters');
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
  { method: 'POST', path: '/api/transactions/{id}/close', handle: closeTransactionRoute },
  { method: 'POST', path: '/api/charge-points/{id}/transactions/reconcile', handle: checkTransactionsRoute },
  {
    method: 'GET',
    path: '/api/transactions',
    handle: async ({ query }) => {
      const unknown = Object.keys(query).filter((k) => !['chargePointId', 'active', 'idTag', 'limit', 'nextToken', 'suspect'].includes(k));
      if (unknown.length) throw badRequest(`Unknown query parameter(s): ${unknown.join(', ')}`);
      if (query.suspect !== undefined) return suspectPage(query); // closed by reconciliation, no real stop since
      const page = await listTransactions(
        { chargePointId: query.chargePointId || undefined, active: activeParam(query.active), idTagKey: query.idTag ? tokenKey(parseTokenName(query.idTag)) : undefined },
        limitParam(query, 50),
        decodeToken(query.nextToken),
      );
      return ok({ items: page.items.map(transactionView), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/transactions/{id}',
    handle: async ({ params, query }) => {
      if (params.id.length > 36) throw badRequest('transaction id must be at most 36 characters');
      const t = await findOne(params.id, query.chargePointId || undefined);
      return ok({ ...transactionView(t), meterValues: await transactionMeterValues(t.chargePointId, t.transactionId) });
    },
  },
];
