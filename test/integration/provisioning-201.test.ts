import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, rawClient, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 provisioning through the operator API with strict 2.0.1 charge points:
 * B05/B06 Set/Get Variables, B07 Get Base Report, B08 Get Custom Report (NotifyReport parts
 * assembled into the device model), B11/B12 Reset without and with an ongoing transaction.
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
  const id = newId('CS');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
  return { id, cs };
}

const heartbeatInterval = {
  component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' },
  variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite', persistent: true, constant: false }],
  variableCharacteristics: { unit: 's', dataType: 'integer', minLimit: 1, supportsMonitoring: true },
};
const evseAvailability = (evse: number) => ({
  component: { name: 'EVSE', evse: { id: evse } }, variable: { name: 'AvailabilityState' },
  variableAttribute: [{ value: 'Available', mutability: 'ReadOnly' }],
  variableCharacteristics: { dataType: 'OptionList', valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted', supportsMonitoring: true },
});
const maxCurrent = {
  component: { name: 'SmartChargingCtrlr' }, variable: { name: 'LimitChangeSignificance' },
  variableAttribute: [{ type: 'Actual', value: '0.5' }, { type: 'MaxSet', value: '1' }],
  variableCharacteristics: { dataType: 'decimal', supportsMonitoring: false },
};

describe('B03 Cold Boot Charging Station – Rejected', () => {
  it('answers Rejected with the retry interval and refuses every other request meanwhile (B03.FR.04)', async () => {
    const id = newId('CS');
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Rejected' });
    const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
    const boot = await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } });
    expect(boot).toMatchObject({ status: 'Rejected', interval: expect.any(Number) });
    expect(boot.interval).toBeGreaterThan(0);
    for (const [action, payload] of [
      ['Heartbeat', {}],
      ['StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 }],
      ['NotifyReport', { requestId: 1, generatedAt: now(), seqNo: 0, reportData: [heartbeatInterval] }],
    ] as const) await expect(cs.call(action, payload)).rejects.toMatchObject({ rpcErrorCode: 'SecurityError' });
    expect((await csms.api.get(`/charge-points/${id}/device-model`)).body.items).toEqual([]);
    await cs.close();
  });
});

describe('B04 Offline Behavior Idle Charging Station', () => {
  it('after a connection loss the station reconnects without a new boot and reports what changed offline, with its old timestamps', async () => {
    const { id, cs } = await station();
    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    await cs.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);
    const changedOffline = new Date(Date.now() - 10 * 60_000).toISOString();
    // B04.FR.01/02: back online, a StatusNotification for each connector whose status changed; no BootNotification.
    const again = await strictClient(csms.chargePointUrl, id, protocol2x());
    expect(await again.call('StatusNotification', { timestamp: changedOffline, connectorStatus: 'Unavailable', evseId: 1, connectorId: 1 })).toEqual({});
    expect(await again.call('Heartbeat', {})).toHaveProperty('currentTime');
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body).toMatchObject({ connected: true, connectors: { '1/1': { status: 'Unavailable', timestamp: changedOffline } } });
    await again.close();
  });
});

