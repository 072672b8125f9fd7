/**
 * The checks made before a charging profile is sent (shared/smart-charging/rules.ts) and the
 * generic call-guard registry that runs them (shared/calls/guards.ts).
 */
import { GuardRejection, registerGuard, runGuards } from '../../../shared/calls/guards';
import { fromRemoteStart, fromSetChargingProfile } from '../../../shared/smart-charging/requests';
import { capabilityFacts, profileProblem, type ProfileFacts } from '../../../shared/smart-charging/rules';

// Builders: a valid profile of each version, changed per test.
const aProfile16 = (p: Record<string, unknown> = {}) => ({
  chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
  chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 600, limit: 8 }] }, ...p,
});
const aProfile201 = (p: Record<string, unknown> = {}) => ({
  id: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Relative',
  chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }], ...p,
});
const set16 = (connectorId: number, p: Record<string, unknown> = {}, facts: ProfileFacts = {}) =>
  profileProblem(fromSetChargingProfile('1.6', { connectorId, csChargingProfiles: aProfile16(p) }), facts);
const set201 = (evseId: number, p: Record<string, unknown> = {}, facts: ProfileFacts = {}) =>
  profileProblem(fromSetChargingProfile('2.0.1', { evseId, chargingProfile: aProfile201(p) }), facts);

describe('SetChargingProfile rules, OCPP 1.6', () => {
  it('accepts a valid TxDefaultProfile on connector 0 or a connector', () => {
    expect(set16(0)).toBeUndefined();
    expect(set16(2)).toBeUndefined();
  });

  it('§3.13.1: ChargePointMaxProfile only on connector 0; TxProfile never on connector 0', () => {
    expect(set16(0, { chargingProfilePurpose: 'ChargePointMaxProfile' })).toBeUndefined();
    expect(set16(1, { chargingProfilePurpose: 'ChargePointMaxProfile' })).toMatch(/ChargePointMaxProfile can only be set on connectorId 0, not 1 \(1\.6 §3\.13\.1\)/);
    expect(set16(0, { chargingProfilePurpose: 'TxProfile' }, { activeTransactionId: '5' })).toMatch(/TxProfile cannot be set on connectorId 0/);
  });

  it('§3.13.1/§5.16.4: a TxProfile needs an active transaction on its connector; a transactionId must be that one', () => {
    expect(set16(1, { chargingProfilePurpose: 'TxProfile' })).toMatch(/needs an active transaction on connector 1, and there is none/);
    expect(set16(1, { chargingProfilePurpose: 'TxProfile' }, { activeTransactionId: '5' })).toBeUndefined(); // 1.6 may omit transactionId
    expect(set16(1, { chargingProfilePurpose: 'TxProfile', transactionId: 5 }, { activeTransactionId: '5' })).toBeUndefined();
    expect(set16(1, { chargingProfilePurpose: 'TxProfile', transactionId: 6 }, { activeTransactionId: '5' })).toMatch(/transactionId 6 is not the transaction active on connector 1 \(5\)/);
    expect(set16(0, { transactionId: 6 })).toMatch(/transactionId is only allowed in a TxProfile/);
  });

  it('§7.8/§7.13/§7.14: stackLevel ≥ 0, first period at 0, increasing periods, validFrom before validTo', () => {
    expect(set16(0, { stackLevel: -1 })).toMatch(/stackLevel must be 0 or more/);
    expect(set16(0, { chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 10, limit: 1 }] } })).toMatch(/first chargingSchedulePeriod must have startPeriod 0 \(1\.6 §7\.13\)/);
    expect(set16(0, { chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }, { startPeriod: 60, limit: 2 }, { startPeriod: 60, limit: 3 }] } })).toMatch(/must increase/);
    expect(set16(0, { validFrom: '2024-01-02T00:00:00Z', validTo: '2024-01-01T00:00:00Z' })).toMatch(/validFrom .* must be before validTo/);
    expect(set16(0, { validFrom: '2024-01-01T00:00:00Z', validTo: '2024-01-02T00:00:00Z' })).toBeUndefined();
  });

  it('§9.4: the capabilities the charge point reported, when known', () => {
    const facts = { maxStackLevel: 2, allowedUnits: ['A' as const], maxPeriods: 2, maxInstalled: 3 };
    expect(set16(0, { stackLevel: 2 }, facts)).toBeUndefined();
    expect(set16(0, { stackLevel: 3 }, facts)).toMatch(/stackLevel 3 is above the charge point's maximum 2 \(ChargeProfileMaxStackLevel\)/);
    expect(set16(0, { chargingSchedule: { chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 1 }] } }, facts)).toMatch(/chargingRateUnit W is not supported by the charge point, which allows A/);
    expect(set16(0, { chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [0, 1, 2].map((s) => ({ startPeriod: s, limit: 1 })) } }, facts)).toMatch(/3 schedule periods are more than the charge point's maximum 2/);
    expect(set16(0, {}, { ...facts, installedAfter: 3 })).toBeUndefined();
    expect(set16(0, {}, { ...facts, installedAfter: 4 })).toMatch(/at most 3 charging profiles \(MaxChargingProfilesInstalled\)/);
  });

  it('§5.16.2: a profile in RemoteStartTransaction is a TxProfile without transactionId', () => {
    const remote = (p: Record<string, unknown>, connectorId?: number) => profileProblem(fromRemoteStart('1.6', { idTag: 'T', connectorId, chargingProfile: aProfile16(p) }).order!);
    expect(remote({ chargingProfilePurpose: 'TxProfile' }, 1)).toBeUndefined();
    expect(remote({ chargingProfilePurpose: 'TxProfile' })).toBeUndefined(); // the charge point picks the connector
    expect(remote({})).toMatch(/must be a TxProfile, not TxDefaultProfile \(1\.6 §5\.16\.2\)/);
    expect(remote({ chargingProfilePurpose: 'TxProfile', transactionId: 3 }, 1)).toMatch(/must not have a transactionId/);
    expect(fromRemoteStart('1.6', { idTag: 'T' }).order).toBeUndefined();
  });
});

