import { InvalidRequestError } from '../../firmware/request';
import { JOB_LIST_TOKEN, jobListKey } from '../../workflows/jobs';
import { abortFirmwareUpdate, firmwareUpdateView, listFirmwareUpdates, startFirmwareUpdate } from '../../firmware/rollout';
import { ANY_OBJECT, badRequest, decodeToken, encodeToken, type JsonSchema, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, type Route } from '../http';

/** Job ids (shared/workflows/jobs.ts newJobId): a prefix, a timestamp and random hex. */
export const JOB_ID: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,80}$', description: 'The job id must be 1-80 letters, digits, - or _' };
const ID = object({ id: JOB_ID });

/** Firmware updates and fleet rollouts (docs/workflows.md): 1.6 §5.19 / 2.0.1 L01 through the firmware-update workflow. */
export const firmwareUpdateRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/firmware-updates',
    schema: { query: NO_QUERY, body: ANY_OBJECT },
    handle: async ({ body }) => {
      try {
        const { id } = await startFirmwareUpdate(body);
        return ok({ id }, 202);
      } catch (e) {
        if (e instanceof InvalidRequestError) throw badRequest(e.message);
        throw e;
      }
    },
  },
  {
    method: 'GET',
    path: '/api/firmware-updates',
    schema: { query: object(PAGE_QUERY) },
    handle: async ({ query }) => {
      const page = await listFirmwareUpdates(limitParam(query, 50), decodeToken(query.nextToken, JOB_LIST_TOKEN, { listKey: jobListKey('FirmwareUpdate') }));
      return ok({ items: page.items, nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/firmware-updates/{id}',
    schema: { path: ID, query: NO_QUERY },
    handle: async ({ params }) => {
      const view = await firmwareUpdateView(params.id);
      if (!view) throw notFound(`No firmware update ${params.id}`);
      return ok(view);
    },
  },
  {
    method: 'POST',
    path: '/api/firmware-updates/{id}/abort',
    schema: { path: ID, query: NO_QUERY, body: object({}) },
    handle: async ({ params }) => {
      const status = await abortFirmwareUpdate(params.id);
      if (!status) throw notFound(`No firmware update ${params.id}`);
      return ok(await firmwareUpdateView(params.id));
    },
  },
];