describe('B07 Get Base Report', () => {
  it('assembles a multi-part NotifyReport into the device model and records the report complete', async () => {
    const { id, cs } = await station();
    const requests: unknown[] = [];
    on(cs, 'GetBaseReport', (p) => {
      requests.push(p);
      // The first part races the answer (different Lambdas in the cloud): order must not matter.
      void cs.call('NotifyReport', { requestId: p.requestId, generatedAt: now(), seqNo: 0, tbc: true, reportData: [heartbeatInterval, evseAvailability(1)] });
      return { status: 'Accepted' };
    });
    const res = await csms.api.post(`/charge-points/${id}/calls/GetBaseReport`, { requestId: 101, reportBase: 'FullInventory' });
    expect(res).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });
    expect(requests).toEqual([{ requestId: 101, reportBase: 'FullInventory' }]);

    const partial = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/reports/101`);
      return r.status === 200 && r.body.parts === 1 && r.body.action === 'GetBaseReport' && r.body;
    });
    expect(partial).toMatchObject({ requestId: 101, status: 'Receiving', request: { requestId: 101, reportBase: 'FullInventory' }, answer: { status: 'Accepted' }, attributes: 2 });

    await cs.call('NotifyReport', { requestId: 101, generatedAt: now(), seqNo: 1, tbc: true, reportData: [evseAvailability(2)] });
    // A retried part (same seqNo) overwrites itself.
    await cs.call('NotifyReport', { requestId: 101, generatedAt: now(), seqNo: 1, tbc: true, reportData: [evseAvailability(2)] });
    await cs.call('NotifyReport', { requestId: 101, generatedAt: now(), seqNo: 2, tbc: false, reportData: [maxCurrent] });

    const done = await csms.api.get(`/charge-points/${id}/reports/101`);
    expect(done.body).toMatchObject({ requestId: 101, status: 'Complete', parts: 3, attributes: 5, completedAt: expect.any(String) });
    expect(done.body.missingParts).toBeUndefined();

    const model = await csms.api.get(`/charge-points/${id}/device-model`);
    expect(model.status).toBe(200);
    expect(model.body.items.map((v: { variableKey: string }) => v.variableKey).sort()).toEqual([
      'EVSE[1]/AvailabilityState/Actual', 'EVSE[2]/AvailabilityState/Actual', 'OCPPCommCtrlr/HeartbeatInterval/Actual',
      'SmartChargingCtrlr/LimitChangeSignificance/Actual', 'SmartChargingCtrlr/LimitChangeSignificance/MaxSet',
    ]);
    expect(model.body.items.find((v: { variableKey: string }) => v.variableKey === 'OCPPCommCtrlr/HeartbeatInterval/Actual')).toMatchObject({
      component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'Actual', value: '300',
      mutability: 'ReadWrite', readonly: false, persistent: true, constant: false, requestId: 101,
      characteristics: { unit: 's', dataType: 'integer', minLimit: 1, supportsMonitoring: true },
    });
    expect(model.body.items.find((v: { variableKey: string }) => v.variableKey === 'EVSE[1]/AvailabilityState/Actual')).toMatchObject({ value: 'Available', readonly: true, mutability: 'ReadOnly' });

    // Filters: by component, variable, EVSE and attribute type; the configuration endpoint lists the same model.
    const evse2 = await csms.api.get(`/charge-points/${id}/device-model?component=EVSE&evseId=2`);
    expect(evse2.body.items.map((v: { variableKey: string }) => v.variableKey)).toEqual(['EVSE[2]/AvailabilityState/Actual']);
    const maxSet = await csms.api.get(`/charge-points/${id}/device-model?variable=LimitChangeSignificance&attributeType=MaxSet`);
    expect(maxSet.body.items).toEqual([expect.objectContaining({ value: '1', attributeType: 'MaxSet' })]);
    expect((await csms.api.get(`/charge-points/${id}/configuration`)).body.items).toHaveLength(5);

    const list = await csms.api.get(`/charge-points/${id}/reports`);
    expect(list.body.items).toEqual([expect.objectContaining({ requestId: 101, status: 'Complete' })]);
    await cs.close();
  });

  it('records a refused or unsupported report; a report with a missing part is not complete', async () => {
    const { id, cs } = await station();
    on(cs, 'GetBaseReport', (p) => ({ status: p.reportBase === 'SummaryInventory' ? 'NotSupported' : 'Rejected', statusInfo: { reasonCode: 'Busy' } }));
    expect((await csms.api.post(`/charge-points/${id}/calls/GetBaseReport`, { requestId: 1, reportBase: 'SummaryInventory' })).body.response.status).toBe('NotSupported');
    expect((await csms.api.post(`/charge-points/${id}/calls/GetBaseReport`, { requestId: 2, reportBase: 'ConfigurationInventory' })).body.response.status).toBe('Rejected');
    expect((await csms.api.get(`/charge-points/${id}/reports/1`)).body).toMatchObject({ status: 'NotSupported', parts: 0 });
    expect((await csms.api.get(`/charge-points/${id}/reports/2`)).body).toMatchObject({ status: 'Rejected', answer: { status: 'Rejected', statusInfo: { reasonCode: 'Busy' } } });

    // Station-initiated report (no request known), last part arrived but part 1 never did.
    // (the same attribute twice in one part is stored once)
    await cs.call('NotifyReport', { requestId: 7, generatedAt: now(), seqNo: 0, tbc: true, reportData: [heartbeatInterval, heartbeatInterval] });
    await cs.call('NotifyReport', { requestId: 7, generatedAt: now(), seqNo: 2, tbc: false, reportData: [maxCurrent] });
    expect((await csms.api.get(`/charge-points/${id}/reports/7`)).body).toMatchObject({ status: 'Receiving', missingParts: [1], parts: 2 });
    expect((await csms.api.get(`/charge-points/${id}/reports/8`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${id}/reports/abc`)).status).toBe(400);
    expect((await csms.api.get(`/charge-points/${newId()}/reports/1`)).status).toBe(404);
    await cs.close();
  });
});

