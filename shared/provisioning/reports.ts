import { registerEffect } from '../calls/effects';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { putVariables, type DeviceVariable } from '../store/device-model';
import { getReportRecords, listReportRecords, putReportPart, putReportRequest, type ReportRecords } from '../store/reports';
import { variableKey } from './configuration';

/**
 * OCPP 2.0.1 B07 Get Base Report / B08 Get Custom Report: the operator asks through
 * POST /api/charge-points/{id}/calls/GetBaseReport|GetReport (requestId of its choice); the
 * answer is recorded here, and the NotifyReport parts that follow are assembled into the
 * CSMS's device model (one deviceModel item per component/variable/attribute) and into the
 * report's progress, readable at GET /api/charge-points/{id}/reports/{requestId}.
 */

interface Component201 { name: string; instance?: string; evse?: { id: number; connectorId?: number } }
interface Variable201 { name: string; instance?: string }
interface VariableAttribute201 { type?: string; value?: string; mutability?: string; persistent?: boolean; constant?: boolean }
interface VariableCharacteristics201 { unit?: string; dataType: string; minLimit?: number; maxLimit?: number; valuesList?: string; supportsMonitoring: boolean }
interface ReportData201 { component: Component201; variable: Variable201; variableAttribute: VariableAttribute201[]; variableCharacteristics?: VariableCharacteristics201 }
interface NotifyReport201 { requestId: number; generatedAt: string; reportData?: ReportData201[]; tbc?: boolean; seqNo: number }
interface ReportAnswer201 { status: string; statusInfo?: unknown }

// OCPP 2.0.1 B07/B08: the station's answer to GetBaseReport / GetReport is the start of the report's record.
for (const action of ['GetBaseReport', 'GetReport'] as const) {
  registerEffect(action, async (req: { requestId: number }, res: ReportAnswer201, ctx) => {
    await putReportRequest(ctx.chargePointId, {
      requestId: req.requestId, action, request: req, status: res.status, statusInfo: res.statusInfo, answeredAt: ctx.answeredAt.toISOString(),
    });
  });
}

/** The device model items one NotifyReport part carries: one per variable attribute. */
export function reportItems(p: Pick<NotifyReport201, 'reportData' | 'generatedAt' | 'requestId'>): DeviceVariable[] {
  return (p.reportData ?? []).flatMap((rd) => rd.variableAttribute.map((a) => {
    const attributeType = a.type ?? 'Actual';
    return {
      variableKey: variableKey(rd.component, rd.variable, attributeType),
      component: rd.component,
      variable: rd.variable,
      attributeType,
      value: a.value,
      readonly: a.mutability === 'ReadOnly',
      mutability: a.mutability ?? 'ReadWrite', // 2.0.1 default when omitted
      persistent: a.persistent ?? false,
      constant: a.constant ?? false,
      characteristics: rd.variableCharacteristics,
      reportedAt: p.generatedAt,
      requestId: p.requestId,
    };
  }));
}

// OCPP 2.0.1 B07.FR.03/B08: NotifyReport (multi-part: seqNo, tbc) → device model + report progress.
export async function notifyReport201(p: NotifyReport201, ctx: CallContext): Promise<Record<string, never>> {
  const items = reportItems(p);
  // A part may name one attribute twice: BatchWrite refuses duplicate keys, the last one wins.
  await putVariables(ctx.chargePointId, [...new Map(items.map((v) => [v.variableKey, v])).values()]);
  await putReportPart(ctx.chargePointId, p.requestId, {
    seqNo: p.seqNo,
    tbc: p.tbc ?? false,
    generatedAt: p.generatedAt,
    receivedAt: ctx.receivedAt.toISOString(),
    reportData: p.reportData?.length ?? 0,
    attributes: items.length,
  });
  return {};
}

export const NotifyReport: ActionHandlers = { '2.0.1': notifyReport201 };

export type ReportStatus = 'Requested' | 'Receiving' | 'Complete' | 'Rejected' | 'NotSupported' | 'EmptyResultSet';

/**
 * What an operator sees of a report. Complete = the part with tbc=false arrived and so did
 * every part before it (seqNo 0..last); a station-initiated report has no `request`.
 */
export function reportView(r: ReportRecords) {
  const last = r.parts.find((p) => !p.tbc);
  const seqNos = new Set(r.parts.map((p) => p.seqNo));
  const missing: number[] = [];
  if (last) for (let s = 0; s <= last.seqNo; s++) if (!seqNos.has(s)) missing.push(s);
  let status: ReportStatus;
  if (r.request && r.request.status !== 'Accepted') status = r.request.status as ReportStatus;
  else if (last && missing.length === 0) status = 'Complete';
  else status = r.parts.length ? 'Receiving' : 'Requested';
  return {
    requestId: r.requestId,
    status,
    action: r.request?.action,
    request: r.request?.request,
    answer: r.request ? { status: r.request.status, statusInfo: r.request.statusInfo } : undefined,
    answeredAt: r.request?.answeredAt,
    parts: r.parts.length,
    attributes: r.parts.reduce((n, p) => n + p.attributes, 0),
    missingParts: missing.length ? missing : undefined,
    completedAt: status === 'Complete' ? last!.receivedAt : undefined,
    partDetails: r.parts,
  };
}

export async function getReport(chargePointId: string, requestId: number) {
  const r = await getReportRecords(chargePointId, requestId);
  return r && reportView(r);
}

export async function listReports(chargePointId: string) {
  return (await listReportRecords(chargePointId)).map(reportView).sort((a, b) => b.requestId - a.requestId);
}
