import { bootCsms } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 N07 Alert Event / N08 Periodic Event (NotifyEvent) and A04 Security Event
 * Notification (2.0.1 and the 1.6 security extension): stored per charge point and listed by
 * GET /api/charge-points/{id}/events with a kind filter and pagination.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

async function station(protocol: 'ocpp2.0.1' | 'ocpp1.6' = 'ocpp2.0.1') {
  const id = newId('EV');
  const cs = await strictClient(csms.chargePointUrl, id, protocol);
  if (protocol === 'ocpp1.6') await cs.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
  else await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } });
  return { id, cs };
}

const overTemp = {
  eventId: 1, timestamp: at(3), trigger: 'Alerting', actualValue: '87.5', techCode: 'T-OVR', techInfo: 'heatsink', cleared: false,
  component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' }, variableMonitoringId: 12, eventNotificationType: 'CustomMonitor',
};
const tempBack = { ...overTemp, eventId: 2, timestamp: at(2), actualValue: '60', cleared: true, cause: 1 };
const periodic = {
  eventId: 3, timestamp: at(1), trigger: 'Periodic', actualValue: '231.2',
  component: { name: 'ChargingStation' }, variable: { name: 'ACVoltage' }, eventNotificationType: 'PreconfiguredMonitor', transactionId: 'TX-1',
};
const delta = { eventId: 4, timestamp: at(0.5), trigger: 'Delta', actualValue: 'Faulted', component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' }, eventNotificationType: 'HardWiredMonitor' };

describe('N07/N08 NotifyEvent', () => {
  it('keeps every eventData item with its trigger, value, component/variable and cleared flag', async () => {
    const { id, cs } = await station();
    expect(await cs.call('NotifyEvent', { generatedAt: at(0), seqNo: 0, tbc: true, eventData: [overTemp, tempBack] })).toEqual({});
    expect(await cs.call('NotifyEvent', { generatedAt: at(0), seqNo: 1, eventData: [periodic, delta] })).toEqual({});

    const list = await csms.api.get(`/charge-points/${id}/events?kind=monitoring`);
    expect(list.status).toBe(200);
    // Newest first, by the station's timestamps.
    expect(list.body.items.map((e: { eventId: number }) => e.eventId)).toEqual([4, 3, 2, 1]);
    expect(list.body.items[3]).toMatchObject({
      id: expect.any(String), kind: 'monitoring', at: overTemp.timestamp, trigger: 'Alerting', actualValue: '87.5', techCode: 'T-OVR', techInfo: 'heatsink',
      cleared: false, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' }, variableMonitoringId: 12,
      eventNotificationType: 'CustomMonitor', seqNo: 0, tbc: true,
    });
    expect(list.body.items[2]).toMatchObject({ eventId: 2, cleared: true, cause: 1 });
    expect(list.body.items[1]).toMatchObject({ trigger: 'Periodic', actualValue: '231.2', transactionId: 'TX-1', cleared: false, seqNo: 1, tbc: false });
    await cs.close();
  });

  it('a retried NotifyEvent is not stored twice; pages follow nextToken', async () => {
    const { id, cs } = await station();
    const msg = { generatedAt: at(0), seqNo: 0, eventData: [overTemp, tempBack, periodic, delta] };
    await cs.call('NotifyEvent', msg);
    await cs.call('NotifyEvent', msg);
    // The same event twice in one message is one event too.
    expect(await cs.call('NotifyEvent', { generatedAt: at(0), seqNo: 1, eventData: [delta, delta] })).toEqual({});
    await cs.call('SecurityEventNotification', { type: 'StartupOfTheDevice', timestamp: at(10) });

    const seen: number[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await csms.api.get(`/charge-points/${id}/events?kind=monitoring&limit=3${token ? `&nextToken=${token}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((e: { eventId: number }) => e.eventId));
      token = page.body.nextToken;
      pages++;
    } while (token && pages < 5);
    expect(seen).toEqual([4, 3, 2, 1]);
    expect(pages).toBe(2);
    const all = await csms.api.get(`/charge-points/${id}/events`);
    expect(all.body.items.map((e: { kind: string }) => e.kind)).toEqual(['monitoring', 'monitoring', 'monitoring', 'monitoring', 'security']);
    await cs.close();
  });

  it('answers an invalid NotifyEvent with the specific CALLERROR and stores nothing', async () => {
    const id = newId('EV');
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, ['ocpp2.0.1']);
    await ws.exchange([2, 'b', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    const { eventNotificationType: _drop, ...noType } = overTemp;
    expect((await ws.exchange([2, 'e1', 'NotifyEvent', { generatedAt: at(0), seqNo: 0, eventData: [noType] }])).slice(0, 3)).toEqual([4, 'e1', 'OccurrenceConstraintViolation']);
    expect((await ws.exchange([2, 'e2', 'NotifyEvent', { generatedAt: at(0), seqNo: 0, eventData: [{ ...overTemp, trigger: 'Sometimes' }] }])).slice(0, 3)).toEqual([4, 'e2', 'PropertyConstraintViolation']);
    expect((await ws.exchange([2, 'e3', 'NotifyEvent', { generatedAt: at(0), seqNo: 0, eventData: [] }])).slice(0, 3)).toEqual([4, 'e3', 'OccurrenceConstraintViolation']);
    expect((await ws.exchange([2, 'e4', 'SecurityEventNotification', { type: 'X'.repeat(51), timestamp: at(0) }])).slice(0, 3)).toEqual([4, 'e4', 'TypeConstraintViolation']);
    expect((await csms.api.get(`/charge-points/${id}/events`)).body.items).toEqual([]);
    await ws.close();
  });
});

describe('N03–N06 monitoring set up through the calls API, and what it reports', () => {
  it('SetMonitoringBase, SetVariableMonitoring, SetMonitoringLevel, ClearVariableMonitoring go out and come back; the monitor\'s alert is stored (N07)', async () => {
    const { id, cs } = await station();
    const seen: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const on = (action: string, fn: (p: any) => unknown) => (cs.handle as any)(action, ({ params }: { params: unknown }) => (seen.push(action), fn(params)));
    on('SetMonitoringBase', () => ({ status: 'Accepted' }));
    on('SetVariableMonitoring', (p) => ({ setMonitoringResult: p.setMonitoringData.map((d: { component: unknown; variable: unknown; type: string; severity: number }, i: number) => ({
      id: 40 + i, status: 'Accepted', type: d.type, severity: d.severity, component: d.component, variable: d.variable,
    })) }));
    on('SetMonitoringLevel', () => ({ status: 'Accepted' }));
    on('ClearVariableMonitoring', (p) => ({ clearMonitoringResult: p.id.map((mid: number) => ({ id: mid, status: mid === 40 ? 'Accepted' : 'NotFound' })) }));

    expect((await csms.api.post(`/charge-points/${id}/calls/SetMonitoringBase`, { monitoringBase: 'HardWiredOnly' })).body.response.status).toBe('Accepted');
    const set = await csms.api.post(`/charge-points/${id}/calls/SetVariableMonitoring`, { setMonitoringData: [
      { value: 80, type: 'UpperThreshold', severity: 2, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Temperature' } },
    ] });
    expect(set.body.response.setMonitoringResult).toEqual([expect.objectContaining({ id: 40, status: 'Accepted' })]);
    expect((await csms.api.post(`/charge-points/${id}/calls/SetMonitoringLevel`, { severity: 4 })).body.response.status).toBe('Accepted');
    await cs.call('NotifyEvent', { generatedAt: at(0), seqNo: 0, eventData: [{ ...overTemp, variableMonitoringId: 40 }] });
    const clear = await csms.api.post(`/charge-points/${id}/calls/ClearVariableMonitoring`, { id: [40, 41] });
    expect(clear.body.response.clearMonitoringResult.map((r: { status: string }) => r.status)).toEqual(['Accepted', 'NotFound']);
    expect(seen).toEqual(['SetMonitoringBase', 'SetVariableMonitoring', 'SetMonitoringLevel', 'ClearVariableMonitoring']);
    expect((await csms.api.get(`/charge-points/${id}/events?kind=monitoring`)).body.items).toEqual([expect.objectContaining({ variableMonitoringId: 40, actualValue: '87.5' })]);
    // Invalid monitoring requests never reach the station.
    expect((await csms.api.post(`/charge-points/${id}/calls/SetMonitoringLevel`, { severity: 'high' })).status).toBe(400);
    expect(seen).toHaveLength(4);
    await cs.close();
  });
});

describe('G05 Lock Failure', () => {
  it('the station\'s ConnectorPlugRetentionLock Problem event is stored and found by the operator', async () => {
    const { id, cs } = await station();
    await cs.call('StatusNotification', { timestamp: at(1), connectorStatus: 'Faulted', evseId: 1, connectorId: 1 });
    // G05.FR.02: NotifyEvent with component ConnectorPlugRetentionLock, variable Problem = true.
    await cs.call('NotifyEvent', { generatedAt: at(0), seqNo: 0, eventData: [{
      eventId: 77, timestamp: at(1), trigger: 'Delta', actualValue: 'true', component: { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } },
      variable: { name: 'Problem' }, eventNotificationType: 'HardWiredNotification', techCode: 'LOCK-01',
    }] });
    const list = await csms.api.get(`/charge-points/${id}/events?kind=monitoring`);
    expect(list.body.items).toEqual([expect.objectContaining({ component: { name: 'ConnectorPlugRetentionLock', evse: { id: 1, connectorId: 1 } }, variable: { name: 'Problem' }, actualValue: 'true' })]);
    expect((await csms.api.get(`/charge-points/${id}`)).body.connectors['1/1'].status).toBe('Faulted');
    await cs.close();
  });
});

describe('A04 Security Event Notification', () => {
  it('2.0.1: stored as kind security with type and techInfo; a retry is not stored twice', async () => {
    const { id, cs } = await station();
    const ev = { type: 'FailedToAuthenticateAtCsms', timestamp: at(5), techInfo: 'bad password from 10.0.0.8' };
    expect(await cs.call('SecurityEventNotification', ev)).toEqual({});
    expect(await cs.call('SecurityEventNotification', ev)).toEqual({});
    await cs.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: at(1) });
    const list = await csms.api.get(`/charge-points/${id}/events?type=security`);
    expect(list.body.items).toEqual([
      expect.objectContaining({ kind: 'security', type: 'TamperDetectionActivated', at: expect.any(String) }),
      expect.objectContaining({ kind: 'security', type: 'FailedToAuthenticateAtCsms', techInfo: 'bad password from 10.0.0.8', at: ev.timestamp }),
    ]);
    await cs.close();
  });

  it('1.6 security extension: the same message, the same store', async () => {
    const { id, cs } = await station('ocpp1.6');
    expect(await cs.call('SecurityEventNotification', { type: 'SettingSystemTime', timestamp: at(2), techInfo: 'NTP' })).toEqual({});
    expect((await csms.api.get(`/charge-points/${id}/events?kind=security`)).body.items).toEqual([
      expect.objectContaining({ kind: 'security', type: 'SettingSystemTime', techInfo: 'NTP' }),
    ]);
    await cs.close();
  });
});

describe('the events API says what is wrong', () => {
  it('404 unknown charge point; 400 for bad parameters', async () => {
    const { id, cs } = await station();
    expect((await csms.api.get(`/charge-points/${newId()}/events`)).status).toBe(404);
    for (const q of ['limit=0', 'limit=501', 'limit=abc', 'kind=a%20b', 'nextToken=%%%', 'colour=red', 'kind=security&type=monitoring']) {
      const res = await csms.api.get(`/charge-points/${id}/events?${q}`);
      expect([q, res.status, res.body.error]).toEqual([q, 400, 'BadRequest']);
    }
    // A token of another charge point is refused: a caller cannot read across partitions with it.
    const other = Buffer.from(JSON.stringify({ chargePointId: 'someone-else', eventKey: 'x' })).toString('base64url');
    expect((await csms.api.get(`/charge-points/${id}/events?nextToken=${other}`)).status).toBe(400);
    await cs.close();
  });
});
