/**
 * OCPP 1.6 smart charging (§3.13, §5.5, §5.7, §5.11, §5.16) through the operator API with strict
 * 1.6 charge points against the real local runtime: the calls, the checks made before sending,
 * the CSMS's model of installed profiles and its composite — compared with schedules computed by
 * hand here, period by period, as a correct charge point computes them.
 */
import { handler as compositeLambda } from '../../functions/composite-schedule';
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Station = Awaited<ReturnType<typeof strictClient>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const on = (cp: Station, action: string, fn: (params: any) => unknown) => (cp.handle as any)(action, ({ params }: { params: unknown }) => fn(params));

const H = 3600;
/** Monday 2024-03-04 00:00 UTC: every window below is fixed, so no result depends on today's date. */
const T0 = Date.parse('2024-03-04T00:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
let tagSeq = 0;
const newTag = () => `SC${process.pid % 1000}${++tagSeq}${Math.random().toString(36).slice(2, 7)}`.toUpperCase().slice(0, 20);

/** A strict 1.6 charge point that accepts every smart-charging call and counts what it received. */
async function station() {
  const id = newId('SC16');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })).status).toBe('Accepted');
  const received: Array<{ action: string; params: any }> = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const action of ['SetChargingProfile', 'ClearChargingProfile', 'RemoteStartTransaction']) {
    on(cp, action, (params) => {
      received.push({ action, params });
      return { status: 'Accepted' };
    });
  }
  return { id, cp, received };
}

async function acceptedTag() {
  const tag = newTag();
  expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' })).status).toBe(201);
  return tag;
}

type Period = { startPeriod: number; limit: number | null };
const periods = (body: { chargingSchedule: { chargingSchedulePeriod: Period[] } }) =>
  body.chargingSchedule.chargingSchedulePeriod.map(({ startPeriod, limit }) => ({ startPeriod, limit }));
const expected = (...pairs: Array<[number, number | null]>) => pairs.map(([startPeriod, limit]) => ({ startPeriod, limit }));

