/**
 * Site load management, the side with I/O (docs/sites.md): reads what the CSMS knows of a site's
 * charge points (connection, transactions, the model of installed profiles and its composites),
 * allocates (allocate.ts), sends the change plan through the calls mechanism (lowers, then raises)
 * and records every answer. One allocation at a time per site (the lock in store.ts).
 */
import { randomUUID } from 'node:crypto';
import { runCommand } from '../calls/command';
import { log } from '../log';
import { getChargePoint, liveConnectionId, type ChargePoint } from '../store/charge-points';
import { listLimitItems } from '../store/charging-profiles';
import { computeCompositeSchedule } from '../smart-charging/composite';
import { engineProfiles } from '../smart-charging/feed';
import { activeTransactions, loadModel, transactionOn } from '../smart-charging/model';
import { allocate, changePlan, connectorKey, type Allocation, type PlanStep, type StationInput } from './allocate';
import { siteProfile } from './profiles';
import { allocKey, deleteAllocation, listAllocations, putAllocation, releaseLock, takeLock, type AllocationItem, type SiteItem } from './store';

/** A connector's maximum when the charge point's settings do not say (`settings.maxCurrentA`): 32 A, the common AC maximum. */
export const DEFAULT_CONNECTOR_MAX_A = 32;
const LOCK_TTL_MS = 120_000;
const MAX_ROUNDS = 5;

const positive = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);
const versionOf = (cp: ChargePoint): '1.6' | '2.0.1' => (cp.protocol === 'ocpp1.6' ? '1.6' : '2.0.1');

