/**
 * The pure parts of the CSMS's profile model: which profiles a ClearChargingProfile removes,
 * how stored items feed the engine (TxProfile binding, external limits), the comparisons with
 * what a charge point reports, and the validation of composite requests.
 */
import { clearMatches } from '../../../shared/smart-charging/clear';
import { compareProfiles, compareSchedules } from '../../../shared/smart-charging/compare';
import { computeCompositeSchedule } from '../../../shared/smart-charging/composite';
import { engineProfile, engineProfiles, externalProfiles, matchesPendingStart, pendingExpired, type ActiveTransaction } from '../../../shared/smart-charging/feed';
import { InputError, parseChargePointParams, parseStatelessRequest } from '../../../shared/smart-charging/inputs';
import { fromClearChargingProfile, fromCompositeAnswer } from '../../../shared/smart-charging/requests';
import type { InstalledProfile16, InstalledProfile201 } from '../../../shared/smart-charging/types';
import type { LimitItem, ProfileItem } from '../../../shared/store/charging-profiles';

const p16 = (id: number, connectorId: number, purpose: InstalledProfile16['csChargingProfiles']['chargingProfilePurpose'], stackLevel = 0, limit = 16): InstalledProfile16 => ({
  connectorId,
  csChargingProfiles: { chargingProfileId: id, stackLevel, chargingProfilePurpose: purpose, chargingProfileKind: 'Relative', chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] } },
});
const p201 = (id: number, evseId: number, limit = 16): InstalledProfile201 => ({
  evseId,
  chargingProfile: { id, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative', chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] }] },
});
const anItem = (profile: InstalledProfile16 | InstalledProfile201, extra: Partial<ProfileItem> = {}): ProfileItem => ({
  chargePointId: 'CP', profileKey: 'profile#x', chargingProfileId: 0, version: 'chargingProfile' in profile ? '2.0.1' : '1.6', profile,
  purpose: 'chargingProfile' in profile ? profile.chargingProfile.chargingProfilePurpose : profile.csChargingProfiles.chargingProfilePurpose,
  location: 'chargingProfile' in profile ? profile.evseId : profile.connectorId, stackLevel: 0, source: 'SetChargingProfile', installedAt: '2024-03-04T00:00:00.000Z', messageId: 'm', ...extra,
});

describe('ClearChargingProfile: which profiles go (1.6 §6.13, 2.0.1 K10)', () => {
  const max = p16(1, 0, 'ChargePointMaxProfile');
  const def0 = p16(2, 0, 'TxDefaultProfile', 1);
  const def1 = p16(3, 1, 'TxDefaultProfile', 1);
  const tx1 = p16(4, 1, 'TxProfile', 2);
  const all = [max, def0, def1, tx1];
  const cleared = (payload: unknown, version: '1.6' | '2.0.1' = '1.6') => all.filter((p) => clearMatches(p, fromClearChargingProfile(version, payload))).map((p) => p.csChargingProfiles.chargingProfileId);

  it('no criteria clears everything', () => expect(cleared({})).toEqual([1, 2, 3, 4]));
  it('an id decides alone (either the id or the criteria)', () => {
    expect(cleared({ id: 3 })).toEqual([3]);
    expect(cleared({ id: 3, connectorId: 0 })).toEqual([3]);
    expect(cleared({ id: 99 })).toEqual([]);
  });
  it('criteria must all match; connectorId 0 is the charge point itself', () => {
    expect(cleared({ connectorId: 0 })).toEqual([1, 2]);
    expect(cleared({ connectorId: 1 })).toEqual([3, 4]);
    expect(cleared({ chargingProfilePurpose: 'TxDefaultProfile' })).toEqual([2, 3]);
    expect(cleared({ stackLevel: 1 })).toEqual([2, 3]);
    expect(cleared({ connectorId: 1, stackLevel: 1 })).toEqual([3]);
    expect(cleared({ connectorId: 1, chargingProfilePurpose: 'ChargePointMaxProfile' })).toEqual([]);
  });
  it('2.0.1 spelling: chargingProfileId or chargingProfileCriteria; station max = ChargePointMax', () => {
    expect(cleared({ chargingProfileId: 4 }, '2.0.1')).toEqual([4]);
    expect(cleared({ chargingProfileCriteria: { evseId: 1, stackLevel: 2 } }, '2.0.1')).toEqual([4]);
    expect(cleared({ chargingProfileCriteria: { chargingProfilePurpose: 'ChargingStationMaxProfile' } }, '2.0.1')).toEqual([1]);
  });
});

describe('feeding the engine from the stored model', () => {
  const tx: ActiveTransaction = { transactionId: '42', version: '1.6', location: 1, startedAt: '2024-03-04T10:01:00Z', idTag: 'abc' };
  const pending = anItem(p16(7, 1, 'TxProfile'), { pendingStart: { location: 1, idTag: 'ABC', acceptedAt: '2024-03-04T10:00:00Z' } });

  it('a remote-start TxProfile binds to a transaction on its connector, same idTag (case-insensitive), started close to the acceptance', () => {
    expect(matchesPendingStart(pending, tx)).toBe(true);
    expect(matchesPendingStart(pending, { ...tx, location: 2 })).toBe(false);
    expect(matchesPendingStart(pending, { ...tx, idTag: 'other' })).toBe(false);
    expect(matchesPendingStart(pending, { ...tx, startedAt: '2024-03-04T09:50:00Z' })).toBe(false); // long before the remote start
    expect(matchesPendingStart(pending, { ...tx, startedAt: '2024-03-04T10:20:00Z' })).toBe(false); // too late to be its transaction
    expect(matchesPendingStart(pending, { ...tx, version: '2.0.1' })).toBe(false);
    expect(matchesPendingStart(anItem(p16(7, 0, 'TxProfile'), { pendingStart: { idTag: 'abc', acceptedAt: '2024-03-04T10:00:00Z' } }), { ...tx, location: 3 })).toBe(true); // any connector
    expect(pendingExpired(pending, Date.parse('2024-03-04T10:14:00Z'))).toBe(false);
    expect(pendingExpired(pending, Date.parse('2024-03-04T10:16:00Z'))).toBe(true);
  });

  it('2.0.1: the remoteStartId links when both sides have it', () => {
    const item = anItem(p201(8, 1), { version: '2.0.1', pendingStart: { location: 1, idTag: 'abc', remoteStartId: 5, acceptedAt: '2024-03-04T10:00:00Z' } });
    const tx201 = { ...tx, version: '2.0.1' as const, transactionId: 'T' };
    expect(matchesPendingStart(item, { ...tx201, remoteStartId: 5, idTag: 'someone else' })).toBe(true);
    expect(matchesPendingStart(item, { ...tx201, remoteStartId: 6 })).toBe(false);
    expect(matchesPendingStart(item, tx201)).toBe(true); // no remoteStartId on the transaction: the idToken decides
  });

  it('a bound TxProfile carries its transaction, so it never applies to the next one; pending ones are left out', () => {
    const bound = anItem(p16(7, 1, 'TxProfile'), { transactionId: '42' });
    expect((engineProfile(bound) as InstalledProfile16).csChargingProfiles.transactionId).toBe(42);
    expect(engineProfiles([bound, pending], [])).toHaveLength(1);
    const req = { connectorId: 1, start: '2024-03-04T12:00:00Z', duration: 60 };
    const with42 = computeCompositeSchedule({ ...req, profiles: engineProfiles([bound], []), transaction: { connectorId: 1, transactionId: 42, startedAt: '2024-03-04T11:00:00Z' } });
    const with43 = computeCompositeSchedule({ ...req, profiles: engineProfiles([bound], []), transaction: { connectorId: 1, transactionId: 43, startedAt: '2024-03-04T11:00:00Z' } });
    expect(with42.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 16 }]);
    expect(with43.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: null }]);
  });

  it('external limits become ChargingStationExternalConstraints above every real stack level; the latest notification prevails', () => {
    const limit = (evseId: number, source: string, receivedAt: string, value: number): LimitItem => ({
      chargePointId: 'CP', profileKey: 'k', evseId, chargingLimitSource: source, receivedAt,
      chargingSchedule: [{ id: 1, startSchedule: '2024-03-04T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: value }] }],
    });
    const out = externalProfiles([limit(1, 'SO', '2024-03-04T02:00:00Z', 10), limit(1, 'EMS', '2024-03-04T01:00:00Z', 20), { ...limit(0, 'Other', '2024-03-04T03:00:00Z', 5), chargingSchedule: undefined }]);
    expect(out.map((p) => [p.evseId, p.chargingProfile.id, p.chargingProfile.stackLevel, p.chargingProfile.chargingProfilePurpose])).toEqual([
      [1, -1, 1_000_000, 'ChargingStationExternalConstraints'], [1, -2, 1_000_001, 'ChargingStationExternalConstraints'],
    ]);
    const r = computeCompositeSchedule({ profiles: out, connectorId: 1, start: '2024-03-04T04:00:00Z', duration: 60 });
    expect(r.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 10 }]); // SO came last
  });
});

