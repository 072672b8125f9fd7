import { runCommand } from '../../calls/command';
import { ANY_OBJECT, badRequest, CHARGE_POINT_ID, object, requireObject, type JsonSchema, type Route } from '../http';

export const TIMEOUT_MS: JsonSchema = { type: 'string', pattern: '^[0-9]{1,5}$', description: 'timeoutMs must be an integer from 100 to 28000' };

/** Any CSMS → charge point call; the body is checked against that action's OCPP schema for the charge point's version. */
export const callRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/charge-points/{id}/calls/{action}',
    schema: {
      path: object({ id: CHARGE_POINT_ID, action: { type: 'string', pattern: '^[A-Za-z0-9]{1,64}$', description: 'action must be an OCPP action name' } }),
      query: object({ timeoutMs: TIMEOUT_MS }),
      body: ANY_OBJECT,
    },
    handle: async ({ params, body, query }) => {
      const timeoutMs = timeoutParam(query.timeoutMs);
      const { status, body: out } = await runCommand(params.id, params.action, requireObject(body), timeoutMs);
      return { status, body: out };
    },
  },
];

/** `?timeoutMs=` of the endpoints that wait for a charge point's answer. */
export function timeoutParam(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(Number.isInteger(n) && n >= 100 && n <= 28_000)) throw badRequest('timeoutMs must be an integer from 100 to 28000');
  return n;
}
