import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

/**
 * The notifications a 2.0.1 station sends after common CSMS requests, with strict 2.0.1 charge
 * points: N02 GetMonitoringReport → NotifyMonitoringReport, N09/N10 CustomerInformation →
 * NotifyCustomerInformation, O03/O04 GetDisplayMessages → NotifyDisplayMessages (multi-part reports
 * of their kind at GET /api/charge-points/{id}/reports?kind=), L03 PublishFirmware →
 * PublishFirmwareStatusNotification (events), L04 UnpublishFirmware (round trip) and K15/K17
 * NotifyEVChargingSchedule (events).
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Station = Awaited<ReturnType<typeof strictClient>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const on = (cs: Station, action: string, fn: (params: any) => unknown) => (cs.handle as any)(action, ({ params }: { params: unknown }) => fn(params));
const now = () => new Date().toISOString();

async function station(): Promise<{ id: string; cs: Station }> {
  const id = newId('NT');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
  return { id, cs };
}

const monitor = (name: string, id: number) => ({
  component: { name: 'EVSE', evse: { id: 1 } }, variable: { name },
  // 2.1 requires each monitor's eventNotificationType.
  variableMonitoring: [{ id, transaction: false, value: 80, type: 'UpperThreshold', severity: 4, ...(protocol2x() === 'ocpp2.1' ? { eventNotificationType: 'CustomMonitor' } : {}) }],
});
const message = (id: number, content: string) => ({ id, priority: 'NormalCycle', state: 'Idle', message: { format: 'UTF8', language: 'en', content } });

describe('N02 Get Monitoring report', () => {
  it('GetMonitoringReport Accepted, then a 2-part NotifyMonitoringReport read back complete; a retried part is not duplicated', async () => {
    const { id, cs } = await station();
    on(cs, 'GetMonitoringReport', () => ({ status: 'Accepted' }));
    const res = await csms.api.post(`/charge-points/${id}/calls/GetMonitoringReport`, { requestId: 5, monitoringCriteria: ['ThresholdMonitoring'] });
    expect(res).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });

    expect(await cs.call('NotifyMonitoringReport', { requestId: 5, generatedAt: now(), seqNo: 0, tbc: true, monitor: [monitor('Temperature', 1)] })).toEqual({});
    const partial = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/reports/5?kind=monitoring`);
      return r.status === 200 && r.body.action === 'GetMonitoringReport' && r.body;
    });
    expect(partial).toMatchObject({ kind: 'monitoring', status: 'Receiving', parts: 1, request: { requestId: 5, monitoringCriteria: ['ThresholdMonitoring'] } });
    // The station resends part 0 (no answer seen), then sends the last part.
    await cs.call('NotifyMonitoringReport', { requestId: 5, generatedAt: now(), seqNo: 0, tbc: true, monitor: [monitor('Temperature', 1)] });
    await cs.call('NotifyMonitoringReport', { requestId: 5, generatedAt: now(), seqNo: 1, tbc: false, monitor: [monitor('Current', 2)] });

    const done = await csms.api.get(`/charge-points/${id}/reports/5?kind=monitoring`);
    expect(done.body).toMatchObject({ kind: 'monitoring', requestId: 5, status: 'Complete', answer: { status: 'Accepted' }, parts: 2, completedAt: expect.any(String) });
    expect(done.body.monitors).toEqual([monitor('Temperature', 1), monitor('Current', 2)]);
    expect(done.body.partDetails.map((p: { seqNo: number; tbc: boolean }) => [p.seqNo, p.tbc])).toEqual([[0, true], [1, false]]);

    // Kinds have their own requestIds: no device-model report 5, and the list filters by kind.
    expect((await csms.api.get(`/charge-points/${id}/reports/5`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${id}/reports?kind=monitoring`)).body.items).toEqual([expect.objectContaining({ kind: 'monitoring', requestId: 5, status: 'Complete' })]);
    expect((await csms.api.get(`/charge-points/${id}/reports?kind=device-model`)).body.items).toEqual([]);
    expect((await csms.api.get(`/charge-points/${id}/reports?kind=bogus`)).status).toBe(400);
    await cs.close();
  });

  it('a refused GetMonitoringReport is recorded with its answer', async () => {
    const { id, cs } = await station();
    on(cs, 'GetMonitoringReport', () => ({ status: 'EmptyResultSet' }));
    await csms.api.post(`/charge-points/${id}/calls/GetMonitoringReport`, { requestId: 6 });
    expect((await csms.api.get(`/charge-points/${id}/reports/6?kind=monitoring`)).body).toMatchObject({ status: 'EmptyResultSet', parts: 0 });
    await cs.close();
  });
});

describe('N09/N10 Customer Information', () => {
  it('N09: CustomerInformation Accepted, then a 2-part NotifyCustomerInformation read back as one text; a retried part is not duplicated', async () => {
    const { id, cs } = await station();
    const requests: unknown[] = [];
    on(cs, 'CustomerInformation', (p) => { requests.push(p); return { status: 'Accepted' }; });
    const req = { requestId: 9, report: true, clear: false, idToken: { idToken: 'RFID-0042', type: 'ISO14443' } };
    expect((await csms.api.post(`/charge-points/${id}/calls/CustomerInformation`, req)).body).toEqual({ response: { status: 'Accepted' } });
    expect(requests).toEqual([req]);

    await cs.call('NotifyCustomerInformation', { requestId: 9, generatedAt: now(), seqNo: 0, tbc: true, data: 'Sessions of RFID-0042: ' });
    await cs.call('NotifyCustomerInformation', { requestId: 9, generatedAt: now(), seqNo: 0, tbc: true, data: 'Sessions of RFID-0042: ' });
    expect((await csms.api.get(`/charge-points/${id}/reports/9?kind=customer-information`)).body).toMatchObject({ status: 'Receiving', parts: 1 });
    await cs.call('NotifyCustomerInformation', { requestId: 9, generatedAt: now(), seqNo: 1, tbc: false, data: '3 sessions, 41.2 kWh' });

    const done = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/reports/9?kind=customer-information`);
      return r.body.action === 'CustomerInformation' && r.body;
    });
    expect(done).toMatchObject({
      kind: 'customer-information', status: 'Complete', parts: 2, data: 'Sessions of RFID-0042: 3 sessions, 41.2 kWh',
      request: { report: true, clear: false, idToken: { idToken: 'RFID-0042', type: 'ISO14443' } },
    });
    await cs.close();
  });

  it('N10: a clear-only CustomerInformation Accepted is complete without a notification; Rejected is recorded', async () => {
    const { id, cs } = await station();
    on(cs, 'CustomerInformation', (p) => ({ status: p.requestId === 11 ? 'Accepted' : 'Rejected' }));
    await csms.api.post(`/charge-points/${id}/calls/CustomerInformation`, { requestId: 11, report: false, clear: true, customerIdentifier: 'cust-7' });
    await csms.api.post(`/charge-points/${id}/calls/CustomerInformation`, { requestId: 12, report: false, clear: true, customerIdentifier: 'cust-8' });
    expect((await csms.api.get(`/charge-points/${id}/reports/11?kind=customer-information`)).body).toMatchObject({
      status: 'Complete', parts: 0, request: { clear: true, report: false, customerIdentifier: 'cust-7' }, answer: { status: 'Accepted' },
    });
    expect((await csms.api.get(`/charge-points/${id}/reports/12?kind=customer-information`)).body).toMatchObject({ status: 'Rejected' });
    await cs.close();
  });
});

describe('O03/O04 Get DisplayMessages', () => {
  it('GetDisplayMessages Accepted, then a 2-part NotifyDisplayMessages read back complete; a retried part is not duplicated', async () => {
    const { id, cs } = await station();
    on(cs, 'GetDisplayMessages', (p) => ({ status: p.requestId === 31 ? 'Accepted' : 'Unknown' }));
    // O03: all messages.
    expect((await csms.api.post(`/charge-points/${id}/calls/GetDisplayMessages`, { requestId: 31 })).body).toEqual({ response: { status: 'Accepted' } });
    await cs.call('NotifyDisplayMessages', { requestId: 31, tbc: true, messageInfo: [message(1, 'Welcome')] });
    await cs.call('NotifyDisplayMessages', { requestId: 31, tbc: true, messageInfo: [message(1, 'Welcome')] });
    expect((await csms.api.get(`/charge-points/${id}/reports/31?kind=display-messages`)).body).toMatchObject({ status: 'Receiving', parts: 1 });
    await cs.call('NotifyDisplayMessages', { requestId: 31, tbc: false, messageInfo: [message(2, 'Out of order soon'), message(3, 'Tap card')] });

    const done = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/reports/31?kind=display-messages`);
      return r.body.action === 'GetDisplayMessages' && r.body;
    });
    expect(done).toMatchObject({ kind: 'display-messages', status: 'Complete', parts: 2, answer: { status: 'Accepted' } });
    expect(done.messages).toEqual([message(1, 'Welcome'), message(2, 'Out of order soon'), message(3, 'Tap card')]);

    // O04: specific ids the station does not have → Unknown, recorded.
    expect((await csms.api.post(`/charge-points/${id}/calls/GetDisplayMessages`, { requestId: 32, id: [99] })).body).toEqual({ response: { status: 'Unknown' } });
    expect((await csms.api.get(`/charge-points/${id}/reports/32?kind=display-messages`)).body).toMatchObject({ status: 'Unknown', request: { id: [99] } });
    // Every kind in one list when no kind is given.
    const all = (await csms.api.get(`/charge-points/${id}/reports`)).body.items;
    expect(all.map((r: { kind: string; requestId: number }) => `${r.kind}:${r.requestId}`)).toEqual(['display-messages:32', 'display-messages:31']);
    await cs.close();
  });
});

describe('L03 Publish Firmware file on Local Controller', () => {
  it('PublishFirmware through the calls API; every PublishFirmwareStatusNotification status is recorded', async () => {
    const { id, cs } = await station();
    on(cs, 'PublishFirmware', () => ({ status: 'Accepted' }));
    const req = { location: 'https://fw.example.com/dc150-2.1.bin', checksum: '0123456789abcdef0123456789abcdef', requestId: 77, retries: 2 };
    expect((await csms.api.post(`/charge-points/${id}/calls/PublishFirmware`, req)).body).toEqual({ response: { status: 'Accepted' } });
    for (const status of ['Downloading', 'Downloaded', 'ChecksumVerified']) expect(await cs.call('PublishFirmwareStatusNotification', { status, requestId: 77 })).toEqual({});
    const published = ['http://lc.local/fw/dc150-2.1.bin', 'ftp://lc.local/fw/dc150-2.1.bin'];
    expect(await cs.call('PublishFirmwareStatusNotification', { status: 'Published', requestId: 77, location: published })).toEqual({});

    const events = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/events?kind=firmware-publish`);
      return r.body.items.length === 4 && r.body.items;
    });
    expect(events.map((e: { status: string }) => e.status).sort()).toEqual(['ChecksumVerified', 'Downloaded', 'Downloading', 'Published']);
    expect(events.find((e: { status: string }) => e.status === 'Published')).toMatchObject({ kind: 'firmware-publish', requestId: 77, location: published });
    await cs.close();
  });

  it('L04: UnpublishFirmware through the calls API returns the local controller\'s answer', async () => {
    const { id, cs } = await station();
    const seen: unknown[] = [];
    on(cs, 'UnpublishFirmware', (p) => { seen.push(p); return { status: seen.length === 1 ? 'Unpublished' : 'NoFirmware' }; });
    const checksum = '0123456789abcdef0123456789abcdef';
    expect((await csms.api.post(`/charge-points/${id}/calls/UnpublishFirmware`, { checksum })).body).toEqual({ response: { status: 'Unpublished' } });
    expect((await csms.api.post(`/charge-points/${id}/calls/UnpublishFirmware`, { checksum })).body).toEqual({ response: { status: 'NoFirmware' } });
    expect(seen).toEqual([{ checksum }, { checksum }]);
    await cs.close();
  });
});

describe('K15/K17 NotifyEVChargingSchedule', () => {
  it('is answered Accepted and the schedule is visible; a retry is not duplicated, a renegotiated schedule is kept too', async () => {
    const { id, cs } = await station();
    const timeBase = new Date(Date.now() - 60_000).toISOString();
    const schedule = (limit: number) => ({ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit }, { startPeriod: 3600, limit: limit / 2 }] });
    const msg = { timeBase, evseId: 1, chargingSchedule: schedule(11000) };
    expect(await cs.call('NotifyEVChargingSchedule', msg)).toEqual({ status: 'Accepted' });
    expect(await cs.call('NotifyEVChargingSchedule', msg)).toEqual({ status: 'Accepted' });
    // K17: the EV renegotiates.
    const later = new Date().toISOString();
    expect(await cs.call('NotifyEVChargingSchedule', { timeBase: later, evseId: 1, chargingSchedule: schedule(7000) })).toEqual({ status: 'Accepted' });

    const items = (await csms.api.get(`/charge-points/${id}/events?kind=ev-charging-schedule`)).body.items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ kind: 'ev-charging-schedule', evseId: 1, timeBase: later, chargingSchedule: schedule(7000) });
    expect(items[1]).toMatchObject({ evseId: 1, timeBase, at: timeBase, chargingSchedule: schedule(11000) });
    await cs.close();
  });
});
