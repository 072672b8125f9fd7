/**
 * Part "sites": site load management (docs/sites.md) for sites of N stations (10 and 100).
 *
 * - allocation: the pure allocate + changePlan for N stations with a session each, median ms;
 * - end to end: the local runtime in this process, N charge points (1.6, one connector) connected
 *   with ocpp-rpc under one site of N × 16 A; sessions start one after another. A re-allocation
 *   runs inside StartTransaction before its answer, so the StartTransaction round trip is the time
 *   the re-allocation took (its lock, reads, every SetChargingProfile sent and answered); the
 *   SetChargingProfile calls the stations received during it, and the DynamoDB operations of the
 *   whole message, are counted per re-allocation.
 */
import { RPCClient } from 'ocpp-rpc';
import type { LocalCsms } from '../../infra/local/runtime';
import { allocate, changePlan, type StationInput } from '../../shared/sites/allocate';
import { progress } from './io';
import { median, msSince, round, summarize, type Summary } from './stats';

export interface SitesRow {
  stations: number;
  /** Pure allocate + changePlan, all N with a session, ms (median). */
  allocateMs: number;
  /** StartTransaction round trip, its re-allocation included, ms. */
  reallocationMs: Summary;
  /** SetChargingProfile calls per re-allocation. */
  messages: Summary;
  /** DynamoDB operations per StartTransaction with its re-allocation. */
  dynamoOps: Summary;
  /** Largest sum of the limits the stations held at once, and the site limit. */
  maxHeldA: number;
  siteA: number;
}

export interface SitesBenchResult {
  rows: SitesRow[];
  notes: string[];
}

function pureAllocation(n: number, runs: number): number {
  const t0 = Date.parse('2026-03-02T08:00:00Z');
  const stations: StationInput[] = Array.from({ length: n }, (_, i) => ({
    chargePointId: `CP${i}`, online: true,
    connectors: [{ location: 1, maxCurrentA: 32, installedA: 16, transaction: { transactionId: String(i), startedAt: new Date(t0 + i * 1000).toISOString() } }],
  }));
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    changePlan(stations, allocate({ maxCurrentA: n * 15 }, stations));
    times.push(msSince(t));
  }
  return median(times);
}

export async function measureSites(opts: { sizes: number[]; allocateRuns: number }): Promise<SitesBenchResult> {
  const { startLocal } = await import('../../infra/local/runtime');
  const aws = await import('../../shared/aws');
  const opsNow = () => [...aws.dynamoOperationStats.values()].reduce((s, v) => s + v.count, 0);
  const rows: SitesRow[] = [];
  const csms: LocalCsms = await startLocal({ port: 0, env: { CSMS_CALL_TIMEOUT_MS: '10000' } });
  try {
    for (const n of opts.sizes) {
      progress(`sites: ${n} stations`);
      const held = new Map<string, number>();
      let received = 0;
      let maxHeld = 0;
      const clients: RPCClient[] = [];
      const ids: string[] = [];
      const run = `${process.pid}-${Date.now().toString(36)}`;
      for (let i = 0; i < n; i++) {
        const id = `BENCH-SITE-${run}-${n}-${i}`;
        const cp = new RPCClient(<ConstructorParameters<typeof RPCClient>[0]>{ endpoint: csms.chargePointUrl, identity: id, protocols: ['ocpp1.6'], reconnect: false, callTimeoutMs: 30_000 });
        cp.handle('SetChargingProfile', async ({ params: raw }) => {
          const params = raw as { connectorId: number; csChargingProfiles: { chargingSchedule: { chargingSchedulePeriod: Array<{ limit: number }> } } };
          held.set(`${id}#${params.connectorId}`, params.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit);
          received++;
          maxHeld = Math.max(maxHeld, [...held.values()].reduce((s, x) => s + x, 0));
          return { status: 'Accepted' };
        });
        await cp.connect();
        await cp.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'Site' });
        await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
        clients.push(cp);
        ids.push(id);
      }
      const siteId = `BENCH-${run}-${n}`;
      const siteA = n * 16;
      const tag = `BS${run}`.replace(/[^A-Z0-9]/gi, '').slice(0, 20).toUpperCase();
      await fetch(`${csms.apiUrl}/id-tags/${tag}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Accepted' }) });
      const put = await fetch(`${csms.apiUrl}/sites/${siteId}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ maxCurrentA: siteA, chargePointIds: ids }) });
      if (put.status !== 201) throw new Error(`PUT /sites answered ${put.status}: ${await put.text()}`);
      const ms: number[] = [];
      const messages: number[] = [];
      const ops: number[] = [];
      for (const cp of clients) {
        const [m0, o0] = [received, opsNow()];
        const t = process.hrtime.bigint();
        await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() });
        ms.push(msSince(t));
        messages.push(received - m0);
        ops.push(opsNow() - o0);
      }
      rows.push({ stations: n, allocateMs: round(pureAllocation(n, opts.allocateRuns), 4), reallocationMs: summarize(ms), messages: summarize(messages), dynamoOps: summarize(ops), maxHeldA: maxHeld, siteA });
      await fetch(`${csms.apiUrl}/sites/${siteId}`, { method: 'DELETE' });
      for (const cp of clients) await cp.close({ force: true }).catch(() => undefined);
    }
  } finally {
    await csms.close();
  }
  return {
    rows,
    notes: [
      'Sessions start one after another on a site of N × 16 A: the first N/2 get 32 A (one profile each), from then on every start lowers all the others first, then raises nothing (equal shares), so messages grow with N.',
      'Local runtime on this machine (embedded DynamoDB, in-process gateway): the milliseconds are relative, the message and operation counts are exact.',
    ],
  };
}
