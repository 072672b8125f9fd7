/**
 * 200 OCPP 1.6 charge points run whole sessions at the same time (boot, status, authorize, start,
 * meter values, stop, with one retried start each): no transaction lost, none duplicated, every id
 * unique, every meter value stored.
 */
import { bootCsms } from '../support/local';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { newId, strictClient } from '../support/clients';
import { db } from '../../shared/aws';
import { tableName } from '../../shared/store/tables';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const STATIONS = 200;

async function session(i: number) {
  const id = newId('LOAD');
  const tag = `L${process.pid % 1000}X${i}`;
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  try {
    expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' })).status).toBe('Accepted');
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted');
    const start = { connectorId: 1, idTag: tag, meterStart: i * 10, timestamp: new Date().toISOString() };
    const { transactionId } = await cp.call('StartTransaction', start);
    // The answer got lost: the station sends the same start again.
    expect((await cp.call('StartTransaction', start)).transactionId).toBe(transactionId);
    for (let k = 1; k <= 2; k++) {
      await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date(Date.now() + k).toISOString(), sampledValue: [{ value: String(i * 10 + k * 100) }] }] });
    }
    await cp.call('StopTransaction', { transactionId, idTag: tag, meterStop: i * 10 + 400, timestamp: new Date().toISOString() });
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    return { id, transactionId };
  } finally {
    await cp.close();
  }
}

describe('200 charge points at once', () => {
  it('lose and duplicate nothing', async () => {
    for (let i = 0; i < STATIONS; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => csms.api.put(`/id-tags/L${process.pid % 1000}X${i + k}`, { status: 'Accepted' })));
    }
    const results = await Promise.all(Array.from({ length: STATIONS }, (_, i) => session(i)));

    const ids = results.map((r) => r.transactionId);
    expect(new Set(ids).size).toBe(STATIONS);
    for (const id of ids) expect(Number.isInteger(id) && id > 0 && id <= 2 ** 31 - 1).toBe(true);

    // Every transaction is stored once, stopped, with its energy (one paged listing of the whole table).
    const all: Array<{ transactionId: number; chargePointId: string; active: boolean; energyWh: number; meterStart: number }> = [];
    let next: string | undefined;
    do {
      const page = await csms.api.get(`/transactions?limit=500${next ? `&nextToken=${next}` : ''}`);
      all.push(...page.body.items);
      next = page.body.nextToken;
    } while (next);
    const load = all.filter((t) => t.chargePointId.startsWith('LOAD'));
    expect(load).toHaveLength(STATIONS);
    expect(new Set(load.map((t) => t.chargePointId)).size).toBe(STATIONS);
    expect(load.map((t) => t.transactionId).sort()).toEqual([...ids].sort());
    for (const t of load) expect(t).toMatchObject({ active: false, energyWh: 400 });

    // And every meter value: two items in each transaction's series, nothing elsewhere.
    const perSeries = new Map<string, number>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await db().send(new ScanCommand({ TableName: tableName('meterValues'), ExclusiveStartKey: startKey }));
      for (const it of out.Items ?? []) perSeries.set(it.seriesId, (perSeries.get(it.seriesId) ?? 0) + 1);
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    expect(perSeries.size).toBe(STATIONS);
    for (const { id, transactionId } of results) expect(perSeries.get(`${id}#tx#${transactionId}`)).toBe(2);
  }, 60_000);
});
