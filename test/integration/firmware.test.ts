import { main as cli } from '../../infra/cli';
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * Download Firmware (OCPP 1.6 §5.19 Update Firmware, §4.5 Firmware Status Notification) end to
 * end: operator API → firmware-update workflow on the local Step Functions runner → UpdateFirmware
 * to strict 1.6 charge points → their notifications resume the workflow.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' }, stepFunctions: { retryIntervalOverrides: { SendUpdateFirmware: 100 } } });
});
afterAll(async () => {
  await csms.close();
});

const LOCATION = 'https://firmware.example.com/acme/ac22-2.0.0.bin';
const now = () => new Date().toISOString();

type Client = Awaited<ReturnType<typeof strictClient>>;
interface FirmwareCp {
  id: string;
  cp: Client;
  /** UpdateFirmware requests received, in order. */
  requests: Array<Record<string, unknown>>;
  /** Resolves at the next UpdateFirmware. */
  nextRequest: () => Promise<Record<string, unknown>>;
  notify: (...statuses: string[]) => Promise<void>;
}

async function firmwareCp(opts: { model?: string; version?: string; id?: string; answer?: () => Promise<Record<string, unknown>> } = {}): Promise<FirmwareCp> {
  const id = opts.id ?? newId('FW');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: opts.model ?? 'AC-22', firmwareVersion: opts.version ?? '1.0.0' });
  const requests: Array<Record<string, unknown>> = [];
  let waiters: Array<(r: Record<string, unknown>) => void> = [];
  cp.handle('UpdateFirmware', async ({ params }) => {
    requests.push(params as Record<string, unknown>);
    const w = waiters;
    waiters = [];
    // Answer first (this return), then notify: the test drives the notifications.
    setImmediate(() => w.forEach((f) => f(params as Record<string, unknown>)));
    return opts.answer ? opts.answer() : {};
  });
  return {
    id,
    cp,
    requests,
    nextRequest: () => new Promise((r) => waiters.push(r)),
    notify: async (...statuses) => {
      for (const status of statuses) expect(await cp.call('FirmwareStatusNotification', { status })).toEqual({});
    },
  };
}

const view = async (jobId: string) => (await csms.api.get(`/firmware-updates/${jobId}`)).body;
const finished = (jobId: string, timeoutMs = 10_000) => eventually(async () => {
  const v = await view(jobId);
  return v.status !== 'Running' ? v : undefined;
}, timeoutMs);
const start = async (body: Record<string, unknown>) => {
  const res = await csms.api.post('/firmware-updates', body);
  expect(res.status).toBe(202);
  expect(res.body.id).toEqual(expect.any(String));
  return res.body.id as string;
};