describe('SetChargingProfile rules, OCPP 2.0.1 (K01, K05)', () => {
  it('accepts valid profiles', () => {
    expect(set201(0)).toBeUndefined();
    expect(set201(0, { chargingProfilePurpose: 'ChargingStationMaxProfile', chargingProfileKind: 'Absolute', chargingSchedule: [{ id: 1, startSchedule: '2024-01-01T00:00:00Z', chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 11000 }] }] })).toBeUndefined();
    expect(set201(1, { chargingProfilePurpose: 'TxProfile', transactionId: 'T1' }, { activeTransactionId: 'T1' })).toBeUndefined();
  });

  it('TxProfile: K01.FR.03 transactionId required, K01.FR.16 not on EVSE 0, K01.FR.09 active, K01.FR.33 matching', () => {
    expect(set201(1, { chargingProfilePurpose: 'TxProfile' }, { activeTransactionId: 'T1' })).toMatch(/K01\.FR\.03/);
    expect(set201(0, { chargingProfilePurpose: 'TxProfile', transactionId: 'T1' }, { activeTransactionId: 'T1' })).toMatch(/evseId 0 \(2\.0\.1 K01\.FR\.16\)/);
    expect(set201(1, { chargingProfilePurpose: 'TxProfile', transactionId: 'T1' })).toMatch(/active transaction on EVSE 1, and there is none \(2\.0\.1 K01\.FR\.09\)/);
    expect(set201(1, { chargingProfilePurpose: 'TxProfile', transactionId: 'T2' }, { activeTransactionId: 'T1' })).toMatch(/K01\.FR\.33/);
  });

  it('ChargingStationMaxProfile: EVSE 0 only, never Relative (K01.FR.38)', () => {
    expect(set201(2, { chargingProfilePurpose: 'ChargingStationMaxProfile' })).toMatch(/only be set on evseId 0, not 2/);
    expect(set201(0, { chargingProfilePurpose: 'ChargingStationMaxProfile' })).toMatch(/K01\.FR\.38/);
  });

  it('startSchedule: required unless Relative (K01.FR.40), forbidden when Relative (K01.FR.41); periods K01.FR.31/35', () => {
    expect(set201(0, { chargingProfileKind: 'Recurring', recurrencyKind: 'Daily' })).toMatch(/Recurring profile needs a startSchedule.*K01\.FR\.40/);
    expect(set201(0, { chargingSchedule: [{ id: 1, startSchedule: '2024-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] }] })).toMatch(/K01\.FR\.41/);
    expect(set201(0, { chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 5, limit: 6 }] }] })).toMatch(/K01\.FR\.31/);
    // Every one of the (up to 3) schedules is checked.
    expect(set201(0, { chargingSchedule: [
      { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
      { id: 2, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }, { startPeriod: 0, limit: 7 }] },
    ] })).toMatch(/K01\.FR\.35/);
    expect(set201(0, { chargingSchedule: [
      { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] },
      { id: 2, chargingRateUnit: 'W', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6000 }] },
    ] }, { allowedUnits: ['A'] })).toMatch(/chargingRateUnit W is not supported .*SmartChargingCtrlr\.RateUnit/);
  });

  it('K05: RequestStartTransaction carries a TxProfile without transactionId', () => {
    const remote = (p: Record<string, unknown>) => profileProblem(fromRemoteStart('2.0.1', { remoteStartId: 1, idToken: { idToken: 'A', type: 'ISO14443' }, evseId: 1, chargingProfile: aProfile201(p) }).order!);
    expect(remote({ chargingProfilePurpose: 'TxProfile' })).toBeUndefined();
    expect(remote({})).toMatch(/must be a TxProfile/);
    expect(remote({ chargingProfilePurpose: 'TxProfile', transactionId: 'X' })).toMatch(/must not have a transactionId/);
  });
});

