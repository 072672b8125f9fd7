import { InvalidRequestError } from '../../firmware/request';
import { abortFirmwareUpdate, firmwareUpdateView, listFirmwareUpdates, startFirmwareUpdate } from '../../firmware/rollout';
import { badRequest, decodeToken, encodeToken, limitParam, notFound, ok, type Route } from '../http';

/** Firmware updates and fleet rollouts (docs/workflows.md): 1.6 §5.19 / 2.0.1 L01 through the firmware-update workflow. */
export const firmwareUpdateRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/firmware-updates',
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
    handle: async ({ query }) => {
      const page = await listFirmwareUpdates(limitParam(query, 50), decodeToken(query.nextToken));
      return ok({ items: page.items, nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/firmware-updates/{id}',
    handle: async ({ params }) => {
      const view = await firmwareUpdateView(params.id);
      if (!view) throw notFound(`No firmware update ${params.id}`);
      return ok(view);
    },
  },
  {
    method: 'POST',
    path: '/api/firmware-updates/{id}/abort',
    handle: async ({ params }) => {
      const status = await abortFirmwareUpdate(params.id);
      if (!status) throw notFound(`No firmware update ${params.id}`);
      return ok(await firmwareUpdateView(params.id));
    },
  },
];
