/**
 * Which installed profiles a ClearChargingProfile removes, pure.
 * 1.6 §5.5 / §6.13: "clear (remove) either a specific charging profile (denoted by id) or a
 * selection of charging profiles that match with the values of the optional connectorId,
 * stackLevel and chargingProfilePurpose fields" · 2.0.1 K10 (chargingProfileId or
 * chargingProfileCriteria).
 *
 * - With an id, that id alone decides ("either … or"): the other fields are not consulted.
 * - Otherwise every criterion that is present must match; an absent one matches anything
 *   ("Absence of this parameter means the clearing applies to all charging profiles that match
 *   the other criteria"), so a request with no criteria at all clears every profile.
 * - connectorId/evseId 0 selects the profiles installed on the charge point as a whole, not all.
 */
import { profileKey } from './normalize';
import type { ClearCriteria } from './requests';
import type { InstalledProfile } from './types';

export function clearMatches(p: InstalledProfile, c: ClearCriteria): boolean {
  const k = profileKey(p);
  if (c.id !== undefined) return k.id === c.id;
  return (
    (c.location === undefined || k.location === c.location) &&
    (c.purpose === undefined || k.purpose === c.purpose) &&
    (c.stackLevel === undefined || k.stackLevel === c.stackLevel)
  );
}
