/**
 * Connections at the edge: one identity has exactly one live connection (the newest), a superseded
 * socket acts no more, and the gateway throttles new connections like API Gateway (429).
 */
import WebSocket from 'ws';
import { bootCsms, eventually } from '../support/local';
import { connectStatus, newId } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = [2, 'b1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' }];

/** Opens a socket and reports whether the upgrade succeeded; never rejects. */
function attempt(url: string): Promise<{ ws: WebSocket; opened: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'ocpp1.6');
    ws.once('open', () => resolve({ ws, opened: true }));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ ws, opened: false });
    });
    ws.once('error', () => resolve({ ws, opened: false }));
  });
}

function exchange(ws: WebSocket, frame: unknown[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    ws.once('message', (d) => resolve(JSON.parse(d.toString())));
    ws.once('close', () => reject(new Error('closed')));
    ws.send(JSON.stringify(frame));
  });
}

describe('duplicate identity', () => {
  it('of many simultaneous connects for one id exactly one stays open, and it is the recorded one', async () => {
    const id = newId('DUP');
    const url = `${csms.chargePointUrl}/${id}`;
    const attempts = await Promise.all(Array.from({ length: 40 }, () => attempt(url)));
    expect(attempts.some((a) => a.opened)).toBe(true);
    // Superseded sockets are closed by the server; exactly one remains.
    const open = await eventually(async () => {
      const o = attempts.filter((a) => a.ws.readyState === WebSocket.OPEN);
      return o.length === 1 && o;
    });
    const [survivor] = open;
    const [type, , payload] = await exchange(survivor.ws, boot16);
    expect([type, (payload as { status: string }).status]).toEqual([3, 'Accepted']);
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.connected).toBe(true);
    // Still exactly one: nothing closed the newest, and no older one is left.
    expect(attempts.filter((a) => a.ws.readyState === WebSocket.OPEN)).toHaveLength(1);
    for (const a of attempts) a.ws.terminate();
  });

  it('five simultaneous connects, repeated: one open each time', async () => {
    for (let round = 0; round < 3; round++) {
      const id = newId('DUP5');
      const attempts = await Promise.all(Array.from({ length: 5 }, () => attempt(`${csms.chargePointUrl}/${id}`)));
      await eventually(async () => attempts.filter((a) => a.ws.readyState === WebSocket.OPEN).length === 1);
      for (const a of attempts) a.ws.terminate();
    }
  });

  it('a message a superseded socket sends after it was replaced is not recorded', async () => {
    const id = newId('DUP');
    const url = `${csms.chargePointUrl}/${id}`;
    const first = await attempt(url);
    expect(first.opened).toBe(true);
    await exchange(first.ws, boot16);
    // The first station does not read its socket any more, so it does not learn that it was replaced.
    (first.ws as unknown as { _socket: { pause: () => void } })._socket.pause();
    const second = await attempt(url);
    expect(second.opened).toBe(true);
    // The zombie's StartTransaction reaches the gateway after the replacement.
    first.ws.send(JSON.stringify([2, 'z1', 'StartTransaction', { connectorId: 1, idTag: 'ZOMBIE', meterStart: 0, timestamp: new Date().toISOString() }]));
    const firstClosed = new Promise((r) => first.ws.once('close', r));
    (first.ws as unknown as { _socket: { resume: () => void } })._socket.resume();
    await firstClosed; // the server has read everything the zombie sent before its close
    await exchange(second.ws, boot16);
    const [type, , started] = await exchange(second.ws, [2, 's1', 'StartTransaction', { connectorId: 2, idTag: 'LIVE', meterStart: 0, timestamp: new Date().toISOString() }]);
    expect(type).toBe(3);
    const txs = await csms.api.get(`/transactions?chargePointId=${id}`);
    expect(txs.body.items.map((t: { idTag: string }) => t.idTag)).toEqual(['LIVE']);
    expect(txs.body.items[0].transactionId).toBe((started as { transactionId: number }).transactionId);
    const log = await csms.api.get(`/charge-points/${id}/messages`);
    expect(JSON.stringify(log.body.items)).not.toContain('ZOMBIE');
    second.ws.terminate();
  });
});

describe('connection rate limit (API Gateway: 429 beyond the rate)', () => {
  let limited: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    limited = await bootCsms({ env: { CSMS_CONNECT_RATE: '0.001', CSMS_CONNECT_BURST: '3' } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('admits the burst, then answers 429 with Retry-After to new upgrades', async () => {
    const statuses = await Promise.all(Array.from({ length: 5 }, () => connectStatus(`${limited.chargePointUrl}/${newId()}`, 'ocpp1.6')));
    expect(statuses.sort()).toEqual([101, 101, 101, 429, 429]);
    const res = await new Promise<{ status?: number; retryAfter?: string }>((resolve) => {
      const ws = new WebSocket(`${limited.chargePointUrl}/${newId()}`, 'ocpp1.6');
      ws.once('unexpected-response', (_req, r) => resolve({ status: r.statusCode, retryAfter: r.headers['retry-after'] as string }));
      ws.once('open', () => resolve({ status: 101 }));
    });
    expect(res.status).toBe(429);
    expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
    // The operator API is not throttled by it.
    expect((await limited.api.get('/charge-points')).status).toBe(200);
  });
});
