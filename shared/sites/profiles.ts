/**
 * The charging profile the CSMS installs to hold a connector/EVSE at its share of a site
 * (docs/sites.md, "Which profile"): a TxDefaultProfile on that connector (1.6) / EVSE (2.0.1),
 * Relative with one period from second 0 and no duration, so it applies at once and forever, with
 * or without a transaction, and survives the end of a transaction (a TxProfile would leave with it
 * and the connector would be unconstrained until the next allocation).
 *
 * The request is also the model's InstalledProfile shape (shared/smart-charging/types.ts).
 */
import type { InstalledProfile16, InstalledProfile201 } from '../smart-charging/types';

/** One id per connector/EVSE, far from the ids operators use; the same id replaces the previous limit (1.6 §5.16.3, K01). */
export const SITE_PROFILE_ID_BASE = 917_000;
/** Above the TxDefaults an operator would usually install (0–2), within the smallest stack depth stations report. */
export const SITE_STACK_LEVEL = 3;

export const siteProfileId = (location: number) => SITE_PROFILE_ID_BASE + location;

export function siteProfile(version: '1.6' | '2.0.1', location: number, limitA: number, phases: 1 | 3): InstalledProfile16 | InstalledProfile201 {
  const period = { startPeriod: 0, limit: limitA, numberPhases: phases };
  if (version === '1.6') {
    return {
      connectorId: location,
      csChargingProfiles: {
        chargingProfileId: siteProfileId(location),
        stackLevel: SITE_STACK_LEVEL,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [period] },
      },
    };
  }
  return {
    evseId: location,
    chargingProfile: {
      id: siteProfileId(location),
      stackLevel: SITE_STACK_LEVEL,
      chargingProfilePurpose: 'TxDefaultProfile',
      chargingProfileKind: 'Relative',
      chargingSchedule: [{ id: siteProfileId(location), chargingRateUnit: 'A', chargingSchedulePeriod: [period] }],
    },
  };
}