describe('Download Firmware, one charge point (1.6 §5.19, §4.5)', () => {
  it('sends UpdateFirmware, records every status with its time, succeeds on Installed and shows the version from the next boot', async () => {
    const fw = await firmwareCp();
    const retrieveDate = now();
    const jobId = await start({ chargePointIds: [fw.id], location: LOCATION, retrieveDate, retries: 3, retryInterval: 60 });
    const request = await fw.nextRequest();
    expect(request).toEqual({ location: LOCATION, retrieveDate, retries: 3, retryInterval: 60 });

    await fw.notify('Downloading');
    // Progress is readable while running.
    const during = await eventually(async () => {
      const v = await view(jobId);
      return v.chargePoints[0].status === 'Downloading' ? v : undefined;
    });
    expect(during).toMatchObject({ id: jobId, status: 'Running', summary: { total: 1, inProgress: 1 } });

    await fw.notify('Downloaded', 'Installing', 'Installed');
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'Succeeded', summary: { total: 1, succeeded: 1, failed: 0 } });
    const item = done.chargePoints[0];
    expect(item).toMatchObject({ chargePointId: fw.id, status: 'Installed', outcome: 'Succeeded', firmwareVersionBefore: '1.0.0' });
    expect(item.history.map((h: { status: string }) => h.status)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    for (const h of item.history) expect(Date.parse(h.at)).toBeGreaterThanOrEqual(Date.parse(retrieveDate) - 1000);
    expect([...item.history.map((h: { at: string }) => h.at)].sort()).toEqual(item.history.map((h: { at: string }) => h.at));

    // The charge point reboots into the new firmware: the job view shows the version it boots with.
    await fw.cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '2.0.0' });
    expect((await view(jobId)).chargePoints[0].firmwareVersion).toBe('2.0.0');
    await fw.cp.close();
  });

  it('fails the update on DownloadFailed, and on InstallationFailed', async () => {
    for (const failure of ['DownloadFailed', 'InstallationFailed']) {
      const fw = await firmwareCp();
      const jobId = await start({ chargePointIds: [fw.id], location: LOCATION, retrieveDate: now() });
      await fw.nextRequest();
      await fw.notify(...(failure === 'DownloadFailed' ? ['Downloading', 'DownloadFailed'] : ['Downloading', 'Downloaded', 'Installing', 'InstallationFailed']));
      const done = await finished(jobId);
      expect(done.status).toBe('Failed');
      expect(done.chargePoints[0]).toMatchObject({ status: failure, outcome: 'Failed', error: expect.stringContaining(failure) });
      await fw.cp.close();
    }
  });

  it('marks the charge point failed when no final status arrives in time (it went offline mid-flow)', async () => {
    const fw = await firmwareCp();
    const jobId = await start({ chargePointIds: [fw.id], location: LOCATION, retrieveDate: now(), timeoutSeconds: 1 });
    await fw.nextRequest();
    await fw.notify('Downloading');
    await fw.cp.close();
    const done = await finished(jobId);
    expect(done.status).toBe('Failed');
    expect(done.chargePoints[0]).toMatchObject({ status: 'Downloading', outcome: 'Failed', error: expect.stringMatching(/^Timeout/), connected: false });
    // A late notification after it reconnects is recorded nowhere near the finished job.
    const again = await strictClient(csms.chargePointUrl, fw.id, 'ocpp1.6');
    expect(await again.call('FirmwareStatusNotification', { status: 'Installed' })).toEqual({});
    expect((await view(jobId)).chargePoints[0].history).toHaveLength(1);
    await again.close();
  });

  it('fails cleanly when the charge point is offline, unknown to the CSMS, or answers with a CALLERROR', async () => {
    const offline = await firmwareCp();
    await offline.cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${offline.id}`)).body.connected === false);
    const refusing = await firmwareCp({
      answer: async () => {
        throw Object.assign(new Error('no firmware updates here'), { rpcErrorCode: 'NotSupported' });
      },
    });
    const jobId = await start({ chargePointIds: [offline.id, refusing.id], location: LOCATION, retrieveDate: now(), toleratedFailurePercentage: 100 });
    const done = await finished(jobId);
    expect(done.status).toBe('Succeeded'); // both failures tolerated
    const byId = Object.fromEntries(done.chargePoints.map((c: { chargePointId: string }) => [c.chargePointId, c]));
    expect(byId[offline.id]).toMatchObject({ status: 'Pending', outcome: 'Failed', error: expect.stringMatching(/^ChargePointOffline: .*not connected/) });
    expect(byId[refusing.id]).toMatchObject({ outcome: 'Failed', error: expect.stringMatching(/CallError\.NotSupported/) });
    expect(done.summary).toMatchObject({ total: 2, failed: 2 });
    await refusing.cp.close();
  });

  it('a newer update of the same charge point supersedes the one still waiting', async () => {
    const fw = await firmwareCp();
    const older = await start({ chargePointIds: [fw.id], location: LOCATION, retrieveDate: now() });
    await fw.nextRequest();
    await eventually(async () => (await view(older)).chargePoints[0].status === 'Pending' && fw.requests.length === 1);
    await new Promise((r) => setTimeout(r, 200)); // let it attach its token
    const newer = await start({ chargePointIds: [fw.id], location: `${LOCATION}?v=2`, retrieveDate: now() });
    await eventually(async () => fw.requests.length === 2);
    expect(await finished(older)).toMatchObject({ status: 'Failed', chargePoints: [{ outcome: 'Failed', error: expect.stringMatching(/^FirmwareUpdateSuperseded/) }] });
    await fw.notify('Downloading', 'Installed');
    expect(await finished(newer)).toMatchObject({ status: 'Succeeded', chargePoints: [{ history: [{ status: 'Downloading' }, { status: 'Installed' }] }] });
    await fw.cp.close();
  });

  it('updates a 2.0.1 charging station through the same workflow (L01: requestId, firmware{…})', async () => {
    const id = newId('FW201');
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150', firmwareVersion: '3.0' } });
    let requestId = -1;
    cs.handle('UpdateFirmware', async ({ params }) => {
      const p = params as { requestId: number; firmware: { location: string; retrieveDateTime: string } };
      requestId = p.requestId;
      expect(p.firmware.location).toBe(LOCATION);
      return { status: 'Accepted' };
    });
    const jobId = await start({ chargePointIds: [id], location: LOCATION, retrieveDate: now() });
    await eventually(async () => requestId >= 0);
    await cs.call('FirmwareStatusNotification', { status: 'Downloading', requestId: requestId + 1000 }); // another request's: not ours
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) await cs.call('FirmwareStatusNotification', { status, requestId });
    const done = await finished(jobId);
    expect(done.status).toBe('Succeeded');
    expect(done.chargePoints[0].history.map((h: { status: string }) => h.status)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    await cs.close();
  });
});

describe('fleet rollout (Distributed Map: MaxConcurrency, ToleratedFailurePercentage)', () => {
  it('selects charge points by model and firmware version, and updates at most maxConcurrency at a time', async () => {
    const model = `Model-${newId('M')}`;
    const fleet = await Promise.all([1, 2, 3].map(() => firmwareCp({ model, version: '1.0.0' })));
    const other = await firmwareCp({ model, version: '0.9.0' }); // not selected: other version
    const jobId = await start({ selector: { model, firmwareVersion: '1.0.0' }, location: LOCATION, retrieveDate: now(), maxConcurrency: 2 });
    await eventually(async () => fleet.filter((f) => f.requests.length === 1).length === 2);
    const [first, second] = fleet.filter((f) => f.requests.length === 1);
    const third = fleet.find((f) => f.requests.length === 0)!;
    const running = await view(jobId);
    expect(running).toMatchObject({ status: 'Running', summary: { total: 3, pending: 1, inProgress: 2 } });
    await new Promise((r) => setTimeout(r, 300));
    expect(third.requests).toHaveLength(0); // still waiting for a free slot

    await first.notify('Downloading', 'Downloaded', 'Installing', 'Installed');
    await eventually(async () => third.requests.length === 1);
    await second.notify('Installed');
    await third.notify('Downloading', 'Installed');
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'Succeeded', summary: { total: 3, succeeded: 3 } });
    expect(done.chargePoints.map((c: { chargePointId: string }) => c.chargePointId).sort()).toEqual(fleet.map((f) => f.id).sort());
    expect(other.requests).toHaveLength(0);
    await Promise.all([...fleet, other].map((f) => f.cp.close()));
  });

  it('stops the rollout when failures exceed the tolerated percentage: the rest are Cancelled and never contacted', async () => {
    const fleet = await Promise.all([1, 2, 3, 4].map((i) => firmwareCp({ id: `${newId('FLEET')}-${i}` })));
    const ids = fleet.map((f) => f.id).sort();
    const byId = new Map(fleet.map((f) => [f.id, f]));
    const jobId = await start({ chargePointIds: ids, location: LOCATION, retrieveDate: now(), maxConcurrency: 1, toleratedFailurePercentage: 25 });
    const contacted: string[] = [];
    for (let i = 0; i < 2; i++) {
      const f = await eventually(async () => fleet.find((x) => x.requests.length === 1 && !contacted.includes(x.id)));
      contacted.push(f.id);
      await f.notify('Downloading', 'DownloadFailed'); // 1 of 4 is tolerated, 2 of 4 (50 %) is not
    }
    const done = await finished(jobId);
    expect(done.status).toBe('Failed');
    expect(done.error).toMatch(/ExceedToleratedFailureThreshold/);
    expect(done.summary).toMatchObject({ total: 4, failed: 2, cancelled: 2 });
    for (const c of done.chargePoints) {
      const expected = contacted.includes(c.chargePointId) ? 'Failed' : 'Cancelled';
      expect([c.chargePointId, c.outcome]).toEqual([c.chargePointId, expected]);
      if (expected === 'Cancelled') expect(byId.get(c.chargePointId)!.requests).toHaveLength(0);
    }
    await Promise.all(fleet.map((f) => f.cp.close()));
  });

  it('lets the operator abort a running rollout', async () => {
    const fw = await firmwareCp();
    const jobId = await start({ chargePointIds: [fw.id], location: LOCATION, retrieveDate: now() });
    await fw.nextRequest();
    const aborted = await csms.api.post(`/firmware-updates/${jobId}/abort`);
    expect(aborted.status).toBe(200);
    expect(aborted.body).toMatchObject({ status: 'Aborted', chargePoints: [{ chargePointId: fw.id, outcome: 'Cancelled' }] });
    const execution = csms.stepFunctions.describeExecution(aborted.body.executionArn);
    expect(execution.status).toBe('ABORTED');
    // Its notifications no longer belong to the job.
    await fw.notify('Installed');
    expect((await view(jobId)).chargePoints[0].history).toEqual([]);
    const list = await csms.api.get('/firmware-updates');
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: jobId, status: 'Aborted' })]));
    await fw.cp.close();
  });
});

describe('CLI: npm run cli -- firmware-update', () => {
  it('starts an update and shows its progress until it ends (exit code 0 on success, 1 on failure)', async () => {
    const fleet = await Promise.all([1, 2].map(() => firmwareCp()));
    let out = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (out += t), tty: false };
    const run = cli(['firmware-update', '--api', csms.apiUrl, '--location', LOCATION, '--charge-points', fleet.map((f) => f.id).join(','), '--max-concurrency', '1', '--poll-ms', '20'], io);
    const first = await eventually(async () => fleet.find((f) => f.requests.length === 1));
    await first.notify('Downloading');
    await eventually(async () => out.includes('Downloading'));
    await first.notify('Installed');
    const second = await eventually(async () => fleet.find((f) => f.requests.length === 1 && f !== first));
    await second.notify('DownloadFailed');
    expect(await run).toBe(1); // one failure, none tolerated
    expect(out).toMatch(/^Started firmware update fw-/);
    expect(out).toMatch(/Firmware update fw-\S+: Running {2}\[[#.]{20}\] 0\/2 done/);
    expect(out).toMatch(new RegExp(`${first.id}\\s+Installed\\s+Succeeded`));
    expect(out).toMatch(/: Failed {2}\[#{20}\] 2\/2 done {2}\(1 succeeded, 1 failed/);
    await Promise.all(fleet.map((f) => f.cp.close()));

    let usage = '';
    expect(await cli(['firmware-update', '--api', csms.apiUrl, '--location', LOCATION], { out: () => undefined, err: (t) => void (usage += t), tty: false })).toBe(2);
    expect(usage).toMatch(/--charge-points/);
    let refused = '';
    expect(await cli(['firmware-update', '--api', csms.apiUrl, '--location', 'nope', '--charge-points', 'X'], { out: () => undefined, err: (t) => void (refused += t), tty: false })).toBe(2);
    expect(refused).toMatch(/400 BadRequest: location must be an absolute URI/);
  });
});

describe('bad requests get a clear answer and start nothing', () => {
  it.each([
    [{ chargePointIds: ['X'], retrieveDate: '2030-01-01T00:00:00Z' }, /location/],
    [{ chargePointIds: ['X'], location: 'not a url', retrieveDate: '2030-01-01T00:00:00Z' }, /absolute URI/],
    [{ chargePointIds: ['X'], location: LOCATION, retrieveDate: 'tomorrow' }, /retrieveDate/],
    [{ location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z' }, /either chargePointIds/],
    [{ chargePointIds: ['X'], selector: { model: 'M' }, location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z' }, /not both/],
    [{ selector: {}, location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z' }, /at least one/],
    [{ chargePointIds: [], location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z' }, /non-empty/],
    [{ chargePointIds: ['never-registered-cp'], location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z' }, /Unknown charge point\(s\): never-registered-cp/],
    [{ chargePointIds: ['X'], location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z', toleratedFailurePercentage: 101 }, /toleratedFailurePercentage/],
    [{ chargePointIds: ['X'], location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z', maxConcurrency: -1 }, /maxConcurrency/],
    [{ chargePointIds: ['X'], location: LOCATION, retrieveDate: '2030-01-01T00:00:00Z', colour: 'red' }, /Unknown field\(s\): colour/],
  ])('%j → 400', async (body, message) => {
    const res = await csms.api.post('/firmware-updates', body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'BadRequest', message: expect.stringMatching(message) });
  });

  it('answers 404 for an unknown job and 400 for a body that is not JSON', async () => {
    expect((await csms.api.get('/firmware-updates/fw-nope')).status).toBe(404);
    expect((await csms.api.post('/firmware-updates/fw-nope/abort')).status).toBe(404);
    expect((await csms.api.post('/firmware-updates', '{oops')).status).toBe(400);
  });

  it('fails a rollout whose selector matches nothing, with the reason', async () => {
    const jobId = await start({ selector: { model: `NoSuch-${newId('M')}` }, location: LOCATION, retrieveDate: now() });
    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^NoChargePoints: No charge point matches/), chargePoints: [] });
  });
});
