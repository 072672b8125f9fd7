import { installProfile } from '../../../shared/smart-charging/composite';
import type {
  ChargingProfilePurpose16,
  InstalledProfile,
  InstalledProfile16,
  InstalledProfile201,
} from '../../../shared/smart-charging/types';

function p16(id: number, connectorId: number, purpose: ChargingProfilePurpose16, stackLevel: number): InstalledProfile16 {
  return {
    connectorId,
    csChargingProfiles: {
      chargingProfileId: id,
      stackLevel,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    },
  };
}

function p201(
  id: number,
  evseId: number,
  purpose: InstalledProfile201['chargingProfile']['chargingProfilePurpose'],
  stackLevel: number,
): InstalledProfile201 {
  return {
    evseId,
    chargingProfile: {
      id,
      stackLevel,
      chargingProfilePurpose: purpose,
      chargingProfileKind: 'Relative',
      chargingSchedule: [{ id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] }],
    },
  };
}

const ids = (model: InstalledProfile[]) =>
  model.map((p) => ('csChargingProfiles' in p ? p.csChargingProfiles.chargingProfileId : p.chargingProfile.id));

describe('installProfile', () => {
  const a = p16(1, 0, 'TxDefaultProfile', 0);
  const b = p16(2, 1, 'TxDefaultProfile', 0);
  const c = p16(3, 0, 'ChargePointMaxProfile', 0);

  it('adds a profile with a new id and a new (purpose, stackLevel, connector) at the end', () => {
    expect(ids(installProfile([a, b], c))).toEqual([1, 2, 3]);
  });

  it('keeps TxDefault profiles of the same stack level on different connectors side by side', () => {
    expect(ids(installProfile([a], b))).toEqual([1, 2]);
  });

  it('replaces a profile with the same id, whatever else differs, and moves it to the end', () => {
    const newA = p16(1, 2, 'TxProfile', 7);
    const model = installProfile([a, b, c], newA);
    expect(ids(model)).toEqual([2, 3, 1]);
    expect(model[2]).toBe(newA);
  });

  it('replaces a profile with the same purpose, stackLevel and connector', () => {
    const sameSlot = p16(9, 1, 'TxDefaultProfile', 0);
    expect(ids(installProfile([a, b, c], sameSlot))).toEqual([1, 3, 9]);
  });

  it('does not replace on another stack level or another purpose', () => {
    expect(ids(installProfile([a, b, c], p16(9, 0, 'TxDefaultProfile', 1)))).toEqual([1, 2, 3, 9]);
    expect(ids(installProfile([a, b, c], p16(9, 1, 'TxProfile', 0)))).toEqual([1, 2, 3, 9]);
  });

  it('can replace two profiles at once (one by id, one by slot)', () => {
    const both = p16(2, 0, 'ChargePointMaxProfile', 0); // id of b, slot of c
    expect(ids(installProfile([a, b, c], both))).toEqual([1, 2]);
  });

  it('treats 2.0.1 ChargingStationMaxProfile as the same purpose as 1.6 ChargePointMaxProfile', () => {
    expect(ids(installProfile([a, c], p201(9, 0, 'ChargingStationMaxProfile', 0)))).toEqual([1, 9]);
    expect(ids(installProfile([a, c], p201(9, 0, 'ChargingStationExternalConstraints', 0)))).toEqual([1, 3, 9]);
  });

  it('does not mutate the installed list', () => {
    const model = [a, b, c];
    installProfile(model, p16(1, 0, 'TxDefaultProfile', 0));
    expect(ids(model)).toEqual([1, 2, 3]);
  });
});
