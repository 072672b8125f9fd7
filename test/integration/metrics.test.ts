/**
 * The metrics an operator alarms on, seen locally: a DynamoDB outage turns StartTransaction into
 * InternalError and raises `CallErrors code=InternalError` (the metric of the InternalError alarm,
 * infra/constructs/observability.ts); traffic shows up per action and protocol; all of it served
 * by the local runtime at GET /metrics from the EMF records its handlers wrote.
 */
import { resetClients } from '../../shared/aws';
import { newId, strictClient } from '../support/clients';
import { bootCsms } from '../support/local';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

interface Total { name: string; dimensions: Record<string, string>; sum: number }
async function metric(name: string, dims: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${csms.port}/metrics`);
  expect(res.status).toBe(200);
  const { metrics } = (await res.json()) as { metrics: Total[] };
  return metrics.filter((m) => m.name === name && Object.entries(dims).every(([k, v]) => m.dimensions[k] === v)).reduce((a, m) => a + m.sum, 0);
}

it('counts connects, messages by action and protocol, and transactions', async () => {
  const connects = await metric('Connects');
  const boots = await metric('Messages', { action: 'BootNotification', protocol: 'ocpp1.6' });
  const started = await metric('TransactionsStarted');
  const id = newId();
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  try {
    expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'M' })).status).toBe('Accepted');
    await csms.api.put('/id-tags/METRICTAG', { status: 'Accepted' });
    const tx = await cp.call('StartTransaction', { connectorId: 1, idTag: 'METRICTAG', meterStart: 1000, timestamp: new Date().toISOString() });
    await cp.call('StopTransaction', { transactionId: tx.transactionId, meterStop: 1500, timestamp: new Date().toISOString() });
    expect(await metric('Connects')).toBe(connects + 1);
    expect(await metric('Messages', { action: 'BootNotification', protocol: 'ocpp1.6' })).toBe(boots + 1);
    expect(await metric('TransactionsStarted')).toBe(started + 1);
    expect(await metric('EnergyDeliveredWh')).toBeGreaterThanOrEqual(500);
  } finally {
    await cp.close();
  }
});

it('a DynamoDB outage answers StartTransaction with InternalError and counts the metric its alarm watches', async () => {
  const id = newId();
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  try {
    expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'M' })).status).toBe('Accepted');
    const before = await metric('CallErrors', { code: 'InternalError' });
    // The table service goes away: nothing listens on the handlers' DynamoDB endpoint any more.
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9';
    resetClients();
    const answer = await cp.call('StartTransaction', { connectorId: 1, idTag: 'ANYTAG', meterStart: 0, timestamp: new Date().toISOString() }).then(
      () => 'CALLRESULT',
      (e: { rpcErrorCode?: string }) => e.rpcErrorCode,
    );
    expect(answer).toBe('InternalError');
    expect(await metric('CallErrors', { code: 'InternalError' })).toBe(before + 1);
  } finally {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    resetClients();
    await cp.close();
  }
});