describe('B08 Get Custom Report', () => {
  it('asks for chosen component variables and criteria; EmptyResultSet completes with no data', async () => {
    const { id, cs } = await station();
    on(cs, 'GetReport', (p) => {
      if (p.componentCriteria?.includes('Problem')) return { status: 'EmptyResultSet' };
      setTimeout(() => void cs.call('NotifyReport', { requestId: p.requestId, generatedAt: now(), seqNo: 0, reportData: [heartbeatInterval] }), 10);
      return { status: 'Accepted' };
    });
    const custom = await csms.api.post(`/charge-points/${id}/calls/GetReport`, {
      requestId: 201, componentVariable: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
    });
    expect(custom.body.response.status).toBe('Accepted');
    const report = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/reports/201`);
      return r.body?.status === 'Complete' && r.body; // tbc omitted = false
    });
    expect(report).toMatchObject({ action: 'GetReport', parts: 1, attributes: 1 });
    expect((await csms.api.get(`/charge-points/${id}/device-model?component=OCPPCommCtrlr&variable=HeartbeatInterval`)).body.items).toEqual([
      expect.objectContaining({ value: '300', requestId: 201 }),
    ]);

    expect((await csms.api.post(`/charge-points/${id}/calls/GetReport`, { requestId: 202, componentCriteria: ['Problem'] })).body.response.status).toBe('EmptyResultSet');
    expect((await csms.api.get(`/charge-points/${id}/reports/202`)).body).toMatchObject({ status: 'EmptyResultSet', parts: 0 });

    // Invalid requests never reach the station.
    expect((await csms.api.post(`/charge-points/${id}/calls/GetReport`, { componentCriteria: ['Problem'] })).status).toBe(400);
    expect((await csms.api.post(`/charge-points/${id}/calls/GetReport`, { requestId: 3, componentCriteria: ['Broken'] })).status).toBe(400);
    expect((await csms.api.get(`/charge-points/${id}/device-model?colour=red`)).status).toBe(400);
    expect((await csms.api.get(`/charge-points/${id}/device-model?evseId=x`)).status).toBe(400);
    await cs.close();
  });

  it('answers an invalid NotifyReport with the specific CALLERROR and stores nothing', async () => {
    const id = newId('CS');
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, [protocol2x()]);
    await ws.exchange([2, 'b', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    const noRequestId = await ws.exchange([2, 'n1', 'NotifyReport', { generatedAt: now(), seqNo: 0, reportData: [heartbeatInterval] }]);
    expect(noRequestId.slice(0, 3)).toEqual([4, 'n1', 'OccurrenceConstraintViolation']);
    const badAttr = await ws.exchange([2, 'n2', 'NotifyReport', { requestId: 1, generatedAt: now(), seqNo: 0, reportData: [{ ...heartbeatInterval, variableAttribute: [{ type: 'Current', value: '1' }] }] }]);
    expect(badAttr.slice(0, 3)).toEqual([4, 'n2', 'PropertyConstraintViolation']);
    expect((await csms.api.get(`/charge-points/${id}/device-model`)).body.items).toEqual([]);
    expect((await csms.api.get(`/charge-points/${id}/reports`)).body.items).toEqual([]);
    await ws.close();
  });
});

describe('B05/B06 Set and Get Variables keep the device model current', () => {
  it('SetVariables Accepted/RebootRequired update it; rejected ones do not; GetVariables refreshes values', async () => {
    const { id, cs } = await station();
    on(cs, 'SetVariables', (p) => ({
      setVariableResult: p.setVariableData.map((d: { component: unknown; variable: { name: string } }) => ({
        attributeStatus: d.variable.name === 'NetworkProfileConnectionAttempts' ? 'RebootRequired' : d.variable.name === 'Nope' ? 'UnknownVariable' : 'Accepted',
        component: d.component, variable: d.variable,
      })),
    }));
    const set = await csms.api.post(`/charge-points/${id}/calls/SetVariables`, { setVariableData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'NetworkProfileConnectionAttempts' }, attributeValue: '3' },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'Nope' }, attributeValue: '1' },
    ] });
    expect(set.body.response.setVariableResult.map((r: { attributeStatus: string }) => r.attributeStatus)).toEqual(['Accepted', 'RebootRequired', 'UnknownVariable']);
    const model = await csms.api.get(`/charge-points/${id}/device-model?component=OCPPCommCtrlr`);
    expect(model.body.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ variableKey: 'OCPPCommCtrlr/HeartbeatInterval/Actual', value: '120' }),
      expect.objectContaining({ variableKey: 'OCPPCommCtrlr/NetworkProfileConnectionAttempts/Actual', value: '3', pendingReboot: true }),
    ]));
    expect(model.body.items).toHaveLength(2);

    on(cs, 'GetVariables', (p) => ({
      getVariableResult: p.getVariableData.map((d: { component: unknown; variable: unknown; attributeType?: string }) => ({
        attributeStatus: 'Accepted', attributeType: d.attributeType, attributeValue: d.attributeType === 'MaxSet' ? '3600' : '60', component: d.component, variable: d.variable,
      })),
    }));
    const get = await csms.api.post(`/charge-points/${id}/calls/GetVariables`, { getVariableData: [
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
      { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeType: 'MaxSet' },
    ] });
    expect(get.status).toBe(200);
    const hb = await csms.api.get(`/charge-points/${id}/device-model?variable=HeartbeatInterval`);
    expect(hb.body.items.map((v: { attributeType: string; value: string }) => `${v.attributeType}=${v.value}`).sort()).toEqual(['Actual=60', 'MaxSet=3600']);
    await cs.close();
  });
});

describe('B11/B12 Reset', () => {
  it('B11 without an ongoing transaction: Immediate is accepted, recorded, and the station boots again', async () => {
    const { id, cs } = await station();
    on(cs, 'Reset', () => ({ status: 'Accepted' }));
    const res = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Immediate' });
    expect(res.body).toEqual({ response: { status: 'Accepted' } });
    const events = await csms.api.get(`/charge-points/${id}/events?kind=reset`);
    expect(events.body.items).toEqual([expect.objectContaining({ kind: 'reset', resetType: 'Immediate', status: 'Accepted' })]);
    await cs.close();
    const again = await strictClient(csms.chargePointUrl, id, protocol2x());
    expect((await again.call('BootNotification', { reason: 'RemoteReset', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
    expect((await csms.api.get(`/charge-points/${id}`)).body.boot).toMatchObject({ reason: 'RemoteReset' });
    // An EVSE reset (2.0.1 only) and an invalid type.
    on(again, 'Reset', (p) => ({ status: p.evseId === 2 ? 'Rejected' : 'Accepted' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'OnIdle', evseId: 2 })).body.response.status).toBe('Rejected');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Hard' })).status).toBe(400);
    expect((await csms.api.get(`/charge-points/${id}/events?kind=reset`)).body.items[0]).toMatchObject({ resetType: 'OnIdle', evseId: 2, status: 'Rejected' });
    await again.close();
  });

  it('B12 with an ongoing transaction: OnIdle is Scheduled; Immediate ends the transaction with ImmediateReset', async () => {
    const { id, cs } = await station();
    const started = now();
    const txId = `TX-${id}`.slice(0, 36);
    await cs.call('TransactionEvent', {
      eventType: 'Started', timestamp: started, triggerReason: 'Authorized', seqNo: 0,
      transactionInfo: { transactionId: txId, chargingState: 'Charging' }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'RESET-TOKEN', type: 'ISO14443' },
      meterValue: [{ timestamp: started, sampledValue: [{ value: 1000, measurand: 'Energy.Active.Import.Register', context: 'Transaction.Begin' }] }],
    });
    await eventually(async () => (await csms.api.get(`/transactions?chargePointId=${id}&active=true`)).body?.items?.length === 1);

    // B12.FR.01/02: OnIdle while charging → Scheduled, recorded for the operator.
    on(cs, 'Reset', (p) => ({ status: p.type === 'OnIdle' ? 'Scheduled' : 'Accepted' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'OnIdle' })).body.response.status).toBe('Scheduled');
    expect((await csms.api.get(`/charge-points/${id}/events?kind=reset`)).body.items[0]).toMatchObject({ resetType: 'OnIdle', status: 'Scheduled' });

    // B12.FR.05/06: Immediate → the station ends the transaction (triggerReason ResetCommand, stoppedReason ImmediateReset), then reboots.
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Immediate' })).body.response.status).toBe('Accepted');
    await cs.call('TransactionEvent', {
      eventType: 'Ended', timestamp: now(), triggerReason: 'ResetCommand', seqNo: 1,
      transactionInfo: { transactionId: txId, stoppedReason: 'ImmediateReset' }, evse: { id: 1, connectorId: 1 },
      meterValue: [{ timestamp: now(), sampledValue: [{ value: 1500, measurand: 'Energy.Active.Import.Register', context: 'Transaction.End' }] }],
    });
    const tx = await csms.api.get(`/transactions/${encodeURIComponent(txId)}`);
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({ transactionId: txId, chargePointId: id, active: false, stopReason: 'ImmediateReset' });
    expect((await csms.api.get(`/transactions?chargePointId=${id}&active=true`)).body.items).toEqual([]);
    await cs.close();
    const again = await strictClient(csms.chargePointUrl, id, protocol2x());
    expect((await again.call('BootNotification', { reason: 'RemoteReset', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
    await again.close();
  });
});
