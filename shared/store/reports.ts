import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from './tables';

/**
 * Multi-part reports a station sends after a CSMS request, in the jobs table: partition
 * `report#<chargePointId>`, one item per request (what was asked and the station's answer) and one
 * per part. Kinds (requestIds are per kind, so each kind has its own key space):
 *   device-model          2.0.1 B07/B08 GetBaseReport/GetReport → NotifyReport
 *                         (`<requestId>#request`, `<requestId>#part#<seqNo>`: the original keys)
 *   monitoring            2.0.1 N02 GetMonitoringReport → NotifyMonitoringReport
 *   customer-information  2.0.1 N09/N10 CustomerInformation → NotifyCustomerInformation
 *   display-messages      2.0.1 O03/O04 GetDisplayMessages → NotifyDisplayMessages
 *                         (`<kind>#<requestId>#request`, `<kind>#<requestId>#part#<seqNo or content hash>`)
 * Separate items, so the answer to the request and the first part may land in either order, and
 * a retried part overwrites itself. NotifyDisplayMessages has no seqNo: its parts are keyed by a
 * hash of their content (a retry is the same content) and ordered by arrival.
 *
 * Report records are transient (what they reported is applied to the device model and kept
 * there): each carries `expiresAt` (epoch seconds, CSMS_REPORT_RETENTION_DAYS, default 30), the
 * Jobs table's TTL attribute; DynamoDB deletes late, so reads skip expired records too.
 */
export const REPORT_KINDS = ['device-model', 'monitoring', 'customer-information', 'display-messages'] as const;
export type ReportKind = typeof REPORT_KINDS[number];
export const isReportKind = (k: string): k is ReportKind => (REPORT_KINDS as readonly string[]).includes(k);

const jobId = (chargePointId: string) => `report#${chargePointId}`;
const DAY_S = 86_400;
export const reportExpiresAt = (now = Date.now()) => Math.floor(now / 1000) + DAY_S * Number(process.env.CSMS_REPORT_RETENTION_DAYS ?? 30);
const live = (item: Record<string, unknown>, now = Date.now()) => typeof item.expiresAt !== 'number' || item.expiresAt * 1000 > now;
const pad = (n: number) => String(n).padStart(6, '0');
const keyPrefix = (kind: ReportKind, requestId: number) => (kind === 'device-model' ? `${requestId}#` : `${kind}#${requestId}#`);

export interface ReportRequestRecord {
  requestId: number;
  /** GetBaseReport | GetReport | GetMonitoringReport | CustomerInformation | GetDisplayMessages. */
  action: string;
  request: Record<string, unknown>;
  /** The station's answer: Accepted | Rejected | NotSupported | EmptyResultSet | Invalid | Unknown. */
  status: string;
  statusInfo?: unknown;
  answeredAt: string;
}

export interface ReportPartRecord {
  /** The station's seqNo; absent for NotifyDisplayMessages (which has none). */
  seqNo?: number;
  tbc: boolean;
  generatedAt?: string;
  receivedAt: string;
  /** device-model: number of reportData entries and of variable attributes in this part. */
  reportData?: number;
  attributes?: number;
  /** Other kinds: what the part carries (monitor[], the customer data string, messageInfo[]). */
  content?: unknown;
  /** Key of a part without seqNo (hash of its content). */
  partId?: string;
}

export async function putReportRequest(chargePointId: string, r: ReportRequestRecord, kind: ReportKind = 'device-model'): Promise<void> {
  await db().send(new PutCommand({
    TableName: tableName('jobs'),
    Item: { jobId: jobId(chargePointId), itemKey: `${keyPrefix(kind, r.requestId)}request`, kind: 'reportRequest', reportKind: kind, chargePointId, ...r, expiresAt: reportExpiresAt() },
  }));
}

export async function putReportPart(chargePointId: string, requestId: number, p: ReportPartRecord, kind: ReportKind = 'device-model'): Promise<void> {
  const part = p.seqNo !== undefined ? pad(p.seqNo) : `h${p.partId}`;
  await db().send(new PutCommand({
    TableName: tableName('jobs'),
    Item: { jobId: jobId(chargePointId), itemKey: `${keyPrefix(kind, requestId)}part#${part}`, kind: 'reportPart', reportKind: kind, chargePointId, requestId, ...p, expiresAt: reportExpiresAt() },
  }));
}

export interface ReportRecords {
  kind: ReportKind;
  requestId: number;
  request?: ReportRequestRecord;
  parts: ReportPartRecord[];
}

async function queryAll(chargePointId: string, prefix?: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: tableName('jobs'),
      KeyConditionExpression: prefix ? 'jobId = :j AND begins_with(itemKey, :p)' : 'jobId = :j',
      ExpressionAttributeValues: { ':j': jobId(chargePointId), ...(prefix ? { ':p': prefix } : {}) },
      ExclusiveStartKey: startKey,
      ConsistentRead: true,
    }));
    items.push(...(out.Items ?? []).filter((i) => live(i)));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function group(items: Record<string, unknown>[]): Map<string, ReportRecords> {
  const byId = new Map<string, ReportRecords>();
  for (const it of items) {
    const requestId = Number(it.requestId);
    // Items written before kinds existed are device-model reports.
    const kind = (typeof it.reportKind === 'string' && isReportKind(it.reportKind) ? it.reportKind : 'device-model') as ReportKind;
    const key = `${kind}#${requestId}`;
    const rec = byId.get(key) ?? { kind, requestId, parts: [] };
    const { jobId: _j, itemKey: _k, kind: itemKind, reportKind: _rk, chargePointId: _c, requestId: _r, expiresAt: _e, ...rest } = it;
    if (itemKind === 'reportRequest') rec.request = { requestId, ...rest } as ReportRequestRecord;
    else rec.parts.push(rest as unknown as ReportPartRecord);
    byId.set(key, rec);
  }
  for (const r of byId.values()) {
    r.parts.sort((a, b) => (a.seqNo ?? Infinity) - (b.seqNo ?? Infinity) || a.receivedAt.localeCompare(b.receivedAt));
  }
  return byId;
}

export async function getReportRecords(chargePointId: string, requestId: number, kind: ReportKind = 'device-model'): Promise<ReportRecords | undefined> {
  return group(await queryAll(chargePointId, keyPrefix(kind, requestId))).get(`${kind}#${requestId}`);
}

/** Every report of a charge point, or those of one kind. */
export async function listReportRecords(chargePointId: string, kind?: ReportKind): Promise<ReportRecords[]> {
  const prefix = kind && kind !== 'device-model' ? `${kind}#` : undefined;
  return [...group(await queryAll(chargePointId, prefix)).values()].filter((r) => !kind || r.kind === kind);
}
