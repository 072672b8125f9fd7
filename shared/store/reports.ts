import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { tableName } from './tables';

/**
 * Device model reports (2.0.1 B07/B08) in the jobs table: partition `report#<chargePointId>`,
 * one item per request (`<requestId>#request`: what was asked and the station's answer) and one
 * per NotifyReport part (`<requestId>#part#<seqNo>`). Separate items, so the answer to
 * GetBaseReport and the first NotifyReport may land in either order, and a retried part
 * overwrites itself.
 */
const jobId = (chargePointId: string) => `report#${chargePointId}`;
const pad = (n: number) => String(n).padStart(6, '0');

export interface ReportRequestRecord {
  requestId: number;
  action: 'GetBaseReport' | 'GetReport';
  request: Record<string, unknown>;
  /** The station's answer: Accepted | Rejected | NotSupported | EmptyResultSet. */
  status: string;
  statusInfo?: unknown;
  answeredAt: string;
}

export interface ReportPartRecord {
  seqNo: number;
  tbc: boolean;
  generatedAt: string;
  receivedAt: string;
  /** Number of reportData entries and of variable attributes in this part. */
  reportData: number;
  attributes: number;
}

export async function putReportRequest(chargePointId: string, r: ReportRequestRecord): Promise<void> {
  await db().send(new PutCommand({
    TableName: tableName('jobs'),
    Item: { jobId: jobId(chargePointId), itemKey: `${r.requestId}#request`, kind: 'reportRequest', chargePointId, ...r },
  }));
}

export async function putReportPart(chargePointId: string, requestId: number, p: ReportPartRecord): Promise<void> {
  await db().send(new PutCommand({
    TableName: tableName('jobs'),
    Item: { jobId: jobId(chargePointId), itemKey: `${requestId}#part#${pad(p.seqNo)}`, kind: 'reportPart', chargePointId, requestId, ...p },
  }));
}

export interface ReportRecords {
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
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

function group(items: Record<string, unknown>[]): Map<number, ReportRecords> {
  const byId = new Map<number, ReportRecords>();
  for (const it of items) {
    const requestId = Number(it.requestId);
    const rec = byId.get(requestId) ?? { requestId, parts: [] };
    const { jobId: _j, itemKey: _k, kind, chargePointId: _c, requestId: _r, ...rest } = it;
    if (kind === 'reportRequest') rec.request = { requestId, ...rest } as ReportRequestRecord;
    else rec.parts.push(rest as unknown as ReportPartRecord);
    byId.set(requestId, rec);
  }
  for (const r of byId.values()) r.parts.sort((a, b) => a.seqNo - b.seqNo);
  return byId;
}

export async function getReportRecords(chargePointId: string, requestId: number): Promise<ReportRecords | undefined> {
  return group(await queryAll(chargePointId, `${requestId}#`)).get(requestId);
}

export async function listReportRecords(chargePointId: string): Promise<ReportRecords[]> {
  return [...group(await queryAll(chargePointId)).values()];
}
