/**
 * 2.0.1 E14 after a reconnect (issue 11 item 6): when a 2.x station connects again while the CSMS
 * holds transactions active on it, the transaction-check workflow asks GetTransactionStatus about
 * each; one the station neither runs nor has messages queued for is closed. Strict clients against
 * the real local runtime, its local Step Functions and the $connect Lambda.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient, type StrictClient } from '../support/clients';
import { runReconnectCheck, startReconnectCheck } from '../../shared/transactions/reconnect-check';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_RECONNECT_TX_CHECK_S: '1' } });
});
afterAll(async () => {
  await csms.close();
  delete process.env.CSMS_RECONNECT_TX_CHECK_S;
});

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const boot201 = { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } };
const started = (cs: StrictClient, transactionId: string, evseId: number) =>
  cs.call('TransactionEvent', {
    eventType: 'Started', timestamp: ago(60), triggerReason: 'CablePluggedIn', seqNo: 0, transactionInfo: { transactionId, chargingState: 'EVConnected' },
    evse: { id: evseId, connectorId: 1 }, meterValue: [{ timestamp: ago(60), sampledValue: [{ value: 500, context: 'Transaction.Begin' }] }],
  });
const tx = async (id: string, chargePointId: string) => (await csms.api.get(`/transactions/${id}?chargePointId=${chargePointId}`)).body;

describe('2.0.1 E14: GetTransactionStatus after a reconnect', () => {
  it('asks about every held transaction once the station is back; the one it no longer runs is closed, the others stay', async () => {
    const id = newId('RECON');
    const first = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    expect((await first.call('BootNotification', boot201)).status).toBe('Accepted');
    await started(first, 'GONE', 1);
    await started(first, 'RUNS', 2);
    await started(first, 'QUEUED', 3);
    await first.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);

    // Back without a reboot (no BootNotification): the CSMS asks on its own.
    const asked: string[] = [];
    const again = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    again.handle('GetTransactionStatus', async ({ params }) => {
      asked.push(params.transactionId);
      if (params.transactionId === 'GONE') return { ongoingIndicator: false, messagesInQueue: false };
      if (params.transactionId === 'QUEUED') return { ongoingIndicator: false, messagesInQueue: true };
      return { ongoingIndicator: true, messagesInQueue: false };
    });
    await eventually(async () => asked.length === 3, 15_000);
    expect(asked.sort()).toEqual(['GONE', 'QUEUED', 'RUNS']);
    await eventually(async () => (await tx('GONE', id)).active === false);
    expect(await tx('GONE', id)).toMatchObject({ active: false, stopReason: 'Reconciled:NotOngoing' });
    expect(await tx('RUNS', id)).toMatchObject({ active: true });
    expect(await tx('QUEUED', id)).toMatchObject({ active: true });
    await again.close();
  });

  it('starts no check for a station with no transaction held, for a 1.6 station, or when turned off', async () => {
    const id = newId('RECON0');
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
    expect(await startReconnectCheck(id, 'conn-a', 'ocpp2.0.1')).toBe(false);
    await started(cs, 'HELD', 1);
    expect(await startReconnectCheck(id, 'conn-b', 'ocpp2.0.1')).toBe(true);
    process.env.CSMS_RECONNECT_TX_CHECK_S = '0';
    try {
      expect(await startReconnectCheck(id, 'conn-c', 'ocpp2.0.1')).toBe(false);
    } finally {
      process.env.CSMS_RECONNECT_TX_CHECK_S = '1';
    }
    await cs.close();

    const id16 = newId('RECON16');
    const cp = await strictClient(csms.chargePointUrl, id16, 'ocpp1.6');
    expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' })).status).toBe('Accepted');
    await csms.api.put('/id-tags/RECONTAG16', { status: 'Accepted' });
    await cp.call('StartTransaction', { connectorId: 1, idTag: 'RECONTAG16', meterStart: 0, timestamp: ago(30) });
    // 1.6 has no GetTransactionStatus: a boot or a StatusNotification Available closes its ghosts.
    expect(await startReconnectCheck(id16, 'conn-d', 'ocpp1.6')).toBe(false);
    await cp.close();
  });

  it('a check whose connection is gone by the time it runs asks nothing', async () => {
    const id = newId('RECONG');
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
    await started(cs, 'HELD', 1);
    expect(await runReconnectCheck({ chargePointId: id, connectionId: 'an-older-connection' })).toEqual({ skipped: 'The connection it was started for is gone' });
    await cs.close();
  });
});
