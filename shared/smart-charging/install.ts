/**
 * Replacement rules applied when a SetChargingProfile is accepted, for the CSMS's model of what a
 * charge point has installed. Pure: returns a new array, install order preserved (newest last).
 *
 * A new profile replaces every installed profile that has
 *  - the same id (1.6 chargingProfileId / 2.0.1 id) — 1.6 §5.16.3 and §5.16.4, or
 *  - the same purpose and stackLevel on the same connector/EVSE — 1.6 §3.13.2 ("the Charge Point
 *    SHALL replace the existing profile"), narrowed to one connector because §3.13.1 says a
 *    TxDefaultProfile for a connector > 0 replaces the connector-0 one "only for that specific
 *    connector", i.e. both coexist. ChargePointMaxProfile and ChargingStationMaxProfile count as
 *    one purpose.
 */
import { ProfileKey, profileKey } from './normalize';
import { InstalledProfile } from './types';

export function replaces(newOne: InstalledProfile, old: InstalledProfile): boolean {
  return keyReplaces(profileKey(newOne), profileKey(old));
}

function keyReplaces(n: ProfileKey, o: ProfileKey): boolean {
  if (n.id === o.id) return true;
  return (
    n.purpose !== undefined &&
    n.purpose === o.purpose &&
    n.stackLevel === o.stackLevel &&
    n.location === o.location
  );
}

export function installProfile(existing: readonly InstalledProfile[], newOne: InstalledProfile): InstalledProfile[] {
  const kept = existing.filter((old) => !replaces(newOne, old));
  kept.push(newOne);
  return kept;
}

/** Installs `profiles` one after the other (array order = install order) into an empty model. */
export function installAll(profiles: readonly InstalledProfile[]): InstalledProfile[] {
  // Same result as folding installProfile, with each key computed once.
  let model: { p: InstalledProfile; k: ProfileKey }[] = [];
  for (const p of profiles) {
    const k = profileKey(p);
    model = model.filter((m) => !keyReplaces(k, m.k));
    model.push({ p, k });
  }
  return model.map((m) => m.p);
}
