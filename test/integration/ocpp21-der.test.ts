/**
 * OCPP 2.1 DER control state, from a strict ocpp-rpc client on ocpp2.1: controls set through the
 * calls API (SetDERControl Accepted, superseded, ClearDERControl), the station's report
 * (GetDERControl → ReportDERControl), start/stop and alarms, all visible at
 * GET /api/charge-points/{id}/der.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Control = { controlId: string; controlType: string; isDefault: boolean; source: string; setting: Record<string, unknown>; started?: boolean; isSuperseded?: boolean };
type Alarm = { controlType: string; gridEventFault?: string; active: boolean; timestamp: string };
const derOf = async (id: string): Promise<{ controls: Control[]; alarms: Alarm[] }> => (await csms.api.get(`/charge-points/${id}/der`)).body;
const ids = (controls: Control[]) => controls.map((c) => c.controlId).sort();

const limitMaxDischarge = { priority: 1, pctMaxDischargePower: 50 };
const voltVar = { priority: 2, yUnit: 'PctMaxVar', curveData: [{ x: 95, y: 30 }, { x: 105, y: -30 }] };
const freqDroop = { priority: 3, overFreq: 50.2, underFreq: 49.8, overDroop: 5, underDroop: 5, responseTime: 2 };

describe('DER control state', () => {
  it('follows SetDERControl / ClearDERControl answers, the station report, start/stop and alarms', async () => {
    const id = newId('DER');
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.1');
    expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })).status).toBe('Accepted');
    cs.handle('SetDERControl', ({ params }) => {
      if (params.controlId === 'refused') return { status: 'Rejected' };
      return params.controlId === 'c3' ? { status: 'Accepted', supersededIds: ['c2'] } : { status: 'Accepted' };
    });
    cs.handle('ClearDERControl', () => ({ status: 'Accepted' }));
    cs.handle('GetDERControl', () => ({ status: 'Accepted' }));
    const set = (body: Record<string, unknown>) => csms.api.post(`/charge-points/${id}/calls/SetDERControl`, body);

    expect((await set({ isDefault: true, controlId: 'c1', controlType: 'LimitMaxDischarge', limitMaxDischarge })).body).toEqual({ response: { status: 'Accepted' } });
    expect((await set({ isDefault: false, controlId: 'c2', controlType: 'VoltVar', curve: voltVar })).body).toEqual({ response: { status: 'Accepted' } });
    expect((await set({ isDefault: false, controlId: 'refused', controlType: 'FixedVar', fixedVar: { priority: 1, setpoint: 10, unit: 'PctMaxVar' } })).body).toEqual({ response: { status: 'Rejected' } });
    await eventually(async () => ids((await derOf(id)).controls).join() === 'c1,c2');
    expect((await derOf(id)).controls.find((c) => c.controlId === 'c2')).toMatchObject({ controlType: 'VoltVar', isDefault: false, source: 'SetDERControl', setting: { curve: voltVar } });

    // c3 supersedes c2 (the station says so in its answer), then starts.
    expect((await set({ isDefault: false, controlId: 'c3', controlType: 'FreqDroop', freqDroop })).body).toEqual({ response: { status: 'Accepted', supersededIds: ['c2'] } });
    await eventually(async () => ids((await derOf(id)).controls).join() === 'c1,c3');
    expect(await cs.call('NotifyDERStartStop', { controlId: 'c3', started: true, timestamp: new Date().toISOString() })).toEqual({});
    expect((await derOf(id)).controls.find((c) => c.controlId === 'c3')).toMatchObject({ started: true, setting: { freqDroop } });

    // Clearing the default LimitMaxDischarge controls leaves the scheduled FreqDroop.
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearDERControl`, { isDefault: true, controlType: 'LimitMaxDischarge' })).body).toEqual({ response: { status: 'Accepted' } });
    await eventually(async () => ids((await derOf(id)).controls).join() === 'c3');

    // GetDERControl: the station reports what it holds, which is stored as reported.
    expect((await csms.api.post(`/charge-points/${id}/calls/GetDERControl`, { requestId: 7 })).body).toEqual({ response: { status: 'Accepted' } });
    const fixedPF = { priority: 1, displacement: 0.95, excitation: true };
    expect(await cs.call('ReportDERControl', { requestId: 7, fixedPFAbsorb: [{ id: 'r1', isDefault: false, isSuperseded: false, fixedPF }], curve: [{ id: 'r2', curveType: 'VoltWatt', isDefault: true, isSuperseded: true, curve: { ...voltVar, yUnit: 'PctMaxW' } }] })).toEqual({});
    const reported = (await derOf(id)).controls;
    expect(ids(reported)).toEqual(['c3', 'r1', 'r2']);
    expect(reported.find((c) => c.controlId === 'r1')).toMatchObject({ controlType: 'FixedPFAbsorb', isDefault: false, source: 'ReportDERControl', setting: { fixedPFAbsorb: fixedPF } });
    expect(reported.find((c) => c.controlId === 'r2')).toMatchObject({ controlType: 'VoltWatt', isDefault: true, isSuperseded: true });

    // Alarms: the last one of each kind; an older message does not overwrite a newer one.
    const alarm = (timestamp: string, alarmEnded: boolean) => cs.call('NotifyDERAlarm', { controlType: 'HVMustTrip', gridEventFault: 'OverVoltage', alarmEnded, timestamp });
    expect(await alarm('2026-03-01T10:00:00.000Z', false)).toEqual({});
    expect((await derOf(id)).alarms).toEqual([expect.objectContaining({ controlType: 'HVMustTrip', gridEventFault: 'OverVoltage', active: true })]);
    await alarm('2026-03-01T09:00:00.000Z', true);
    expect((await derOf(id)).alarms).toEqual([expect.objectContaining({ active: true, timestamp: '2026-03-01T10:00:00.000Z' })]);
    await alarm('2026-03-01T10:05:00+00:00', true);
    expect((await derOf(id)).alarms).toEqual([expect.objectContaining({ active: false, timestamp: '2026-03-01T10:05:00+00:00' })]);
    await cs.close();
  });

  it('answers 404 for an unknown charge point and 400 for a bad id', async () => {
    const missing = await csms.api.get(`/charge-points/${newId('NOPE')}/der`);
    expect([missing.status, missing.body.error]).toEqual([404, 'NotFound']);
    expect((await csms.api.get(`/charge-points/${encodeURIComponent('a:b')}/der`)).status).toBe(400);
  });
});
