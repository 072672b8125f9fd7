import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { fillPage } from '../store/pages';
import { tableName } from '../store/tables';
import type { Cdr } from './cdr';

/**
 * CDRs live on their transaction items (./cdr.ts): a page is a Query of one charge point's
 * partition, or a Scan, filtered to items with a CDR ending in [from, to) — full pages as the other
 * lists (shared/store/pages.ts), in key order.
 */
export interface CdrFilter { chargePointId?: string; from?: string; to?: string }
export const CDR_TOKEN = ['chargePointId', 'transactionId'];

export async function listCdrs(f: CdrFilter, limit: number, startKey?: Record<string, unknown>): Promise<{ items: Cdr[]; lastKey?: Record<string, unknown> }> {
  const filters = ['attribute_exists(#cdrId)'];
  const names: Record<string, string> = { '#cdrId': 'cdrId' };
  const values: Record<string, unknown> = {};
  if (f.from) { filters.push('#end >= :from'); names['#end'] = 'cdrEndedAt'; values[':from'] = f.from; }
  if (f.to) { filters.push('#end < :to'); names['#end'] = 'cdrEndedAt'; values[':to'] = f.to; }
  const read = async (key: Record<string, unknown> | undefined, n: number) => {
    const common = { TableName: tableName('transactions'), Limit: n, ExclusiveStartKey: key, FilterExpression: filters.join(' AND '), ProjectionExpression: 'chargePointId, transactionId, cdr' };
    const out = f.chargePointId !== undefined
      ? await db().send(new QueryCommand({ ...common, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { ...names, '#pk': 'chargePointId' }, ExpressionAttributeValues: { ...values, ':pk': f.chargePointId } }))
      : await db().send(new ScanCommand({ ...common, ExpressionAttributeNames: names, ExpressionAttributeValues: Object.keys(values).length ? values : undefined }));
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };
  const page = await fillPage({ limit, startKey, read, keyNames: CDR_TOKEN });
  return { items: page.items.map((it) => JSON.parse(it.cdr as string) as Cdr), lastKey: page.lastKey };
}

const CSV_COLUMNS: Array<[string, (c: Cdr) => unknown]> = [
  ['id', (c) => c.id],
  ['start_date_time', (c) => c.start_date_time],
  ['end_date_time', (c) => c.end_date_time],
  ['session_id', (c) => c.session_id],
  ['charge_point_id', (c) => c.cdr_location.id],
  ['evse_uid', (c) => c.cdr_location.evse_uid],
  ['connector_id', (c) => c.cdr_location.connector_id],
  ['token_uid', (c) => c.cdr_token.uid],
  ['tariff_id', (c) => c.tariffs[0]?.id ?? ''],
  ['currency', (c) => c.currency],
  ['total_energy_kwh', (c) => c.total_energy],
  ['total_time_h', (c) => c.total_time],
  ['total_parking_time_h', (c) => c.total_parking_time],
  ['total_cost_excl_vat', (c) => c.total_cost.excl_vat],
  ['total_cost_incl_vat', (c) => c.total_cost.incl_vat],
];
/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; a leading =+-@ is prefixed with ' (spreadsheet formula injection). */
const field = (v: unknown) => {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@]/.test(s) && !/^-?[0-9.]+$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
export function cdrsCsv(cdrs: Cdr[]): string {
  return [CSV_COLUMNS.map(([h]) => h).join(','), ...cdrs.map((c) => CSV_COLUMNS.map(([, get]) => field(get(c))).join(','))].join('\r\n') + '\r\n';
}
