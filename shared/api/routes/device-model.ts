import { getReport, listReports } from '../../provisioning/reports';
import { getChargePoint } from '../../store/charge-points';
import { listVariables, type DeviceVariable } from '../../store/device-model';
import { isReportKind, REPORT_KINDS, type ReportKind } from '../../store/reports';
import { badRequest, CHARGE_POINT_ID, INTEGER, notFound, object, ok, text, type Route } from '../http';

/**
 * The CSMS's device model of a charge point (2.0.1 B05–B08: GetVariables, SetVariables and
 * NotifyReport results; 1.6 configuration keys too) and the progress of requested reports, of every
 * kind: device-model (B07/B08), monitoring (N02), customer-information (N09/N10), display-messages (O03/O04).
 */
async function mustExist(id: string): Promise<void> {
  if (!(await getChargePoint(id))) throw notFound(`Charge point ${id} is not registered`);
}

const FILTERS = ['component', 'componentInstance', 'variable', 'variableInstance', 'evseId', 'connectorId', 'attributeType'] as const;

function kindParam(q: Record<string, string>, allowed: string[]): ReportKind | undefined {
  const unknown = Object.keys(q).filter((k) => !allowed.includes(k));
  if (unknown.length) throw badRequest(`Unknown parameter(s): ${unknown.join(', ')}; use ${allowed.join(', ')}`);
  if (q.kind === undefined) return undefined;
  if (!isReportKind(q.kind)) throw badRequest(`kind must be one of ${REPORT_KINDS.join(', ')}`);
  return q.kind;
}

function intParam(q: Record<string, string>, name: string): number | undefined {
  if (q[name] === undefined) return undefined;
  const n = Number(q[name]);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`${name} must be a non-negative integer`);
  return n;
}

export function matches(v: DeviceVariable, q: Record<string, string>): boolean {
  const c = v.component as { name?: string; instance?: string; evse?: { id: number; connectorId?: number } } | undefined;
  const vr = v.variable as { name?: string; instance?: string } | undefined;
  const evseId = intParam(q, 'evseId');
  const connectorId = intParam(q, 'connectorId');
  const anyFilter = FILTERS.some((f) => q[f] !== undefined);
  if (anyFilter && !c) return false; // 1.6 configuration keys have no component/variable
  if (q.component !== undefined && c?.name !== q.component) return false;
  if (q.componentInstance !== undefined && c?.instance !== q.componentInstance) return false;
  if (q.variable !== undefined && vr?.name !== q.variable) return false;
  if (q.variableInstance !== undefined && vr?.instance !== q.variableInstance) return false;
  if (evseId !== undefined && c?.evse?.id !== evseId) return false;
  if (connectorId !== undefined && c?.evse?.connectorId !== connectorId) return false;
  if (q.attributeType !== undefined && v.attributeType !== q.attributeType) return false;
  return true;
}

const ID = object({ id: CHARGE_POINT_ID });
const KIND = { type: 'string', enum: [...REPORT_KINDS], description: `kind must be one of ${REPORT_KINDS.join(', ')}` };
const FILTER_QUERY = object({
  component: text(50), componentInstance: text(50), variable: text(50), variableInstance: text(50), attributeType: text(20),
  evseId: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'evseId must be a non-negative integer' },
  connectorId: { type: 'string', pattern: '^[0-9]{1,9}$', description: 'connectorId must be a non-negative integer' },
});

export const deviceModelRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points/{id}/device-model',
    schema: { path: ID, query: FILTER_QUERY },
    handle: async ({ params, query }) => {
      const unknown = Object.keys(query).filter((k) => !(FILTERS as readonly string[]).includes(k));
      if (unknown.length) throw badRequest(`Unknown filter(s): ${unknown.join(', ')}; use ${FILTERS.join(', ')}`);
      intParam(query, 'evseId');
      intParam(query, 'connectorId');
      await mustExist(params.id);
      const items = (await listVariables(params.id)).filter((v) => matches(v, query));
      return ok({ items });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/reports',
    schema: { path: ID, query: object({ kind: KIND }) },
    handle: async ({ params, query }) => {
      const kind = kindParam(query, ['kind']);
      await mustExist(params.id);
      return ok({ items: await listReports(params.id, kind) });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/reports/{requestId}',
    schema: { path: object({ id: CHARGE_POINT_ID, requestId: { ...INTEGER, description: 'requestId must be an integer' } }), query: object({ kind: KIND }) },
    handle: async ({ params, query }) => {
      const kind = kindParam(query, ['kind']) ?? 'device-model';
      const requestId = Number(params.requestId);
      if (!/^-?\d+$/.test(params.requestId) || !Number.isSafeInteger(requestId)) throw badRequest('requestId must be an integer');
      await mustExist(params.id);
      const report = await getReport(params.id, requestId, kind);
      if (!report) throw notFound(`No ${kind} report ${requestId} for charge point ${params.id}`);
      return ok(report);
    },
  },
];
