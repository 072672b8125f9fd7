import { registerEffect } from '../calls/effects';
import { keepReportedMessages } from '../display-messages/effects';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { putVariables, type DeviceVariable } from '../store/device-model';
import { contentId } from '../store/events';
import { getReportRecords, listReportRecords, putReportPart, putReportRequest, type ReportKind, type ReportRecords } from '../store/reports';
import { variableKey } from './configuration';

/**
 * OCPP 2.0.1 B07 Get Base Report / B08 Get Custom Report: the operator asks through
 * POST /api/charge-points/{id}/calls/GetBaseReport|GetReport (requestId of its choice); the
 * answer is recorded here, and the NotifyReport parts that follow are assembled into the
 * CSMS's device model (one deviceModel item per component/variable/attribute) and into the
 * report's progress, readable at GET /api/charge-points/{id}/reports/{requestId}.
 *
 * The same progress tracking serves the other multi-part answers to a CSMS request (kinds of
 * shared/store/reports.ts): N02 GetMonitoringReport → NotifyMonitoringReport, N09/N10
 * CustomerInformation → NotifyCustomerInformation, O03/O04 GetDisplayMessages →
 * NotifyDisplayMessages; readable at GET /api/charge-points/{id}/reports?kind=<kind> and
 * /reports/{requestId}?kind=<kind>, each part's content kept.
 */

interface Component201 { name: string; instance?: string; evse?: { id: number; connectorId?: number } }
interface Variable201 { name: string; instance?: string }
interface VariableAttribute201 { type?: string; value?: string; mutability?: string; persistent?: boolean; constant?: boolean }
interface VariableCharacteristics201 { unit?: string; dataType: string; minLimit?: number; maxLimit?: number; valuesList?: string; supportsMonitoring: boolean }
interface ReportData201 { component: Component201; variable: Variable201; variableAttribute: VariableAttribute201[]; variableCharacteristics?: VariableCharacteristics201 }
interface NotifyReport201 { requestId: number; generatedAt: string; reportData?: ReportData201[]; tbc?: boolean; seqNo: number }
interface ReportAnswer201 { status: string; statusInfo?: unknown }

