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
import { onMeterValues } from '../metering/observers';
import type { MeterValuesInput } from '../metering/record';
import { onTransactionStarted, onTransactionStopped } from '../transactions/hooks';
import { drawUpdate, measuredCurrent } from './allocate';
import { reallocateSite } from './service';
import { getSite, listAllocations, listMembers, setDrawn } from './store';

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

/**
 * Periodic re-allocation from meter values (docs/sites.md): a site's connector with a transaction
 * reports its current; with hysteresis (allocate.ts, drawUpdate) its cap follows it and the site is
 * re-allocated, otherwise nothing is written. One Query per such message of a site's charge point.
 */
export async function siteMeterValues(m: MeterValuesInput): Promise<void> {
  if (m.source === 'StopTransaction') return;
  const siteId = siteFor(m.chargePointId);
  const measured = measuredCurrent(m.meterValue);
  if (!siteId || measured === undefined) return;
  const location = m.connectorId ?? m.evseId;
  const records = (await listAllocations(siteId)).filter((r) => r.chargePointId === m.chargePointId && r.transactionId !== undefined);
  const r = records.find((x) => (m.transactionId !== undefined ? x.transactionId === m.transactionId : x.location === location));
  if (!r || r.status !== 'Accepted' || !r.transactionId) return;
  const drawn = r.drawnTransactionId === r.transactionId ? r.drawnA : undefined;
  const next = drawUpdate(r.limitA, drawn, measured);
  if (next === undefined || (next === null && drawn === undefined)) return;
  await setDrawn(siteId, r.chargePointId, r.location, r.transactionId, next);
  await reallocateSite(siteId, getSite);
}

onMeterValues({
  name: 'site',
  appliesTo: (m) => m.source !== 'StopTransaction' && siteFor(m.chargePointId) !== undefined,
  run: siteMeterValues,
});
void refreshMembers();