describe('comparing with what the charge point reports', () => {
  const sched = (periods: Array<[number, number | null]>, duration = 3600) => ({ duration, chargingRateUnit: 'A', chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })) });

  it('schedules: equal when every stretch has the same limit, whatever the period boundaries', () => {
    expect(compareSchedules(sched([[0, 16], [600, 16], [1800, 8]]), sched([[0, 16], [1800, 8]]))).toEqual({ equal: true, equalWhereConstrained: true, differences: [] });
  });

  it('schedules: lists the stretches that differ, merged; tells a hardware limit where the model has none', () => {
    expect(compareSchedules(sched([[0, 16], [600, 10], [1200, 10.5], [1800, 8]]), sched([[0, 16], [1800, 8]]))).toEqual({
      equal: false, equalWhereConstrained: false,
      differences: [{ startPeriod: 600, endPeriod: 1200, reported: 10, csms: 16 }, { startPeriod: 1200, endPeriod: 1800, reported: 10.5, csms: 16 }],
    });
    expect(compareSchedules(sched([[0, 32], [1800, 8]]), sched([[0, null], [1800, 8]]))).toEqual({
      equal: false, equalWhereConstrained: true, differences: [{ startPeriod: 0, endPeriod: 1800, reported: 32, csms: null }],
    });
    expect(compareSchedules(sched([[0, 32]]), { ...sched([[0, 32]]), chargingRateUnit: 'W' }).equal).toBe(false);
  });

  it('profiles: by id, content compared without customData and with date-times as instants', () => {
    const a = p201(1, 0);
    const b = p201(2, 1);
    const aAgain = { ...a, chargingProfile: { ...a.chargingProfile, validFrom: '2024-03-04T00:00:00.000Z', customData: { vendorId: 'x' } } } as InstalledProfile201;
    const aModel = { ...a, chargingProfile: { ...a.chargingProfile, validFrom: '2024-03-04T00:00:00Z' } };
    expect(compareProfiles([aAgain, b], [aModel, b])).toEqual({ equal: true, missingOnStation: [], unknownToCsms: [], different: [] });
    expect(compareProfiles([p201(1, 0, 10), p201(3, 0)], [a, b])).toEqual({ equal: false, missingOnStation: [2], unknownToCsms: [3], different: [1] });
  });

  it('reads both versions of a GetCompositeSchedule answer into one shape', () => {
    expect(fromCompositeAnswer('1.6', { connectorId: 2, duration: 600 }, {
      status: 'Accepted', connectorId: 2, scheduleStart: '2024-03-04T00:00:00Z', chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] },
    })).toEqual({ location: 2, status: 'Accepted', scheduleStart: '2024-03-04T00:00:00Z', duration: 600, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 7000 }] });
    expect(fromCompositeAnswer('2.0.1', { evseId: 1, duration: 600 }, { status: 'Rejected' })).toMatchObject({ location: 1, status: 'Rejected', chargingSchedulePeriod: undefined });
  });
});