// OCPP 2.0.1 B07/B08: the station's answer to GetBaseReport / GetReport is the start of the report's record.
// OCPP 2.0.1 N02 Get Monitoring report, N09/N10 Get/Clear Customer Information, O03/O04 Get All/Specific
// DisplayMessages: likewise for the other report kinds.
const REQUEST_KINDS: Array<[string, ReportKind]> = [
  ['GetBaseReport', 'device-model'], ['GetReport', 'device-model'], ['GetMonitoringReport', 'monitoring'],
  ['CustomerInformation', 'customer-information'], ['GetDisplayMessages', 'display-messages'],
];
for (const [action, kind] of REQUEST_KINDS) {
  registerEffect(action, async (req: { requestId: number }, res: ReportAnswer201, ctx) => {
    await putReportRequest(ctx.chargePointId, {
      requestId: req.requestId, action, request: req, status: res.status, statusInfo: res.statusInfo, answeredAt: ctx.answeredAt.toISOString(),
    }, kind);
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

interface NotifyMonitoringReport201 { requestId: number; generatedAt: string; monitor?: unknown[]; tbc?: boolean; seqNo: number }

// OCPP 2.0.1 N02 Get Monitoring report: NotifyMonitoringReport parts (seqNo, tbc) kept with their monitors.
export async function notifyMonitoringReport201(p: NotifyMonitoringReport201, ctx: CallContext): Promise<Record<string, never>> {
  await putReportPart(ctx.chargePointId, p.requestId, {
    seqNo: p.seqNo, tbc: p.tbc ?? false, generatedAt: p.generatedAt, receivedAt: ctx.receivedAt.toISOString(), content: p.monitor ?? [],
  }, 'monitoring');
  return {};
}

interface NotifyCustomerInformation201 { requestId: number; generatedAt: string; data: string; tbc?: boolean; seqNo: number }

// OCPP 2.0.1 N09 Get Customer Information / N10 Clear Customer Information: NotifyCustomerInformation parts (seqNo, tbc).
export async function notifyCustomerInformation201(p: NotifyCustomerInformation201, ctx: CallContext): Promise<Record<string, never>> {
  await putReportPart(ctx.chargePointId, p.requestId, {
    seqNo: p.seqNo, tbc: p.tbc ?? false, generatedAt: p.generatedAt, receivedAt: ctx.receivedAt.toISOString(), content: p.data,
  }, 'customer-information');
  return {};
}

interface NotifyDisplayMessages201 { requestId: number; messageInfo?: unknown[]; tbc?: boolean }

// OCPP 2.0.1 O03 Get All DisplayMessages / O04 Get Specific DisplayMessages: NotifyDisplayMessages parts (tbc,
// no seqNo in 2.0.1: a part is keyed by its content, so a retry overwrites itself).
export async function notifyDisplayMessages201(p: NotifyDisplayMessages201, ctx: CallContext): Promise<Record<string, never>> {
  const content = p.messageInfo ?? [];
  await putReportPart(ctx.chargePointId, p.requestId, {
    tbc: p.tbc ?? false, receivedAt: ctx.receivedAt.toISOString(), content, partId: contentId(p.tbc ?? false, content),
  }, 'display-messages');
  // The CSMS's copy of the station's messages follows what it reports (shared/display-messages).
  await keepReportedMessages(ctx.chargePointId, p.messageInfo, ctx.receivedAt);
  return {};
}

export const NotifyMonitoringReport: ActionHandlers = { '2.0.1': notifyMonitoringReport201 };
export const NotifyCustomerInformation: ActionHandlers = { '2.0.1': notifyCustomerInformation201 };
export const NotifyDisplayMessages: ActionHandlers = { '2.0.1': notifyDisplayMessages201 };

export type ReportStatus = 'Requested' | 'Receiving' | 'Complete' | 'Rejected' | 'NotSupported' | 'EmptyResultSet' | 'Invalid' | 'Unknown';

/** What the parts carry, assembled in part order, under a name per kind. */
function assembled(r: ReportRecords): Record<string, unknown> {
  const contents = r.parts.map((p) => p.content);
  switch (r.kind) {
    case 'monitoring': return { monitors: contents.flatMap((c) => (Array.isArray(c) ? c : [])) };
    case 'customer-information': return { data: contents.map((c) => (typeof c === 'string' ? c : '')).join('') };
    case 'display-messages': return { messages: contents.flatMap((c) => (Array.isArray(c) ? c : [])) };
    default: return {};
  }
}

/**
 * What an operator sees of a report. Complete = the part with tbc=false arrived and so did
 * every part before it (seqNo 0..last); a station-initiated report has no `request`.
 */
export function reportView(r: ReportRecords) {
  const last = r.parts.find((p) => !p.tbc);
  const seqNos = new Set(r.parts.map((p) => p.seqNo));
  const missing: number[] = [];
  // Parts without seqNo (NotifyDisplayMessages) cannot tell a missing part: the last one completes.
  if (last?.seqNo !== undefined) for (let s = 0; s <= last.seqNo; s++) if (!seqNos.has(s)) missing.push(s);
  // N10: a CustomerInformation with report=false (clear only) is answered and followed by no notification.
  const nothingToReport = r.request?.action === 'CustomerInformation' && r.request.request.report === false;
  let status: ReportStatus;
  if (r.request && r.request.status !== 'Accepted') status = r.request.status as ReportStatus;
  else if (last && missing.length === 0) status = 'Complete';
  else if (nothingToReport && !r.parts.length) status = 'Complete';
  else status = r.parts.length ? 'Receiving' : 'Requested';
  return {
    kind: r.kind,
    requestId: r.requestId,
    status,
    action: r.request?.action,
    request: r.request?.request,
    answer: r.request ? { status: r.request.status, statusInfo: r.request.statusInfo } : undefined,
    answeredAt: r.request?.answeredAt,
    parts: r.parts.length,
    attributes: r.kind === 'device-model' ? r.parts.reduce((n, p) => n + (p.attributes ?? 0), 0) : undefined,
    missingParts: missing.length ? missing : undefined,
    completedAt: status === 'Complete' ? (last ? last.receivedAt : r.request?.answeredAt) : undefined,
    ...assembled(r),
    partDetails: r.parts,
  };
}

export async function getReport(chargePointId: string, requestId: number, kind: ReportKind = 'device-model') {
  const r = await getReportRecords(chargePointId, requestId, kind);
  return r && reportView(r);
}

export async function listReports(chargePointId: string, kind?: ReportKind) {
  return (await listReportRecords(chargePointId, kind)).map(reportView).sort((a, b) => b.requestId - a.requestId || a.kind.localeCompare(b.kind));
}
