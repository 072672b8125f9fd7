/**
 * The station-initiated actions new in OCPP 2.1, from a strict ocpp-rpc client on ocpp2.1: each is
 * answered as its 2.1 schema requires and what it reported is readable through the events API;
 * CSMS-initiated 2.1 calls go through the calls API validated against the 2.1 schemas.
 */
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

async function station(protocol: 'ocpp2.1' | 'ocpp2.0.1' = 'ocpp2.1') {
  const id = newId('S21');
  const cs = await strictClient(csms.chargePointUrl, id, protocol);
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })).status).toBe('Accepted');
  return { id, cs };
}
const eventsOf = async (id: string, kind: string) => (await csms.api.get(`/charge-points/${id}/events?kind=${kind}`)).body.items;
const now = () => new Date().toISOString();

describe('station-initiated 2.1 actions', () => {
  it('DER and bidirectional reports are answered and stored (retries not duplicated)', async () => {
    const { id, cs } = await station();
    expect(await cs.call('NotifyAllowedEnergyTransfer', { transactionId: 'tx-1', allowedEnergyTransfer: ['DC', 'DC_BPT'] })).toEqual({ status: 'Accepted' });
    const alarm = { controlType: 'FreqDroop', timestamp: '2026-03-01T10:00:00.000Z', alarmEnded: false, extraInfo: 'grid' };
    expect(await cs.call('NotifyDERAlarm', alarm)).toEqual({});
    expect(await cs.call('NotifyDERAlarm', alarm)).toEqual({});
    expect(await cs.call('NotifyDERStartStop', { controlId: 'c1', started: true, timestamp: now() })).toEqual({});
    expect(await cs.call('ReportDERControl', { requestId: 4 })).toEqual({});
    expect(await eventsOf(id, 'allowed-energy-transfer')).toEqual([expect.objectContaining({ payload: { transactionId: 'tx-1', allowedEnergyTransfer: ['DC', 'DC_BPT'] } })]);
    expect(await eventsOf(id, 'der-alarm')).toEqual([expect.objectContaining({ at: alarm.timestamp, payload: alarm })]);
    expect(await eventsOf(id, 'der-start-stop')).toHaveLength(1);
    expect(await eventsOf(id, 'der-control-report')).toEqual([expect.objectContaining({ payload: { requestId: 4 } })]);
    await cs.close();
  });

  it('VatNumberValidation follows the documented rule (format), echoing the number and EVSE', async () => {
    const { id, cs } = await station();
    expect(await cs.call('VatNumberValidation', { vatNumber: 'NL 8547.26.394B01', evseId: 1 })).toEqual({ vatNumber: 'NL 8547.26.394B01', evseId: 1, status: 'Accepted' });
    expect(await cs.call('VatNumberValidation', { vatNumber: '12345' })).toEqual({ vatNumber: '12345', status: 'Rejected', statusInfo: { reasonCode: 'InvalidFormat' } });
    expect((await eventsOf(id, 'vat-validation')).map((e: { payload: { status: string } }) => e.payload.status).sort()).toEqual(['Accepted', 'Rejected']);
    await cs.close();
  });

  it('battery swap, web payment, settlement, priority charging are recorded; PullDynamicScheduleUpdate is refused (no update source)', async () => {
    const { id, cs } = await station();
    expect(await cs.call('BatterySwap', { eventType: 'BatteryIn', requestId: 1, idToken: { idToken: 'T1', type: 'ISO14443' }, batteryData: [{ evseId: 1, serialNumber: 'B1', soC: 80, soH: 95 }] })).toEqual({});
    expect(await cs.call('NotifyWebPaymentStarted', { evseId: 1, timeout: 120 })).toEqual({});
    expect(await cs.call('NotifySettlement', { pspRef: 'psp-1', status: 'Settled', settlementAmount: 12.5, settlementTime: now() })).toEqual({});
    expect(await cs.call('NotifyPriorityCharging', { transactionId: 'tx-2', activated: true })).toEqual({});
    expect(await cs.call('PullDynamicScheduleUpdate', { chargingProfileId: 3 })).toMatchObject({ status: 'Rejected', statusInfo: { reasonCode: 'NoUpdate' } });
    for (const kind of ['battery-swap', 'web-payment', 'settlement', 'priority-charging', 'dynamic-schedule-pull']) expect([kind, (await eventsOf(id, kind)).length]).toEqual([kind, 1]);
    await cs.close();
  });

  it('a 2.0.1 station sending a 2.1-only action gets NotImplemented', async () => {
    const { cs } = await station('ocpp2.0.1');
    await expect(cs.call('NotifyPriorityCharging', { transactionId: 'tx', activated: true })).rejects.toThrow();
    await cs.close();
  });
});

describe('CSMS-initiated 2.1 calls through the calls API', () => {
  it('are validated against the 2.1 schemas and sent to a 2.1 station only', async () => {
    const { id, cs } = await station();
    cs.handle('UsePriorityCharging', ({ params }) => ({ status: params.activate ? 'Accepted' : 'NoProfile' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/UsePriorityCharging`, { transactionId: 'tx-3', activate: true })).body).toEqual({ response: { status: 'Accepted' } });
    const bad = await csms.api.post(`/charge-points/${id}/calls/UsePriorityCharging`, { transactionId: 'tx-3' });
    expect([bad.status, bad.body.error]).toEqual([400, 'InvalidPayload']);
    const old = await station('ocpp2.0.1');
    const unknown = await csms.api.post(`/charge-points/${old.id}/calls/UsePriorityCharging`, { transactionId: 'tx-3', activate: true });
    expect([unknown.status, unknown.body.error]).toEqual([400, 'UnknownAction']);
    await Promise.all([cs.close(), old.cs.close()]);
  });
});
