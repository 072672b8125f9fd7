/**
 * Re-allocation on transaction start and stop (docs/sites.md, "When it re-allocates").
 *
 * StartTransaction / StopTransaction have a budget of 3 DynamoDB operations (docs/performance.md),
 * so the hook must cost nothing for charge points outside sites: which charge points are in a site
 * is kept in memory per Lambda container (one Scan of the member items, at most every
 * MEMBERS_TTL_MS, refreshed in the background) and changed at once by the site API in the same
 * process. A transaction the cache misses (a cold container, a site changed in another container
 * less than MEMBERS_TTL_MS ago) is safe all the same: an idle connector of a site is held at 0, so
 * a new session draws nothing until the next allocation, and a stopped one keeps its limit.
 */
import { log } from '../log';
import { onTransactionStarted, onTransactionStopped } from '../transactions/hooks';
import { reallocateSite } from './service';
import { getSite, listMembers } from './store';

export const MEMBERS_TTL_MS = 30_000;
let members = new Map<string, string>();
let loadedAt = -Infinity;
let loading: Promise<void> | undefined;

export function refreshMembers(now = Date.now()): Promise<void> {
  if (loading) return loading.then(() => refreshMembers(now));
  loading = listMembers()
    .then((m) => { members = m; loadedAt = now; })
    .catch((e) => log.warn('site members not loaded', { error: String(e) }))
    .finally(() => { loading = undefined; });
  return loading;
}

/** The site API tells this process at once. */
export function memberChanged(chargePointId: string, siteId: string | undefined): void {
  if (siteId) members.set(chargePointId, siteId);
  else members.delete(chargePointId);
}

function siteFor(chargePointId: string): string | undefined {
  if (!loading && Date.now() - loadedAt > MEMBERS_TTL_MS) void refreshMembers();
  return members.get(chargePointId);
}

for (const register of [onTransactionStarted, onTransactionStopped]) {
  register({
    name: 'site',
    appliesTo: (tx) => siteFor(tx.chargePointId) !== undefined,
    run: async (tx) => {
      const siteId = siteFor(tx.chargePointId);
      if (siteId) await reallocateSite(siteId, getSite);
    },
  });
}
void refreshMembers();
