import { diagnosticsFile, diagnosticsView, DiagnosticsRefused, listDiagnostics, startDiagnostics } from '../../diagnostics/service';
import { getChargePoint } from '../../store/charge-points';
import { InvalidRequestError } from '../../workflows/validation';
import { JOB_LIST_TOKEN, targetListKey } from '../../workflows/jobs';
import { JOB_ID } from './firmware-updates';
import { ANY_OBJECT, ApiError, badRequest, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, requireObject, type Route } from '../http';

const ID = object({ id: CHARGE_POINT_ID });
const JOB = object({ id: CHARGE_POINT_ID, jobId: JOB_ID });

/** Diagnostics of a charge point (1.6 §5.9 Get Diagnostics; 2.0.1 N01), through the diagnostics-upload workflow. */
async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof InvalidRequestError) throw badRequest(e.message);
    if (e instanceof DiagnosticsRefused) throw new ApiError(e.status, e.error, e.message);
    throw e;
  }
}

export const diagnosticsRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/charge-points/{id}/diagnostics',
    schema: { path: ID, query: NO_QUERY, body: ANY_OBJECT },
    handle: ({ params, body }) => guarded(async () => ok(await startDiagnostics(params.id, requireObject(body)), 202)),
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/diagnostics',
    schema: { path: ID, query: object(PAGE_QUERY) },
    handle: async ({ params, query }) => {
      const startKey = decodeToken(query.nextToken, JOB_LIST_TOKEN, { listKey: targetListKey(params.id, 'Diagnostics') });
      if (!(await getChargePoint(params.id))) throw notFound(`Charge point ${params.id} is not registered`);
      const page = await listDiagnostics(params.id, limitParam(query, 50), startKey);
      return ok({ items: page.items, nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/diagnostics/{jobId}',
    schema: { path: JOB, query: NO_QUERY },
    handle: async ({ params }) => {
      const v = await diagnosticsView(params.id, params.jobId);
      if (!v) throw notFound(`No diagnostics request ${params.jobId} for ${params.id}`);
      return ok(v);
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/diagnostics/{jobId}/file',
    schema: { path: JOB, query: NO_QUERY },
    handle: ({ params }) => guarded(async () => ok(await diagnosticsFile(params.id, params.jobId))),
  },
];