/** Connector (1.6) / EVSE (2.0.1) ids the charge point has: from its status notifications, transactions and past allocations. */
function locationsOf(cp: ChargePoint, txLocations: number[], allocated: number[]): number[] {
  const out = new Set<number>([...txLocations, ...allocated]);
  for (const key of Object.keys(cp.statuses ?? {})) {
    const n = Number(key.split('/')[0]);
    if (Number.isInteger(n) && n > 0) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

interface Observed { station: StationInput; version: '1.6' | '2.0.1'; phases: 1 | 3 }

/** What the CSMS knows now of one charge point, as the allocation's input. */
async function observe(site: SiteItem, chargePointId: string, records: AllocationItem[], now: Date): Promise<Observed | undefined> {
  const cp = await getChargePoint(chargePointId);
  if (!cp) return undefined;
  const version = versionOf(cp);
  const active = await activeTransactions(chargePointId);
  const [items, limits] = await Promise.all([loadModel(chargePointId, active), listLimitItems(chargePointId)]);
  const profiles = engineProfiles(items, limits);
  const mine = records.filter((r) => r.chargePointId === chargePointId);
  const phases = (positive(cp.settings?.phases) === 1 ? 1 : positive(cp.settings?.phases) === 3 ? 3 : site.phases ?? 3) as 1 | 3;
  const maxA = positive(cp.settings?.maxCurrentA) ?? DEFAULT_CONNECTOR_MAX_A;
  const online = !!liveConnectionId(cp, now.getTime());
  // A rejection counts until the station connects again (a new connection: maybe new firmware or settings).
  const rejected = mine.some((r) => r.status === 'Rejected' && (!cp.connectedAt || cp.connectedAt < (r.sentAt ?? '')));
  const start = new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString();
  const locations = locationsOf(cp, active.map((t) => t.location ?? 0).filter((l) => l > 0), mine.map((r) => r.location));
  return {
    version,
    phases,
    station: {
      chargePointId,
      phases,
      online,
      rejected,
      priority: site.priorities?.[chargePointId] ?? 0,
      connectors: locations.map((location) => {
        const tx = transactionOn(active, location);
        const composite = computeCompositeSchedule({
          profiles,
          connectorId: location,
          start,
          duration: 1,
          chargingRateUnit: 'A',
          transaction: tx && { connectorId: location, transactionId: tx.transactionId, startedAt: tx.startedAt },
          voltage: positive(cp.settings?.voltage) ?? site.voltage,
          phases,
        });
        const limit = composite.chargingSchedule.chargingSchedulePeriod[0]?.limit;
        const r = mine.find((x) => x.location === location);
        // Answers lost since the last accepted limit (timeout, disconnect): the station may hold any
        // of those limits or the model's, it counts at the highest.
        const unknown = r?.unconfirmedA;
        const installedA = limit === null || limit === undefined ? undefined : unknown !== undefined ? Math.max(limit, unknown) : limit;
        // Confirmed on this connection: accepted after it opened. Otherwise the target is sent again
        // (a station that rebooted may have lost it; one that was offline may have missed a change).
        const confirmed = r?.status === 'Accepted' && !!r.sentAt && (!cp.connectedAt || r.sentAt >= cp.connectedAt);
        const drawnA = tx && r?.drawnA !== undefined && r.drawnTransactionId === tx.transactionId ? r.drawnA : undefined;
        return { location, maxCurrentA: maxA, installedA, transaction: tx && { transactionId: tx.transactionId, startedAt: tx.startedAt }, drawnA, resend: online && !confirmed };
      }),
    },
  };
}

async function observeAll(site: SiteItem, records: AllocationItem[], now: Date): Promise<Observed[]> {
  const out = await Promise.all(site.chargePointIds.map((cp) => observe(site, cp, records, now)));
  return out.filter((o): o is Observed => !!o);
}

/** Sends one step; records what the station answered. true = accepted. */
async function send(site: SiteItem, o: Observed, step: PlanStep, alloc: Allocation, sentAt: Date, prev: AllocationItem | undefined): Promise<boolean> {
  const limit = alloc.limits.find((l) => l.chargePointId === step.chargePointId && l.location === step.location)!;
  // The measured current the cap follows stays with the record.
  const drawn = prev?.drawnA !== undefined ? { drawnA: prev.drawnA, drawnTransactionId: prev.drawnTransactionId, drawnAt: prev.drawnAt } : {};
  const base = { siteId: site.siteId, chargePointId: step.chargePointId, location: step.location, limitA: step.toA, reason: limit.reason, transactionId: limit.transactionId, sentAt: sentAt.toISOString(), allocatedAt: sentAt.toISOString(), ...drawn };
  const r = await runCommand(step.chargePointId, 'SetChargingProfile', siteProfile(o.version, step.location, step.toA, o.phases));
  const status = (r.body as { response?: { status?: string } }).response?.status;
  if (r.status === 200 && status === 'Accepted') {
    await putAllocation({ ...base, status: 'Accepted' });
    return true;
  }
  const rejected = r.status === 200;
  // Not accepted: a lost answer (Failed) may still have installed it. Until a limit is accepted
  // again, the highest of those is what the station may hold (a rejection installs nothing).
  const unconfirmed = Math.max(prev?.unconfirmedA ?? 0, rejected ? 0 : step.toA);
  await putAllocation({ ...base, ...(unconfirmed > 0 || !rejected ? { unconfirmedA: unconfirmed } : {}), status: rejected ? 'Rejected' : 'Failed', message: rejected ? `SetChargingProfile ${status}` : String((r.body as { message?: string }).message ?? (r.body as { error?: string }).error ?? r.status) });
  return false;
}

/** One pass: allocate, then lower, then raise; a failed step ends the pass (the next one starts from what is installed). */
async function pass(site: SiteItem): Promise<'settled' | 'again'> {
  const now = new Date();
  const records = await listAllocations(site.siteId);
  const observed = await observeAll(site, records, now);
  const stations = observed.map((o) => o.station);
  const alloc = allocate(site, stations);
  const plan = changePlan(stations, alloc);
  const byId = new Map(observed.map((o) => [o.station.chargePointId, o]));
  // Counted-only connectors and unchanged ones keep a record of what they count at.
  const planned = new Set([...plan.lowers, ...plan.raises].map((s) => connectorKey(s.chargePointId, s.location)));
  const known = new Map(records.map((r) => [connectorKey(r.chargePointId, r.location), r]));
  for (const l of alloc.limits) {
    const key = connectorKey(l.chargePointId, l.location);
    if (planned.has(key)) continue;
    const r = known.get(key);
    // Offline or rejected: the record shows what it counts at (its last answer stays).
    if (!l.controlled && (r?.limitA !== l.limitA || r.reason !== l.reason || r.transactionId !== l.transactionId)) await putAllocation({ ...(r ?? {}), siteId: site.siteId, chargePointId: l.chargePointId, location: l.location, limitA: l.limitA, reason: l.reason, transactionId: l.transactionId, status: r?.status ?? 'Counted', allocatedAt: now.toISOString() });
    else if (l.controlled && r && (r.reason !== l.reason || r.transactionId !== l.transactionId)) await putAllocation({ ...r, reason: l.reason, transactionId: l.transactionId });
  }
  const members = new Set(site.chargePointIds);
  for (const r of records) if (!members.has(r.chargePointId)) await deleteAllocation(site.siteId, r.itemKey);
  const prevOf = (step: PlanStep) => known.get(connectorKey(step.chargePointId, step.location));
  for (const step of plan.lowers) if (!(await send(site, byId.get(step.chargePointId)!, step, alloc, new Date(), prevOf(step)))) return 'again';
  for (const step of plan.raises) if (!(await send(site, byId.get(step.chargePointId)!, step, alloc, new Date(), prevOf(step)))) return 'again';
  return plan.lowers.length || plan.raises.length ? 'again' : 'settled';
}

/**
 * Re-allocates a site now, unless an allocation of it is running: then that one runs once more
 * before it lets go of the lock (so no event is lost and two never interleave).
 */
export async function reallocateSite(siteId: string, load: (id: string) => Promise<SiteItem | undefined>): Promise<void> {
  const owner = randomUUID();
  if (!(await takeLock(siteId, owner, LOCK_TTL_MS))) return;
  try {
    for (;;) {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const site = await load(siteId);
        if (!site) break;
        if ((await pass(site)) === 'settled') break;
      }
      if (await releaseLock(siteId, owner)) return;
    }
  } catch (e) {
    await releaseLock(siteId, owner).catch(() => undefined);
    log.warn('site allocation failed', { siteId, error: String(e) });
    throw e;
  }
}

/** GET /api/sites/{siteId}: the site and, per charge point and connector/EVSE, what it was given. */
export async function siteView(site: SiteItem, opts: { reallocate?: boolean } = {}) {
  if (opts.reallocate) {
    const { getSite } = await import('./store');
    await reallocateSite(site.siteId, getSite);
  }
  const records = await listAllocations(site.siteId);
  const is16 = new Map<string, boolean>();
  for (const cp of site.chargePointIds) is16.set(cp, (await getChargePoint(cp))?.protocol === 'ocpp1.6');
  const { itemKey: _k, ...config } = site;
  return {
    ...config,
    allocation: site.chargePointIds.map((chargePointId) => ({
      chargePointId,
      connectors: records
        .filter((r) => r.chargePointId === chargePointId)
        .sort((a, b) => a.location - b.location)
        .map((r) => ({
          [is16.get(chargePointId) ? 'connectorId' : 'evseId']: r.location,
          limitA: r.limitA,
          reason: r.reason,
          transactionId: r.transactionId,
          sentAt: r.sentAt,
          status: r.status,
          accepted: r.status === 'Accepted',
          message: r.message,
        })),
    })),
  };
}

export { allocKey };
