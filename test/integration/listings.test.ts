import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../../shared/aws';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { putReservation, type Reservation } from '../../shared/reservations/store';
import { putMeterValues, transactionSeries } from '../../shared/store/meter-values';
import { putReportPart, putReportRequest } from '../../shared/store/reports';
import { tableName } from '../../shared/store/tables';
import { createJob, putTargets } from '../../shared/workflows/jobs';
import { bootCsms, type Api } from '../support/local';

/**
 * Listings that need several pages (docs/operator-api.md "Lists"): every page but the last is full,
 * the order holds across pages, nothing is skipped or repeated — also where other items share the
 * table (job targets, other job types, other cards' sessions, other statuses).
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(() => csms?.close());

async function allPages(api: Api, path: string, limit: number) {
  const pages: unknown[][] = [];
  let token: string | undefined;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api.get(`${path}${sep}limit=${limit}${token ? `&nextToken=${token}` : ''}`);
    expect([path, res.status, res.status === 200 || res.body]).toEqual([path, 200, true]);
    pages.push(res.body.items);
    token = res.body.nextToken;
    expect(pages.length).toBeLessThan(50);
  } while (token);
  return pages;
}
const sizes = (pages: unknown[][]) => pages.map((p) => p.length).filter((n, i, a) => n > 0 || i < a.length - 1);
const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

async function batchPut(table: string, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25) {
    await db().send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
}

it('GET /api/firmware-updates: full pages, newest first, among many job items of other kinds', async () => {
  const t0 = Date.parse('2031-01-01T00:00:00Z');
  const ids: string[] = [];
  for (let i = 0; i < 11; i++) {
    const createdAt = new Date(t0 + i * 1000).toISOString();
    const fw = `fw-list-${String(i).padStart(2, '0')}`;
    ids.push(fw);
    await createJob({ jobId: fw, jobType: 'FirmwareUpdate', status: 'Succeeded', createdAt, updatedAt: createdAt, request: { location: 'https://x/fw.bin' }, targetCount: 30 });
    await putTargets(fw, 'FirmwareUpdate', Array.from({ length: 30 }, (_x, k) => `LIST-CP-${k}`), createdAt);
    await createJob({ jobId: `diag-list-${i}`, jobType: 'Diagnostics', status: 'Succeeded', createdAt, updatedAt: createdAt, request: {} });
  }
  const pages = await allPages(csms.api, '/firmware-updates', 4);
  expect(sizes(pages)).toEqual([4, 4, 3]);
  const listed = pages.flat().map((j) => (j as { id: string }).id).filter((id) => id.startsWith('fw-list-'));
  expect(listed).toEqual([...ids].reverse());
});

it('GET /api/charge-points/{id}/diagnostics: full pages of that charge point\'s diagnostics only', async () => {
  const cp = 'LIST-DIAG-CP';
  expect((await csms.api.put(`/charge-points/${cp}`, {})).status).toBe(201);
  const t0 = Date.parse('2031-02-01T00:00:00Z');
  for (let i = 0; i < 9; i++) {
    const createdAt = new Date(t0 + i * 1000).toISOString();
    await putTargets(`fw-noise-${i}`, 'FirmwareUpdate', [cp], createdAt);
    await putTargets(`diag-of-${i}`, 'Diagnostics', [cp], createdAt);
  }
  const pages = await allPages(csms.api, `/charge-points/${cp}/diagnostics`, 4);
  expect(sizes(pages)).toEqual([4, 4, 1]);
  expect(pages.flat().map((d) => (d as { id?: string; jobId?: string }).id ?? (d as { jobId?: string }).jobId)).toEqual(Array.from({ length: 9 }, (_x, i) => `diag-of-${8 - i}`));
});

it('GET /api/reservations?status=: across charge points, full pages, ordered by expiry; Active past expiry is Expired', async () => {
  const base = { idTag: 'LISTTAG', version: '1.6' as const, connectorId: 1, createdAt: at(-100), updatedAt: at(-100) };
  const rs: Reservation[] = [];
  for (let i = 0; i < 13; i++) rs.push({ ...base, chargePointId: `RES-CP-${i % 4}`, reservationId: 1000 + i, expiryDate: at(10 + i), status: 'Active' });
  for (let i = 0; i < 5; i++) rs.push({ ...base, chargePointId: `RES-CP-${i % 4}`, reservationId: 2000 + i, expiryDate: at(-10 - i), status: 'Active' });
  for (let i = 0; i < 6; i++) rs.push({ ...base, chargePointId: `RES-CP-${i % 4}`, reservationId: 3000 + i, expiryDate: at(-100 - i), status: 'Expired' });
  for (let i = 0; i < 7; i++) rs.push({ ...base, chargePointId: `RES-CP-${i % 4}`, reservationId: 4000 + i, expiryDate: at(-5 - i), status: 'Cancelled' });
  for (const r of rs) await putReservation(r);

  const active = await allPages(csms.api, '/reservations?status=Active', 5);
  expect(sizes(active)).toEqual([5, 5, 3]);
  const activeItems = active.flat() as Array<{ reservationId: number; status: string; expiryDate: string }>;
  expect(activeItems.map((r) => r.reservationId)).toEqual(Array.from({ length: 13 }, (_x, i) => 1000 + i));

  const expired = await allPages(csms.api, '/reservations?status=Expired', 4);
  expect(sizes(expired)).toEqual([4, 4, 3]);
  const expiredItems = expired.flat() as Array<{ reservationId: number; status: string }>;
  expect(expiredItems.every((r) => r.status === 'Expired')).toBe(true);
  expect(expiredItems.map((r) => r.reservationId)).toEqual([2000, 2001, 2002, 2003, 2004, 3000, 3001, 3002, 3003, 3004, 3005]);

  const cancelled = await allPages(csms.api, '/reservations?status=Cancelled', 3);
  expect(sizes(cancelled)).toEqual([3, 3, 1]);

  // One charge point with a status: its partition, filtered, still in full pages.
  const one = await allPages(csms.api, '/reservations?chargePointId=RES-CP-1&status=Expired', 1);
  expect(one.flat().map((r) => (r as { reservationId: number }).reservationId).sort()).toEqual([2001, 3001, 3005]);
  expect(sizes(one)).toEqual([1, 1, 1]);
});

it('GET /api/transactions?idTag=: the card\'s sessions on every charge point, newest first, full pages', async () => {
  const t0 = Date.parse('2031-03-01T00:00:00Z');
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const mine = i % 3 === 0;
    const startedAt = new Date(t0 + i * 60_000).toISOString();
    items.push({
      chargePointId: `TX-CP-${i % 5}`, transactionId: String(900_000 + i), version: '1.6', connectorId: 1, idTag: mine ? 'CARD-A' : 'CARD-B', idTagKey: mine ? 'CARD-A' : 'CARD-B',
      authorizationStatus: 'Accepted', meterStart: 0, startedAt, active: i === 39, createdAt: startedAt, updatedAt: startedAt,
    });
  }
  await batchPut(tableName('transactions'), items);
  const mine = items.filter((t) => t.idTag === 'CARD-A').map((t) => Number(t.transactionId)).reverse();
  const pages = await allPages(csms.api, '/transactions?idTag=CARD-A', 4);
  expect(sizes(pages)).toEqual([4, 4, 4, 2]);
  expect(pages.flat().map((t) => (t as { transactionId: number }).transactionId)).toEqual(mine);

  // With a charge point and an active filter: within the card's index, still full pages.
  const onOne = await allPages(csms.api, '/transactions?idTag=CARD-A&chargePointId=TX-CP-0&active=false', 1);
  expect(onOne.flat().map((t) => (t as { transactionId: number }).transactionId)).toEqual(mine.filter((id) => (id - 900_000) % 5 === 0));
  // A charge point's finished sessions: its partition with a filter, full pages.
  const finished = await allPages(csms.api, '/transactions?chargePointId=TX-CP-4&active=false', 3);
  expect(sizes(finished)).toEqual([3, 3, 1]);
});

describe('big reads are bounded', () => {
  it('GET /api/transactions/{id}: the first 100 messages of meter values inline, the rest page through …/meter-values', async () => {
    const cp = 'MV-CP';
    const t0 = Date.parse('2031-04-01T00:00:00Z');
    const startedAt = new Date(t0).toISOString();
    await db().send(new PutCommand({ TableName: tableName('transactions'), Item: {
      chargePointId: cp, transactionId: '777001', version: '1.6', connectorId: 1, idTag: 'MVTAG', idTagKey: 'MVTAG', authorizationStatus: 'Accepted',
      meterStart: 0, startedAt, active: false, createdAt: startedAt, updatedAt: startedAt,
    } }));
    const series = transactionSeries(cp, '777001');
    for (let i = 0; i < 250; i++) {
      const ts = new Date(t0 + i * 60_000).toISOString();
      await putMeterValues({ seriesId: series, sampleKey: `${ts}#${i}`, chargePointId: cp, version: '1.6', connectorId: 1, transactionId: '777001',
        meterValue: [{ timestamp: ts, sampledValue: [{ value: String(i * 10) }] }], source: 'MeterValues', messageId: `m${i}`, receivedAt: ts });
    }
    const one = await csms.api.get('/transactions/777001');
    expect(one.status).toBe(200);
    expect(one.body.meterValues).toHaveLength(100);
    expect(one.body.meterValuesNextToken).toEqual(expect.any(String));
    const values: Array<{ sampledValue: Array<{ value: string }> }> = [...one.body.meterValues];
    let token: string | undefined = one.body.meterValuesNextToken;
    while (token) {
      const page = await csms.api.get(`/transactions/777001/meter-values?chargePointId=${cp}&limit=60&nextToken=${token}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(60);
      values.push(...page.body.items);
      token = page.body.nextToken;
    }
    expect(values.map((v) => Number(v.sampledValue[0].value))).toEqual(Array.from({ length: 250 }, (_x, i) => i * 10));
    // A token of another transaction's series is refused.
    const other = Buffer.from(JSON.stringify({ seriesId: transactionSeries(cp, '1'), sampleKey: 'x' })).toString('base64url');
    expect((await csms.api.get(`/transactions/777001/meter-values?nextToken=${other}`)).status).toBe(400);
  });

  it('report records expire: written with a TTL, and skipped once expired though DynamoDB has not deleted them yet', async () => {
    const cp = 'REPORT-CP';
    expect((await csms.api.put(`/charge-points/${cp}`, {})).status).toBe(201);
    await putReportRequest(cp, { requestId: 5, action: 'GetBaseReport', request: { requestId: 5, reportBase: 'FullInventory' }, status: 'Accepted', answeredAt: new Date().toISOString() });
    await putReportPart(cp, 5, { seqNo: 0, tbc: false, receivedAt: new Date().toISOString(), reportData: 1, attributes: 1 });
    const stored = await db().send(new GetCommand({ TableName: tableName('jobs'), Key: { jobId: `report#${cp}`, itemKey: '5#part#000000' } }));
    expect(stored.Item!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 86_400);
    expect((await csms.api.get(`/charge-points/${cp}/reports/5`)).status).toBe(200);
    // Past its expiry (as DynamoDB's TTL may take a while to delete it): not shown any more.
    for (const itemKey of ['5#request', '5#part#000000']) {
      const item = (await db().send(new GetCommand({ TableName: tableName('jobs'), Key: { jobId: `report#${cp}`, itemKey } }))).Item!;
      await db().send(new PutCommand({ TableName: tableName('jobs'), Item: { ...item, expiresAt: Math.floor(Date.now() / 1000) - 1 } }));
    }
    expect((await csms.api.get(`/charge-points/${cp}/reports/5`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${cp}/reports`)).body.items).toEqual([]);
  });
});
