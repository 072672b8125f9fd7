/**
 * OCPP 2.0.1 smart charging (block K) through the operator API with strict 2.0.1 stations against
 * the real local runtime: K01 SetChargingProfile, K05 RequestStartTransaction with a profile,
 * K08 GetCompositeSchedule, K09 GetChargingProfiles + ReportChargingProfiles, K10
 * ClearChargingProfile, K11–K13 NotifyChargingLimit / ClearedChargingLimit, K15
 * NotifyEVChargingNeeds — the same domain code as 1.6, compared with schedules computed by hand.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

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

const H = 3600;
const T0 = Date.parse('2024-03-04T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

async function station() {
  const id = newId('SC201');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'AC-22', vendorName: 'Acme' } })).status).toBe('Accepted');
  const received: Array<{ action: string; params: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const action of ['SetChargingProfile', 'ClearChargingProfile', 'RequestStartTransaction']) {
    on(cs, action, (params) => {
      received.push({ action, params });
      return { status: 'Accepted' };
    });
  }
  return { id, cs, received };
}

const started = (cs: Station, transactionId: string, evseId: number, timestamp: string, extra: Record<string, unknown> = {}) =>
  cs.call('TransactionEvent', {
    eventType: 'Started', timestamp, triggerReason: 'Authorized', seqNo: 0,
    transactionInfo: { transactionId, chargingState: 'Charging', ...extra }, evse: { id: evseId, connectorId: 1 },
    idToken: { idToken: 'SC-TOKEN', type: 'ISO14443' },
  });
const ended = (cs: Station, transactionId: string, evseId: number) =>
  cs.call('TransactionEvent', {
    eventType: 'Ended', timestamp: new Date().toISOString(), triggerReason: 'EVCommunicationLost', seqNo: 1,
    transactionInfo: { transactionId, stoppedReason: 'EVDisconnected' }, evse: { id: evseId, connectorId: 1 },
  });

type Period = { startPeriod: number; limit: number | null };
const periods = (body: { chargingSchedule: { chargingSchedulePeriod: Period[] } }) =>
  body.chargingSchedule.chargingSchedulePeriod.map(({ startPeriod, limit }) => ({ startPeriod, limit }));
const expected = (...pairs: Array<[number, number | null]>) => pairs.map(([startPeriod, limit]) => ({ startPeriod, limit }));
async function composite(id: string, query: string) {
  const res = await csms.api.get(`/charge-points/${id}/composite-schedule?${query}`);
  expect(res.status).toBe(200);
  return res.body;
}
const set = async (id: string, evseId: number, chargingProfile: Record<string, unknown>) => {
  const res = await csms.api.post(`/charge-points/${id}/calls/SetChargingProfile`, { evseId, chargingProfile });
  expect([res.status, res.body]).toEqual([200, { response: { status: 'Accepted' } }]);
};
const model = async (id: string) => (await csms.api.get(`/charge-points/${id}/charging-profiles`)).body;
const profileIds = async (id: string) => (await model(id)).items.map((p: { chargingProfileId: number }) => p.chargingProfileId).sort((a: number, b: number) => a - b);
const schedule = (periodsAt: Array<[number, number]>, extra: Record<string, unknown> = {}) =>
  [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: periodsAt.map(([startPeriod, limit]) => ({ startPeriod, limit })), ...extra }];

describe('K01/K10/K11–K13: the CSMS model and its composite equal what the station computes', () => {
  it('station max + TxDefault + a TxProfile + an external limit, then K13, K10 and the end of the transaction', async () => {
    const { id, cs, received } = await station();
    const txId = `TX-${id}`.slice(0, 36);
    await started(cs, txId, 1, at(H)); // a queued event with its original time: the transaction began at 01:00

    const max = { id: 1, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: schedule([[0, 40], [4 * H, 12]], { startSchedule: at(0) }) };
    const deflt = { id: 2, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: schedule([[0, 32], [2 * H, 16]], { startSchedule: at(0) }) };
    const tx = { id: 3, stackLevel: 0, transactionId: txId, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule([[0, 10], [1800, 25]], { duration: 2 * H }) };
    await set(id, 0, max);
    await set(id, 0, deflt);
    await set(id, 1, tx);
    expect(received.map((r) => r.params)).toEqual([{ evseId: 0, chargingProfile: max }, { evseId: 0, chargingProfile: deflt }, { evseId: 1, chargingProfile: tx }]);

    // K12: the EMS caps EVSE 1 at 12 A from 02:30 for an hour.
    expect(await cs.call('NotifyChargingLimit', {
      evseId: 1, chargingLimit: { chargingLimitSource: 'EMS', isGridCritical: false },
      chargingSchedule: schedule([[0, 12]], { startSchedule: at(2.5 * H), duration: H }),
    })).toEqual({});
    expect((await model(id)).externalLimits).toEqual([expect.objectContaining({ evseId: 1, chargingLimitSource: 'EMS', isGridCritical: false })]);

    // By hand, EVSE 1 from 00:00 for 5 h: min(station max, external, TxProfile where it applies else TxDefault)
    //  00–01 min(40,32)=32 · 01:00–01:30 Tx 10 · 01:30–02:30 min(40,25)=25 · 02:30–03:00 min(40,25,12)=12
    //  03:00–03:30 min(40,16,12)=12 · 03:30–04 min(40,16)=16 · 04–05 min(12,16)=12
    const win = `evseId=1&start=${at(0)}&duration=${5 * H}`;
    expect(periods(await composite(id, win))).toEqual(expected([0, 32], [H, 10], [1.5 * H, 25], [2.5 * H, 12], [3.5 * H, 16], [4 * H, 12]));
    // The station as a whole (evseId 0): the max and the TxDefault only.
    expect(periods(await composite(id, `evseId=0&start=${at(0)}&duration=${5 * H}`))).toEqual(expected([0, 32], [2 * H, 16], [4 * H, 12]));

    // K13: the EMS releases its limit.
    expect(await cs.call('ClearedChargingLimit', { chargingLimitSource: 'EMS', evseId: 1 })).toEqual({});
    expect((await model(id)).externalLimits).toEqual([]);
    expect(periods(await composite(id, win))).toEqual(expected([0, 32], [H, 10], [1.5 * H, 25], [3 * H, 16], [4 * H, 12]));

    // K10 by criteria: the station max goes.
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, { chargingProfileCriteria: { evseId: 0, chargingProfilePurpose: 'ChargingStationMaxProfile' } })).body.response.status).toBe('Accepted');
    expect(await profileIds(id)).toEqual([2, 3]);
    expect(periods(await composite(id, win))).toEqual(expected([0, 32], [H, 10], [1.5 * H, 25], [3 * H, 16]));

    // The transaction ends: its TxProfile leaves the model.
    await ended(cs, txId, 1);
    await eventually(async () => (await profileIds(id)).length === 1);
    expect(periods(await composite(id, win))).toEqual(expected([0, 32], [2 * H, 16]));

    // K10 by id.
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, { chargingProfileId: 2 })).body.response.status).toBe('Accepted');
    expect(await profileIds(id)).toEqual([]);
    expect(periods(await composite(id, win))).toEqual(expected([0, null]));
    await cs.close();
  });

  it('an external limit for the whole station, released without evseId; a Recurring station max in W', async () => {
    const { id, cs } = await station();
    // Every day from 18:00 to 21:00, 7000 W for the station; 11000 W otherwise.
    await set(id, 0, { id: 5, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: at(0), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }] });
    await set(id, 0, { id: 6, stackLevel: 1, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily', chargingSchedule: [{ id: 1, startSchedule: at(18 * H), duration: 3 * H, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] }] });
    // The grid operator limits the station (no evseId) to 9000 W from 20:00 to 23:00 of day two.
    await cs.call('NotifyChargingLimit', { chargingLimit: { chargingLimitSource: 'SO', isGridCritical: true }, chargingSchedule: [{ id: 9, startSchedule: at(44 * H), duration: 3 * H, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 9000 }] }] });
    // By hand, EVSE 2 from 12:00 of day two for 12 h, in W:
    //  12–18 11000 · 18–21 7000 (the recurring one, stack 1) · 21–23 min(11000, 9000) = 9000 · 23–24 11000
    const win = `evseId=2&start=${at(36 * H)}&duration=${12 * H}&chargingRateUnit=W`;
    expect(periods(await composite(id, win))).toEqual(expected([0, 11000], [6 * H, 7000], [9 * H, 9000], [11 * H, 11000]));
    await cs.call('ClearedChargingLimit', { chargingLimitSource: 'SO' });
    expect(periods(await composite(id, win))).toEqual(expected([0, 11000], [6 * H, 7000], [9 * H, 11000]));
    await cs.close();
  });
});

describe('K01/K05 checks before sending: 400, nothing sent', () => {
  it('refuses what the station would reject, naming the requirement', async () => {
    const { id, cs, received } = await station();
    const refused = async (action: string, payload: unknown, pattern: RegExp) => {
      const res = await csms.api.post(`/charge-points/${id}/calls/${action}`, payload);
      expect([action, res.status, res.body.error]).toEqual([action, 400, 'InvalidRequest']);
      expect(res.body.message).toMatch(pattern);
    };
    const p = (extra: Record<string, unknown>) => ({ id: 30, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule([[0, 16]]), ...extra });
    const txId = `TX-${id}`.slice(0, 36);
    await refused('SetChargingProfile', { evseId: 1, chargingProfile: p({ chargingProfilePurpose: 'TxProfile' }) }, /needs the transactionId .*K01\.FR\.03/);
    await refused('SetChargingProfile', { evseId: 1, chargingProfile: p({ chargingProfilePurpose: 'TxProfile', transactionId: txId }) }, /active transaction on EVSE 1.*K01\.FR\.09/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingProfilePurpose: 'TxProfile', transactionId: txId }) }, /K01\.FR\.16/);
    await refused('SetChargingProfile', { evseId: 1, chargingProfile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile' }) }, /only be set on evseId 0/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingProfilePurpose: 'ChargingStationMaxProfile' }) }, /cannot be Relative \(2\.0\.1 K01\.FR\.38\)/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingProfileKind: 'Absolute' }) }, /needs a startSchedule.*K01\.FR\.40/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingSchedule: schedule([[0, 16]], { startSchedule: at(0) }) }) }, /K01\.FR\.41/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingSchedule: schedule([[0, 16], [0, 8]]) }) }, /K01\.FR\.35/);
    await refused('RequestStartTransaction', { remoteStartId: 1, idToken: { idToken: 'A', type: 'ISO14443' }, evseId: 1, chargingProfile: p({}) }, /must be a TxProfile/);

    await started(cs, txId, 1, new Date().toISOString());
    await refused('SetChargingProfile', { evseId: 1, chargingProfile: p({ chargingProfilePurpose: 'TxProfile', transactionId: 'OTHER' }) }, /not the transaction active on EVSE 1 .*K01\.FR\.33/);

    // SmartChargingCtrlr.ProfileStackLevel / RateUnit as reported through GetVariables.
    on(cs, 'GetVariables', (q: { getVariableData: Array<{ component: unknown; variable: { name: string } }> }) => ({
      getVariableResult: q.getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: d.variable.name === 'RateUnit' ? 'A' : '2', component: d.component, variable: d.variable })),
    }));
    await csms.api.post(`/charge-points/${id}/calls/GetVariables`, {
      getVariableData: [{ component: { name: 'SmartChargingCtrlr' }, variable: { name: 'ProfileStackLevel' } }, { component: { name: 'SmartChargingCtrlr' }, variable: { name: 'RateUnit' } }],
    });
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ stackLevel: 3 }) }, /above the charge point's maximum 2 \(SmartChargingCtrlr\.ProfileStackLevel\)/);
    await refused('SetChargingProfile', { evseId: 0, chargingProfile: p({ chargingSchedule: [{ id: 1, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] }] }) }, /SmartChargingCtrlr\.RateUnit/);
    expect(received).toEqual([]);
    await set(id, 1, p({ chargingProfilePurpose: 'TxProfile', transactionId: txId, stackLevel: 2 }));
    expect(received).toHaveLength(1);
    await cs.close();
  });
});

describe('K05 RequestStartTransaction with a charging profile', () => {
  it('binds to the transaction carrying its remoteStartId and leaves with it', async () => {
    const { id, cs } = await station();
    const chargingProfile = { id: 20, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative', chargingSchedule: schedule([[0, 6]]) };
    const res = await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, { remoteStartId: 99, evseId: 2, idToken: { idToken: 'SC-TOKEN', type: 'ISO14443' }, chargingProfile });
    expect(res.body.response.status).toBe('Accepted');
    expect((await model(id)).items).toEqual([expect.objectContaining({ chargingProfileId: 20, evseId: 2, source: 'RequestStartTransaction', pendingStart: expect.objectContaining({ remoteStartId: 99 }) })]);

    const txId = `RS-${id}`.slice(0, 36);
    const t = new Date(Date.now() - 1000).toISOString();
    await started(cs, txId, 2, t, { remoteStartId: 99 });
    const items = (await model(id)).items;
    expect(items).toEqual([expect.objectContaining({ chargingProfileId: 20, evseId: 2, transactionId: txId })]);
    expect(items[0].pendingStart).toBeUndefined();
    expect(periods(await composite(id, `evseId=2&start=${t}&duration=60`))).toEqual(expected([0, 6]));
    await ended(cs, txId, 2);
    await eventually(async () => (await profileIds(id)).length === 0);
    await cs.close();
  });
});

describe('K08 GetCompositeSchedule and K09 GetChargingProfiles: the station against the model', () => {
  it('compares the reported composite schedule and the reported profiles with the model', async () => {
    const { id, cs } = await station();
    const a = { id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: schedule([[0, 16], [H, 20]], { startSchedule: at(0) }) };
    const b = { id: 2, stackLevel: 0, chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: schedule([[0, 18]], { startSchedule: at(0) }) };
    await set(id, 0, a);
    await set(id, 0, b);

    // K08: asked "now" = 00:30, for an hour: 16 A for 30 min, then min(20, 18) = 18 A.
    on(cs, 'GetCompositeSchedule', (q) => ({
      status: 'Accepted',
      schedule: { evseId: q.evseId, duration: q.duration, scheduleStart: at(1800), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 18 }] },
    }));
    expect((await csms.api.post(`/charge-points/${id}/calls/GetCompositeSchedule`, { evseId: 1, duration: H, chargingRateUnit: 'A' })).body.response.status).toBe('Accepted');
    const cmp = await composite(id, 'evseId=1&compare=true');
    expect(cmp).toMatchObject({ evseId: 1, comparison: { equal: true, differences: [] } });
    expect(periods(cmp)).toEqual(expected([0, 16], [1800, 18]));

    // K09: the station reports in two parts.
    on(cs, 'GetChargingProfiles', () => ({ status: 'Accepted' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/GetChargingProfiles`, { requestId: 7, chargingProfile: { chargingLimitSource: ['CSO'] } })).body.response.status).toBe('Accepted');
    expect(await cs.call('ReportChargingProfiles', { requestId: 7, chargingLimitSource: 'CSO', evseId: 0, chargingProfile: [a], tbc: true })).toEqual({});
    let report = (await csms.api.get(`/charge-points/${id}/charging-profiles/reports/7`)).body;
    expect(report).toMatchObject({ requestId: 7, status: 'Accepted', complete: false });
    expect(report.comparison).toBeUndefined();
    await cs.call('ReportChargingProfiles', { requestId: 7, chargingLimitSource: 'CSO', evseId: 0, chargingProfile: [b] });
    report = (await csms.api.get(`/charge-points/${id}/charging-profiles/reports/7`)).body;
    expect(report).toMatchObject({ complete: true, comparison: { equal: true, missingOnStation: [], unknownToCsms: [], different: [] } });
    expect(report.reported).toHaveLength(2);

    // A station that lost profile 2, changed profile 1 and has one the CSMS never sent (an EMS profile is not compared).
    await csms.api.post(`/charge-points/${id}/calls/GetChargingProfiles`, { requestId: 8, chargingProfile: {} });
    await cs.call('ReportChargingProfiles', { requestId: 8, chargingLimitSource: 'CSO', evseId: 0, chargingProfile: [{ ...a, stackLevel: 4 }, { ...a, id: 9 }] });
    await cs.call('ReportChargingProfiles', { requestId: 8, chargingLimitSource: 'EMS', evseId: 1, chargingProfile: [{ ...a, id: 50, chargingProfilePurpose: 'ChargingStationExternalConstraints' }] });
    report = (await csms.api.get(`/charge-points/${id}/charging-profiles/reports/8`)).body;
    expect(report.comparison).toEqual({ equal: false, missingOnStation: [2], unknownToCsms: [9], different: [1] });

    // NoProfiles: complete at once; everything the model holds is missing.
    on(cs, 'GetChargingProfiles', () => ({ status: 'NoProfiles' }));
    await csms.api.post(`/charge-points/${id}/calls/GetChargingProfiles`, { requestId: 9, evseId: 0, chargingProfile: { chargingProfilePurpose: 'ChargingStationMaxProfile' } });
    expect((await csms.api.get(`/charge-points/${id}/charging-profiles/reports/9`)).body).toMatchObject({ complete: true, reported: [], comparison: { equal: false, missingOnStation: [2] } });
    expect((await csms.api.get(`/charge-points/${id}/charging-profiles/reports/10`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${id}/charging-profiles/reports/x`)).status).toBe(400);
    await cs.close();
  });
});

describe('K15 NotifyEVChargingNeeds', () => {
  it('is stored and answered Accepted', async () => {
    const { id, cs } = await station();
    const chargingNeeds = { requestedEnergyTransfer: 'AC_three_phase', acChargingParameters: { energyAmount: 20000, evMinCurrent: 6, evMaxCurrent: 32, evMaxVoltage: 400 } };
    expect(await cs.call('NotifyEVChargingNeeds', { evseId: 1, chargingNeeds, maxScheduleTuples: 24 })).toEqual({ status: 'Accepted' });
    expect((await model(id)).evChargingNeeds).toEqual([expect.objectContaining({ evseId: 1, chargingNeeds, maxScheduleTuples: 24 })]);
    await cs.close();
  });
});