describe('validating composite requests', () => {
  const body = { profiles: [p16(1, 0, 'TxDefaultProfile'), p201(2, 1)], connectorId: 1, start: '2024-03-04T00:00:00Z', duration: 3600 };
  const fails = (b: unknown) => {
    try {
      parseStatelessRequest(b);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('accepts the documented body with both generations of profiles', () => {
    expect(parseStatelessRequest({ ...body, chargingRateUnit: 'W', voltage: 400, phases: 1, transaction: { connectorId: 1, transactionId: 'T-1', startedAt: '2024-03-03T23:00:00+01:00' } }))
      .toMatchObject({ connectorId: 1, voltage: 400, phases: 1, transaction: { transactionId: 'T-1' } });
  });

  it('names the field that is wrong', () => {
    expect(fails({ ...body, start: '2024-03-04' })).toMatch(/^start must be an ISO 8601 date-time/);
    expect(fails({ ...body, duration: 400 * 86400 })).toMatch(/^duration must be a number of seconds from 0 to/);
    expect(fails({ ...body, voltage: 0 })).toMatch(/^voltage must be a number above 0/);
    expect(fails({ ...body, phases: 1.5 })).toMatch(/^phases must be an integer/);
    expect(fails({ ...body, transaction: { connectorId: 1, transactionId: '', startedAt: body.start } })).toMatch(/^transaction\.transactionId/);
    expect(fails({ ...body, transaction: { connectorId: 1, transactionId: 1, startedAt: body.start, x: 1 } })).toMatch(/Unknown field\(s\) in the transaction: x/);
    expect(fails({ ...body, profiles: [p201(2, 1), 'x'] })).toMatch(/^profiles\[1\] must be an object/);
    expect(fails({ ...body, profiles: [{ evseId: 1, chargingProfile: { ...p201(2, 1).chargingProfile, chargingSchedule: [] } }] }))
      .toMatch(/^profiles\[0\] is not a valid OCPP 2\.0\.1 SetChargingProfile request: \/chargingProfile\/chargingSchedule/);
  });

  it('charge-point parameters: strings from a query, JSON from a Lambda event; compare takes no window', () => {
    const allowed = ['connectorId', 'evseId', 'start', 'duration', 'chargingRateUnit', 'compare'];
    expect(parseChargePointParams({ evseId: '2', duration: '600', chargingRateUnit: 'W' }, true, allowed)).toEqual({ location: 2, start: undefined, duration: 600, chargingRateUnit: 'W', compare: false });
    expect(parseChargePointParams({ connectorId: 1, compare: true }, false, allowed)).toMatchObject({ location: 1, compare: true });
    expect(() => parseChargePointParams({ connectorId: '1', duration: 60 }, false, allowed)).toThrow(/connectorId must be an integer/);
    expect(() => parseChargePointParams({ connectorId: '1', evseId: '1', duration: '60' }, true, allowed)).toThrow(/not both/);
    expect(() => parseChargePointParams({ connectorId: '1', compare: 'yes' }, true, allowed)).toThrow(/compare must be true or false/);
    expect(() => parseChargePointParams({ connectorId: '1', compare: 'true', start: '2024-03-04T00:00:00Z' }, true, allowed)).toThrow(/leave out start/);
  });
});