describe('capabilityFacts: reported configuration → limits', () => {
  it('reads the 1.6 keys and the 2.0.1 SmartChargingCtrlr variables; ignores what it cannot parse', () => {
    expect(capabilityFacts(new Map([
      ['ChargeProfileMaxStackLevel', '8'], ['ChargingScheduleAllowedChargingRateUnit', 'Current, Power'], ['ChargingScheduleMaxPeriods', '24'], ['MaxChargingProfilesInstalled', '10'],
    ]))).toEqual({ maxStackLevel: 8, allowedUnits: ['A', 'W'], maxPeriods: 24, maxInstalled: 10 });
    expect(capabilityFacts(new Map([
      ['SmartChargingCtrlr/ProfileStackLevel/Actual', '3'], ['SmartChargingCtrlr/RateUnit/Actual', 'W'], ['SmartChargingCtrlr/PeriodsPerSchedule/Actual', 'many'],
    ]))).toEqual({ maxStackLevel: 3, allowedUnits: ['W'], maxPeriods: undefined, maxInstalled: undefined });
    expect(capabilityFacts(new Map())).toEqual({ maxStackLevel: undefined, allowedUnits: undefined, maxPeriods: undefined, maxInstalled: undefined });
  });
});

describe('the call-guard registry', () => {
  it('runs every guard of an action in registration order; the first rejection stops it', async () => {
    const seen: string[] = [];
    registerGuard('UnitTestAction', async (cp, payload, version) => {
      seen.push(`first:${cp}:${version}:${JSON.stringify(payload)}`);
    });
    registerGuard('UnitTestAction', async (_cp, payload: { ok: boolean }) => {
      seen.push('second');
      if (!payload.ok) throw new GuardRejection('not ok', 'NotOk', 409);
    });
    registerGuard('UnitTestAction', async () => {
      seen.push('third');
    });
    await runGuards('UnitTestAction', 'CP1', { ok: true }, '1.6');
    expect(seen).toEqual(['first:CP1:1.6:{"ok":true}', 'second', 'third']);
    seen.length = 0;
    await expect(runGuards('UnitTestAction', 'CP1', { ok: false }, '2.0.1')).rejects.toMatchObject({ message: 'not ok', error: 'NotOk', status: 409 });
    expect(seen).toHaveLength(2);
    await expect(runGuards('NoGuards', 'CP1', {}, '1.6')).resolves.toBeUndefined();
    expect(new GuardRejection('x')).toMatchObject({ error: 'InvalidRequest', status: 400 });
  });
});
