import { runCommand } from '../../calls/command';
import { badRequest, requireObject, type Route } from '../http';

export const callRoutes: Route[] = [
  {
    method: 'POST',
    path: '/api/charge-points/{id}/calls/{action}',
    handle: async ({ params, body, query }) => {
      if (!/^[A-Za-z0-9]{1,64}$/.test(params.action)) throw badRequest('action must be an OCPP action name');
      const timeoutMs = query.timeoutMs === undefined ? undefined : Number(query.timeoutMs);
      if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs >= 100 && timeoutMs <= 28_000)) throw badRequest('timeoutMs must be an integer from 100 to 28000');
      const { status, body: out } = await runCommand(params.id, params.action, requireObject(body), timeoutMs);
      return { status, body: out };
    },
  },
];
