import { runCommand } from '../../calls/command';
import { listDisplayMessages } from '../../display-messages/store';
import { ANY_OBJECT, CHARGE_POINT_ID, notFound, NO_QUERY, object, requireObject, type Route } from '../http';
import { timeoutParam } from './calls';

const PATH = object({ id: CHARGE_POINT_ID });
const MESSAGE_ID = { type: 'string', pattern: '^[0-9]{1,9}$', description: 'messageId must be a non-negative integer' };
const TIMEOUT = object({ timeoutMs: { type: 'string', pattern: '^[0-9]{1,6}$', description: 'timeoutMs must be an integer from 100 to 28000' } });

/**
 * OCPP 2.0.1 O01–O06 (docs/operator-api.md "Display messages"): the CSMS's copy of a station's
 * display messages; POST sends SetDisplayMessage with the body as its `message` (MessageInfoType),
 * DELETE sends ClearDisplayMessage. The copy follows the station's answers (shared/display-messages/effects.ts).
 */
export const displayMessageRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/display-messages',
    schema: { path: PATH, query: NO_QUERY },
    handle: async ({ params }) => {
      const items = await listDisplayMessages(params.id);
      if (!items) throw notFound(`Charge point ${params.id} is not known`);
      return { status: 200, body: { items } };
    },
  },
  {
    method: 'POST',
    path: '/api/charge-points/{id}/display-messages',
    schema: { path: PATH, query: TIMEOUT, body: ANY_OBJECT },
    handle: async ({ params, body, query }) => {
      const { status, body: out } = await runCommand(params.id, 'SetDisplayMessage', { message: requireObject(body) }, timeoutParam(query.timeoutMs));
      return { status, body: out };
    },
  },
  {
    method: 'DELETE',
    path: '/api/charge-points/{id}/display-messages/{messageId}',
    schema: { path: object({ id: CHARGE_POINT_ID, messageId: MESSAGE_ID }), query: TIMEOUT },
    handle: async ({ params, query }) => {
      const { status, body: out } = await runCommand(params.id, 'ClearDisplayMessage', { id: Number(params.messageId) }, timeoutParam(query.timeoutMs));
      return { status, body: out };
    },
  },
];