async function composite(id: string, query: string) {
  const res = await csms.api.get(`/charge-points/${id}/composite-schedule?${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

const set = async (id: string, connectorId: number, profile: Record<string, unknown>) => {
  const res = await csms.api.post(`/charge-points/${id}/calls/SetChargingProfile`, { connectorId, csChargingProfiles: profile });
  expect([res.status, res.body]).toEqual([200, { response: { status: 'Accepted' } }]);
};
const profileIds = async (id: string) =>
  (await csms.api.get(`/charge-points/${id}/charging-profiles`)).body.items.map((p: { chargingProfileId: number }) => p.chargingProfileId).sort((a: number, b: number) => a - b);

describe('SetChargingProfile / ClearChargingProfile: the CSMS model equals what the charge point computes', () => {
  it('scenario 1 (A): ChargePointMax + daily TxDefault on 0 + a connector TxDefault + a Relative TxProfile; then clears and the stop', async () => {
    const { id, cp, received } = await station();
    const tag = await acceptedTag();
    // The transaction on connector 1 started at 13:00 (a queued message with its original time).
    const start = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: at(13 * H) });
    const txId = start.transactionId;

    // 1: the charge point's limit, 32 A until 08:00, 11 A from then on.
    await set(id, 0, {
      chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 32 }, { startPeriod: 8 * H, limit: 11 }] },
    });
    // 2: every day 16 A, 10 A from 06:00, 16 A from 22:00 — for all connectors.
    await set(id, 0, {
      chargingProfileId: 2, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 6 * H, limit: 10 }, { startPeriod: 22 * H, limit: 16 }] },
    });
    // 3: connector 2 only (must not touch connector 1).
    await set(id, 2, {
      chargingProfileId: 3, stackLevel: 5, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] },
    });
    // 4: connector 1 from 10:00 to 12:00: 6 A (replaces the connector-0 default there, §3.13.1).
    await set(id, 1, {
      chargingProfileId: 4, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      validFrom: at(10 * H), validTo: at(12 * H),
      chargingSchedule: { startSchedule: at(10 * H), duration: 2 * H, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
    });
    // 5: the transaction's own profile, relative to its start: 8 A for 30 min, then 12 A, for one hour.
    await set(id, 1, {
      chargingProfileId: 5, transactionId: txId, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: { duration: H, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 8 }, { startPeriod: 1800, limit: 12 }] },
    });
    expect(received.map((r) => r.action)).toEqual(Array(5).fill('SetChargingProfile'));
    expect(await profileIds(id)).toEqual([1, 2, 3, 4, 5]);

    // By hand, connector 1 over the day, min(ChargePointMax, TxProfile where it applies else TxDefault):
    //  00–06 min(32,16)=16 · 06–08 min(32,10)=10 · 08–10 min(11,10)=10 · 10–12 min(11,6)=6 · 12–13 min(11,10)=10
    //  13:00–13:30 min(11,8)=8 · 13:30–14 min(11,12)=11 (the TxProfile overrules the 10 A default) · 14–22 min(11,10)=10 · 22–24 min(11,16)=11
    const day = `connectorId=1&start=${at(0)}&duration=${24 * H}`;
    expect(periods(await composite(id, day))).toEqual(expected([0, 16], [6 * H, 10], [10 * H, 6], [12 * H, 10], [13 * H, 8], [13.5 * H, 11], [14 * H, 10], [22 * H, 11]));
    // Connector 2 has no transaction: its own TxDefault (1 A) everywhere.
    expect(periods(await composite(id, `connectorId=2&start=${at(0)}&duration=${24 * H}`))).toEqual(expected([0, 1]));
    // The charge point as a whole: ChargePointMax and the connector-0 TxDefault.
    expect(periods(await composite(id, `connectorId=0&start=${at(0)}&duration=${24 * H}`))).toEqual(expected([0, 16], [6 * H, 10], [22 * H, 11]));

    // Clear by id (§6.13): the 10–12 window falls back to the connector-0 default.
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, { id: 4 })).body.response.status).toBe('Accepted');
    expect(await profileIds(id)).toEqual([1, 2, 3, 5]);
    expect(periods(await composite(id, day))).toEqual(expected([0, 16], [6 * H, 10], [13 * H, 8], [13.5 * H, 11], [14 * H, 10], [22 * H, 11]));

    // Clear by criteria: connector 0 + ChargePointMaxProfile. The 12 A of the TxProfile and the 16 A at night show through.
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, { connectorId: 0, chargingProfilePurpose: 'ChargePointMaxProfile' })).body.response.status).toBe('Accepted');
    expect(await profileIds(id)).toEqual([2, 3, 5]);
    expect(periods(await composite(id, day))).toEqual(expected([0, 16], [6 * H, 10], [13 * H, 8], [13.5 * H, 12], [14 * H, 10], [22 * H, 16]));

    // The transaction stops: its TxProfile leaves the model (§3.13.1 "After the transaction is stopped, the profile SHOULD be deleted").
    await cp.call('StopTransaction', { transactionId: txId, meterStop: 5000, timestamp: at(15 * H) });
    await eventually(async () => !(await profileIds(id)).includes(5));
    expect(await profileIds(id)).toEqual([2, 3]);
    expect(periods(await composite(id, day))).toEqual(expected([0, 16], [6 * H, 10], [22 * H, 16]));

    // No criteria = every profile (§6.13 "Absence of this parameter means the clearing applies to all").
    expect((await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, {})).body.response.status).toBe('Accepted');
    expect(await profileIds(id)).toEqual([]);
    expect(periods(await composite(id, day))).toEqual(expected([0, null]));
    await cp.close();
  });

  it('scenario 2 (W, one phase): Relative TxDefault + weekly Recurring on top + ChargePointMax, replacement by stack level', async () => {
    const { id, cp } = await station();
    expect((await csms.api.put(`/charge-points/${id}`, { settings: { voltage: 230, phases: 1 } })).status).toBe(200);
    // 10: relative to the start of the window (no transaction): 10 A for an hour, then 20 A (no numberPhases: the charge point's setting).
    await set(id, 0, {
      chargingProfileId: 10, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 10 }, { startPeriod: H, limit: 20 }] },
    });
    // 11: replaced by 12 (same purpose and stack level on the same connector, §3.13.2).
    await set(id, 0, {
      chargingProfileId: 11, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 100 }] },
    });
    // 12: every Monday 00:00–02:00, 4600 W.
    await set(id, 0, {
      chargingProfileId: 12, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Weekly',
      chargingSchedule: { startSchedule: at(0), duration: 2 * H, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 4600 }] },
    });
    // 13: the charge point's limit, 16 A for one hour from Monday 00:30 of the second week.
    await set(id, 0, {
      chargingProfileId: 13, stackLevel: 0, chargingProfilePurpose: 'ChargePointMaxProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(7 * 24 * H + 1800), duration: H, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    });
    expect(await profileIds(id)).toEqual([10, 12, 13]);

    // Window: Sunday 23:00 of the first week, 4 hours, in W (W = A × 230 V × 1 phase, the charge point's settings;
    // with the defaults, 3 phases, 10 A would be 6900 W):
    //  23:00–00:00 profile 10, 10 A = 2300 W (weekly 12 between occurrences)
    //  00:00–00:30 profile 12, 4600 W · 00:30–01:30 min(4600, 16 A = 3680 W) = 3680 · 01:30–02:00 4600
    //  02:00–03:00 profile 10 again, 20 A (one hour after the window start) = 4600 W
    const res = await composite(id, `connectorId=1&start=${at(7 * 24 * H - H)}&duration=${4 * H}&chargingRateUnit=W`);
    expect(res.chargingSchedule).toMatchObject({ startSchedule: at(7 * 24 * H - H), duration: 4 * H, chargingRateUnit: 'W' });
    expect(periods(res)).toEqual(expected([0, 2300], [H, 4600], [1.5 * H, 3680], [2.5 * H, 4600]));

    // The same in A: 4600 W / 230 V = 20 A.
    expect(periods(await composite(id, `connectorId=1&start=${at(7 * 24 * H - H)}&duration=${4 * H}&chargingRateUnit=A`)))
      .toEqual(expected([0, 10], [H, 20], [1.5 * H, 16], [2.5 * H, 20]));
    await cp.close();
  });
});

describe('checks before sending: 400, nothing sent, the model untouched', () => {
  it('refuses what the charge point would reject, naming the rule', async () => {
    const { id, cp, received } = await station();
    const tx = (p: Record<string, unknown>) => ({
      chargingProfileId: 40, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }, ...p,
    });
    const refused = async (action: string, payload: unknown, pattern: RegExp) => {
      const res = await csms.api.post(`/charge-points/${id}/calls/${action}`, payload);
      expect([res.status, res.body.error]).toEqual([400, 'InvalidRequest']);
      expect(res.body.message).toMatch(pattern);
    };
    await refused('SetChargingProfile', { connectorId: 1, csChargingProfiles: tx({}) }, /active transaction on connector 1/);
    await refused('SetChargingProfile', { connectorId: 0, csChargingProfiles: tx({}) }, /TxProfile cannot be set on connectorId 0/);
    await refused('SetChargingProfile', { connectorId: 1, csChargingProfiles: tx({ chargingProfilePurpose: 'ChargePointMaxProfile' }) }, /only be set on connectorId 0/);
    await refused('SetChargingProfile', { connectorId: 0, csChargingProfiles: tx({ chargingProfilePurpose: 'TxDefaultProfile', transactionId: 3 }) }, /transactionId is only allowed in a TxProfile/);
    await refused('SetChargingProfile', { connectorId: 0, csChargingProfiles: tx({ chargingProfilePurpose: 'TxDefaultProfile', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 60, limit: 16 }] } }) }, /startPeriod 0/);
    await refused('RemoteStartTransaction', { idTag: 'X', connectorId: 1, chargingProfile: tx({ chargingProfilePurpose: 'TxDefaultProfile' }) }, /must be a TxProfile/);
    await refused('RemoteStartTransaction', { idTag: 'X', connectorId: 1, chargingProfile: tx({ transactionId: 7 }) }, /must not have a transactionId/);

    // With a transaction: only its id is accepted.
    const tag = await acceptedTag();
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() });
    await refused('SetChargingProfile', { connectorId: 1, csChargingProfiles: tx({ transactionId: transactionId + 1 }) }, new RegExp(`not the transaction active on connector 1 \\(${transactionId}\\)`));
    await refused('SetChargingProfile', { connectorId: 2, csChargingProfiles: tx({ transactionId }) }, /active transaction on connector 2/);

    // Capabilities the charge point reported (§3.13.5): stack levels, units, periods.
    on(cp, 'GetConfiguration', () => ({
      configurationKey: [
        { key: 'ChargeProfileMaxStackLevel', readonly: true, value: '3' },
        { key: 'ChargingScheduleAllowedChargingRateUnit', readonly: true, value: 'Current' },
        { key: 'ChargingScheduleMaxPeriods', readonly: true, value: '2' },
        { key: 'MaxChargingProfilesInstalled', readonly: true, value: '1' },
      ],
    }));
    expect((await csms.api.post(`/charge-points/${id}/calls/GetConfiguration`, {})).status).toBe(200);
    const deflt = (p: Record<string, unknown>) => ({ connectorId: 0, csChargingProfiles: tx({ chargingProfilePurpose: 'TxDefaultProfile', ...p }) });
    await refused('SetChargingProfile', deflt({ stackLevel: 4 }), /stackLevel 4 is above the charge point's maximum 3 \(ChargeProfileMaxStackLevel\)/);
    await refused('SetChargingProfile', deflt({ chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] } }), /chargingRateUnit W is not supported .* allows A/);
    await refused('SetChargingProfile', deflt({ chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [0, 60, 120].map((s) => ({ startPeriod: s, limit: 10 })) } }), /3 schedule periods are more than the charge point's maximum 2/);
    expect(received).toEqual([]);
    expect(await profileIds(id)).toEqual([]);

    // Within limits it goes out; a second profile would exceed MaxChargingProfilesInstalled, a replacement would not.
    await set(id, 0, deflt({ stackLevel: 3 }).csChargingProfiles);
    await refused('SetChargingProfile', deflt({ chargingProfileId: 41, stackLevel: 2 }), /at most 1 charging profiles/);
    await set(id, 0, deflt({ stackLevel: 2 }).csChargingProfiles); // same id 40: replaces
    expect(received).toHaveLength(2);
    expect(await profileIds(id)).toEqual([40]);
    await cp.close();
  });

  it('a Rejected answer changes nothing in the model', async () => {
    const { id, cp } = await station();
    on(cp, 'SetChargingProfile', () => ({ status: 'Rejected' }));
    const res = await csms.api.post(`/charge-points/${id}/calls/SetChargingProfile`, {
      connectorId: 0,
      csChargingProfiles: { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] } },
    });
    expect(res.body).toEqual({ response: { status: 'Rejected' } });
    expect(await profileIds(id)).toEqual([]);
    await cp.close();
  });
});

describe('RemoteStartTransaction with a charging profile (§5.11, §5.16.2)', () => {
  it('the TxProfile binds to the transaction that starts on that connector and leaves with it', async () => {
    const { id, cp, received } = await station();
    const tag = await acceptedTag();
    const profile = {
      chargingProfileId: 77, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7 }] },
    };
    const res = await csms.api.post(`/charge-points/${id}/calls/RemoteStartTransaction`, { connectorId: 1, idTag: tag, chargingProfile: profile });
    expect(res.body).toEqual({ response: { status: 'Accepted' } });
    expect(received[0]).toEqual({ action: 'RemoteStartTransaction', params: { connectorId: 1, idTag: tag, chargingProfile: profile } });
    const pending = (await csms.api.get(`/charge-points/${id}/charging-profiles`)).body.items;
    expect(pending).toEqual([expect.objectContaining({ chargingProfileId: 77, connectorId: 1, chargingProfilePurpose: 'TxProfile', source: 'RemoteStartTransaction', pendingStart: expect.objectContaining({ idTag: tag }) })]);

    const startedAt = new Date(Date.now() - 1000).toISOString();
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: startedAt });
    const bound = (await csms.api.get(`/charge-points/${id}/charging-profiles`)).body.items;
    expect(bound).toEqual([expect.objectContaining({ chargingProfileId: 77, connectorId: 1, transactionId })]);
    expect(bound[0].pendingStart).toBeUndefined();
    expect(periods(await composite(id, `connectorId=1&start=${startedAt}&duration=600`))).toEqual(expected([0, 7]));
    expect(periods(await composite(id, `connectorId=2&start=${startedAt}&duration=600`))).toEqual(expected([0, null]));

    // §5.16.2: a SetChargingProfile for this transaction with the same stack level replaces it.
    await set(id, 1, { ...profile, chargingProfileId: 78, transactionId, chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 9 }] } });
    expect(await profileIds(id)).toEqual([78]);

    await cp.call('StopTransaction', { transactionId, meterStop: 100, timestamp: new Date().toISOString() });
    await eventually(async () => (await profileIds(id)).length === 0);
    await cp.close();
  });
});

describe('GetCompositeSchedule (§5.7): what the charge point reports beside the CSMS composite', () => {
  it('stores the answer and compares it with the model for the same window', async () => {
    const { id, cp } = await station();
    await set(id, 0, {
      chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: H, limit: 8 }] },
    });
    // A correct charge point asked at 00:30 for 2 h: 16 A for 30 min, then 8 A.
    on(cp, 'GetCompositeSchedule', (p) => ({
      status: 'Accepted', connectorId: p.connectorId, scheduleStart: at(1800),
      chargingSchedule: { duration: p.duration, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 8 }] },
    }));
    const res = await csms.api.post(`/charge-points/${id}/calls/GetCompositeSchedule`, { connectorId: 1, duration: 2 * H, chargingRateUnit: 'A' });
    expect(res.body.response.status).toBe('Accepted');
    const cmp = await composite(id, 'connectorId=1&compare=true');
    expect(cmp).toMatchObject({ connectorId: 1, request: { connectorId: 1, duration: 2 * H, chargingRateUnit: 'A' }, reported: res.body.response });
    expect(cmp.chargingSchedule).toMatchObject({ startSchedule: at(1800), duration: 2 * H, chargingRateUnit: 'A' });
    expect(periods(cmp)).toEqual(expected([0, 16], [1800, 8]));
    expect(cmp.comparison).toEqual({ equal: true, equalWhereConstrained: true, differences: [] });

    // A charge point that reports 6 A in the second hour and its 32 A hardware limit on connector 2 (where the model has nothing).
    on(cp, 'GetCompositeSchedule', (p) => ({
      status: 'Accepted', connectorId: p.connectorId, scheduleStart: at(1800),
      chargingSchedule: { duration: p.duration, chargingRateUnit: 'A', chargingSchedulePeriod: p.connectorId === 1
        ? [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 8 }, { startPeriod: 5400, limit: 6 }]
        : [{ startPeriod: 0, limit: 32 }] },
    }));
    await csms.api.post(`/charge-points/${id}/calls/GetCompositeSchedule`, { connectorId: 1, duration: 2 * H });
    expect((await composite(id, 'connectorId=1&compare=true')).comparison).toEqual({
      equal: false, equalWhereConstrained: false, differences: [{ startPeriod: 5400, endPeriod: 2 * H, reported: 6, csms: 8 }],
    });
    await csms.api.post(`/charge-points/${id}/calls/ClearChargingProfile`, {});
    await csms.api.post(`/charge-points/${id}/calls/GetCompositeSchedule`, { connectorId: 2, duration: 600 });
    expect((await composite(id, 'connectorId=2&compare=true')).comparison).toEqual({
      equal: false, equalWhereConstrained: true, differences: [{ startPeriod: 0, endPeriod: 600, reported: 32, csms: null }],
    });

    const none = await csms.api.get(`/charge-points/${id}/composite-schedule?connectorId=3&compare=true`);
    expect([none.status, none.body.error]).toEqual([404, 'NotFound']);
    expect(none.body.message).toMatch(/send GetCompositeSchedule first/);
    const mixed = await csms.api.get(`/charge-points/${id}/composite-schedule?connectorId=1&compare=true&duration=60`);
    expect(mixed.status).toBe(400);
    await cp.close();
  });
});

describe('composite schedule API and Lambda', () => {
  // The §3.13.7 example: a TxDefaultProfile of 11 kW for the day with 6 kW from 08:00 to 20:00, on connector 0.
  const example = {
    profiles: [{
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 100, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Recurring', recurrencyKind: 'Daily',
        chargingSchedule: { startSchedule: '2024-03-04T00:00:00Z', duration: 86400, chargingRateUnit: 'W',
          chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000, numberPhases: 3 }, { startPeriod: 28800, limit: 6000, numberPhases: 3 }, { startPeriod: 72000, limit: 11000, numberPhases: 3 }] },
      },
    }],
    connectorId: 1,
    start: '2024-03-05T06:00:00Z',
    duration: 86400,
  };
  // By hand, from 06:00: 11000 W for 2 h, 6000 W until 20:00 (14 h), 11000 W until 08:00 the next day, then 6000 W.
  const byHand = expected([0, 11000], [2 * H, 6000], [14 * H, 11000], [26 * H, 6000]);

  it('POST /api/composite-schedule: the documented body, stateless', async () => {
    const res = await csms.api.post('/composite-schedule', example);
    expect(res.status).toBe(200);
    expect(res.body.chargingSchedule).toMatchObject({ startSchedule: example.start, duration: 86400, chargingRateUnit: 'W' });
    expect(periods(res.body)).toEqual(byHand.slice(0, 3));
    // In A at 230 V × 3 phases: 11000 W = 15.94… → 15.9 A (rounded down), 6000 W = 8.69… → 8.6 A.
    const amps = await csms.api.post('/composite-schedule', { ...example, chargingRateUnit: 'A', duration: 30 * H });
    expect(periods(amps.body)).toEqual(expected([0, 15.9], [2 * H, 8.6], [14 * H, 15.9], [26 * H, 8.6]));
  });

  it('rejects bad input with a 400 that names the field', async () => {
    const bad = async (body: unknown, pattern: RegExp) => {
      const res = await csms.api.post('/composite-schedule', body);
      expect([res.status, res.body.error]).toEqual([400, 'BadRequest']);
      expect(res.body.message).toMatch(pattern);
    };
    await bad([], /JSON object/);
    await bad({ ...example, profiles: undefined }, /^profiles must be an array/);
    await bad({ ...example, connectorId: -1 }, /^connectorId must be an integer/);
    await bad({ ...example, connectorId: '1' }, /^connectorId/);
    await bad({ ...example, start: 'tomorrow' }, /^start must be an ISO 8601 date-time/);
    await bad({ ...example, duration: -5 }, /^duration must be/);
    await bad({ ...example, chargingRateUnit: 'kW' }, /^chargingRateUnit must be "A" or "W"/);
    await bad({ ...example, phases: 4 }, /^phases must be/);
    await bad({ ...example, transaction: { connectorId: 1, transactionId: 5 } }, /^transaction.startedAt/);
    await bad({ ...example, extra: 1 }, /Unknown field\(s\) in the body: extra/);
    await bad({ ...example, profiles: [{ connectorId: 0 }] }, /^profiles\[0\] must be shaped like a SetChargingProfile request/);
    await bad({ ...example, profiles: [{ connectorId: 0, csChargingProfiles: { ...example.profiles[0].csChargingProfiles, stackLevel: 'high' } }] },
      /^profiles\[0\] is not a valid OCPP 1.6 SetChargingProfile request: \/csChargingProfiles\/stackLevel must be integer/);
    const notJson = await csms.api.post('/composite-schedule', '{"profiles": [');
    expect(notJson.status).toBe(400);
  });

  it('GET …/composite-schedule rejects a bad query; unknown charge points are 404', async () => {
    const { id, cp } = await station();
    for (const [q, pattern] of [
      ['duration=60', /connectorId is required/],
      ['connectorId=1', /duration is required/],
      ['connectorId=x&duration=60', /connectorId must be an integer/],
      ['connectorId=1&duration=60&start=now', /start must be an ISO 8601/],
      ['connectorId=1&duration=60&chargingRateUnit=kW', /chargingRateUnit/],
      ['connectorId=1&duration=60&foo=1', /Unknown field\(s\) in the query: foo/],
    ] as const) {
      const res = await csms.api.get(`/charge-points/${id}/composite-schedule?${q}`);
      expect([q, res.status]).toEqual([q, 400]);
      expect(res.body.message).toMatch(pattern);
    }
    // start defaults to now (to the second).
    const now = await composite(id, 'connectorId=1&duration=60');
    expect(Math.abs(Date.parse(now.chargingSchedule.startSchedule) - Date.now())).toBeLessThan(5000);
    expect((await csms.api.get(`/charge-points/${newId()}/composite-schedule?connectorId=1&duration=60`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${newId()}/charging-profiles`)).status).toBe(404);
    await cp.close();
  });

  it('the composite-schedule Lambda takes the same body, or a charge point, as a console test event', async () => {
    const stateless = await compositeLambda(example);
    expect(stateless.status).toBe(200);
    expect(periods(stateless as never)).toEqual(byHand.slice(0, 3));
    expect(await compositeLambda({ ...example, duration: 'long' })).toMatchObject({ status: 400, error: 'BadRequest', message: expect.stringMatching(/^duration/) });
    expect(await compositeLambda(null)).toMatchObject({ status: 400, error: 'BadRequest' });

    const { id, cp } = await station();
    await set(id, 0, example.profiles[0].csChargingProfiles);
    const fromModel = await compositeLambda({ chargePointId: id, connectorId: 1, start: example.start, duration: 86400 });
    expect(fromModel.status).toBe(200);
    expect(periods(fromModel as never)).toEqual(byHand.slice(0, 3));
    expect(await compositeLambda({ chargePointId: id, connectorId: 1 })).toMatchObject({ status: 400, message: 'duration is required (seconds)' });
    expect(await compositeLambda({ chargePointId: newId(), connectorId: 1, duration: 60 })).toMatchObject({ status: 404, error: 'NotFound' });
    await cp.close();
  });
});
