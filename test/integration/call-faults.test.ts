import { registerEffect } from '../../shared/calls/effects';
import { metricSum } from '../../shared/lambda/metrics';
import { setAttributes } from '../../shared/store/charge-points';
import { bootCsms, eventually } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';

/**
 * CSMS → charge point calls under faults: effects that are slow or fail, stations that go away
 * mid-call or whose connection record outlived a restart, operators who give up on a request.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };

/** A promise the test settles itself (no timers). */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => { resolve = r; });
  return { promise, resolve };
}

// Fault-injecting effects, registered in this process next to the real ones (the local runtime runs
// the router in-process), each only for DataTransfer calls to its own vendorId.
const slow = { gate: deferred(), started: deferred(), finished: false };
registerEffect('DataTransfer', async (req: { vendorId: string }) => {
  if (req.vendorId !== 'test.slow-effect') return;
  slow.started.resolve();
  await slow.gate.promise;
  slow.finished = true;
});
const independent = { ran: [] as string[] };
registerEffect('DataTransfer', async (req: { vendorId: string; messageId?: string }) => {
  if (req.vendorId !== 'test.failing-effect') return;
  throw new Error('the store of this block is down');
});
registerEffect('DataTransfer', async (req: { vendorId: string; messageId?: string }) => {
  if (req.vendorId === 'test.failing-effect') independent.ran.push(req.messageId ?? '');
});
const flaky = { attempts: 0 };
registerEffect('DataTransfer', async (req: { vendorId: string }) => {
  if (req.vendorId !== 'test.flaky-effect') return;
  flaky.attempts++;
  if (flaky.attempts < 3) throw new Error('throttled');
});

/** The charge point as the registry records it (the listing; the single view also asks the gateway). */
async function recorded(id: string) {
  const list = await csms.api.get('/charge-points?limit=500');
  return list.body.items.find((c: { chargePointId: string }) => c.chargePointId === id);
}

async function station() {
  const id = newId();
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', boot16);
  cp.handle('DataTransfer', () => ({ status: 'Accepted' }));
  return { id, cp };
}

describe('an answered call is reported as answered, whatever its effects do', () => {
  it('a slow effect: the operator gets 200 with the answer (not 504); the effect still completes', async () => {
    const { id, cp } = await station();
    const res = await csms.api.post(`/charge-points/${id}/calls/DataTransfer?timeoutMs=1000`, { vendorId: 'test.slow-effect' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response: { status: 'Accepted' }, effects: 'pending', message: expect.stringMatching(/still being applied/) });
    await slow.started.promise;
    expect(slow.finished).toBe(false);
    slow.gate.resolve();
    await eventually(async () => slow.finished);
    // The slot was freed when the answer was recorded: the next call goes out at once.
    expect((await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, { vendorId: 'other' })).status).toBe(200);
    await cp.close();
  });

  it('a failing effect does not stop the others; the operator gets 200 with the answer and is told', async () => {
    const { id, cp } = await station();
    const failuresBefore = metricSum('Failures', { kind: 'AnswerEffect' });
    const res = await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, { vendorId: 'test.failing-effect', messageId: 'M1' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response: { status: 'Accepted' }, effects: 'failed' });
    expect(independent.ran).toEqual(['M1']);
    expect(metricSum('Failures', { kind: 'AnswerEffect' })).toBe(failuresBefore + 1); // what the alarm watches
    await cp.close();
  });

  it('an effect that fails transiently is retried until it succeeds', async () => {
    const { id, cp } = await station();
    const res = await csms.api.post(`/charge-points/${id}/calls/DataTransfer`, { vendorId: 'test.flaky-effect' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response: { status: 'Accepted' } });
    expect(flaky.attempts).toBe(3);
    await cp.close();
  });
});

describe('a charge point that is gone is reported as not connected (409), never as 500 or 504', () => {
  it('a connection record that outlived its socket (a crash or restart without $disconnect): 409 NotConnected, record cleared', async () => {
    const { id, cp } = await station();
    await cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).body.connected === false);
    // What a restart without $disconnect leaves behind: a record naming a connection that is gone.
    await setAttributes(id, { connectionId: 'c3RhbGUtY29ubmVjdGlvbg==', protocol: 'ocpp1.6', connectedAt: new Date().toISOString() });
    expect(await recorded(id)).toMatchObject({ connected: true });
    const res = await csms.api.post(`/charge-points/${id}/calls/ClearCache`, {});
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('NotConnected');
    expect(await recorded(id)).toMatchObject({ connected: false });
  });

  it('a station that disconnects while a call waits for its answer ends the wait with 409 NotConnected', async () => {
    const id = newId();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
    const pending = csms.api.post(`/charge-points/${id}/calls/Reset?timeoutMs=20000`, { type: 'Soft' });
    const [type, , action] = await ws.next();
    expect([type, action]).toEqual([2, 'Reset']);
    await ws.close();
    const res = await pending;
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'NotConnected', message: expect.stringMatching(/disconnected before answering Reset/) });
  });

  it('an operator request that is aborted frees the charge point for the next call', async () => {
    const { id, cp } = await station();
    const received = deferred();
    cp.handle('Reset', () => {
      received.resolve();
      return new Promise(() => undefined); // never answers
    });
    cp.handle('ClearCache', () => ({ status: 'Accepted' }));
    const abort = new AbortController();
    const first = fetch(`${csms.apiUrl}/charge-points/${id}/calls/Reset?timeoutMs=20000`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'Soft' }), signal: abort.signal,
    }).catch((e: Error) => e.name);
    await received.promise;
    abort.abort();
    expect(await first).toBe('AbortError');
    const next = await eventually(async () => {
      const r = await csms.api.post(`/charge-points/${id}/calls/ClearCache`, {});
      return r.status === 409 && r.body.error === 'Busy' ? undefined : r;
    }, 3000);
    expect(next).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });
    await cp.close({ force: true }); // the Reset handler never settles
  });
});
