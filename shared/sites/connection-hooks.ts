/**
 * A site's charge point going offline or coming back (docs/sites.md, "Offline and back online").
 *
 * `$connect` / `$disconnect` look the membership up with one GetItem (not the members cache of
 * ./hooks.ts, which a Scan fills): a missed event here is not made good by a later message, and a
 * cold container must not miss it.
 */
import { log } from '../log';
import { reallocateSite } from './service';
import { getSite, siteOf } from './store';

/** The site of a charge point, if any (one GetItem). */
export const memberSite = (chargePointId: string): Promise<string | undefined> => siteOf(chargePointId);

/**
 * $disconnect: re-allocate the station's site, so its records show it offline, counted at the last
 * limit it accepted (1.6 §3.13.6: offline, a Charge Point "SHALL use the charging profiles that are available") or the higher of
 * that and a limit whose answer was lost. Never fails the disconnect.
 */
export async function siteStationOffline(chargePointId: string): Promise<void> {
  try {
    const siteId = await memberSite(chargePointId);
    if (siteId) await reallocateSite(siteId, getSite);
  } catch (e) {
    log.warn('site re-allocation after a disconnect failed', { chargePointId, error: String(e) });
  }
}
