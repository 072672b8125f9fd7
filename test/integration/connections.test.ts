/**
 * Connections at the edge: one identity has exactly one live connection (the newest), a superseded
 * socket acts no more, and the gateway throttles new connections like API Gateway (429).
 */
import WebSocket from 'ws';
import { bootCsms, eventually } from '../support/local';
import { connectStatus, newId } from '../support/clients';
import { authorizeConnection, type AuthDeps } from '../../shared/connect/authorize';
import { verifyPassword } from '../../shared/auth/password';
import { dynamoThrottleStore } from '../../shared/auth/throttle';

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

describe('password checks at $connect', () => {
  const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
  /** The real scrypt check, counting what it was asked to compare against. */
  const counting = (fast = false) => {
    const checked: string[] = [];
    const verify = async (pw: string, stored: string) => {
      checked.push(stored);
      return fast ? false : verifyPassword(pw, stored);
    };
    return { checked, verify };
  };
  const deps = (verify: AuthDeps['verify'], now = () => Date.now()): AuthDeps => ({ verify, throttle: dynamoThrottleStore, now });
  const source = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}#${newId('src')}`;

  afterEach(() => {
    process.env.CSMS_AUTO_REGISTER = 'true';
  });

  it('checks the credentials of an unknown identity against a dummy hash, as it checks a known one', async () => {
    process.env.CSMS_AUTO_REGISTER = 'false';
    const known = newId();
    await csms.api.put(`/charge-points/${known}`, { password: 'correct-horse-battery' });
    const { checked, verify } = counting();
    const from = source();
    const wrongKnown = await authorizeConnection({ chargePointId: known, authorization: basic(known, 'wrong-password-1'), subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify));
    const unknown = newId('NOPE');
    const wrongUnknown = await authorizeConnection({ chargePointId: unknown, authorization: basic(unknown, 'wrong-password-1'), subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify));
    expect([wrongKnown.allow, wrongUnknown.allow]).toEqual([false, false]);
    expect([(wrongKnown as { status: number }).status, (wrongUnknown as { status: number }).status]).toEqual([401, 401]);
    // One scrypt check each: the known one against its hash, the unknown one against a dummy hash.
    expect(checked).toHaveLength(2);
    expect(checked[1]).toMatch(/^scrypt\$/);
    expect(checked[1]).not.toBe(checked[0]);
    // Without credentials neither costs a check.
    await authorizeConnection({ chargePointId: unknown, authorization: undefined, subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify));
    await authorizeConnection({ chargePointId: known, authorization: undefined, subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify));
    expect(checked).toHaveLength(2);
  });

  it('throttles failures per (identity, source): the station elsewhere still gets in, and the window passes', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { password: 'correct-horse-battery' });
    let t = Date.now();
    const { checked, verify } = counting();
    const attacker = source();
    const station = source();
    const tryWith = (pw: string, from: string) =>
      authorizeConnection({ chargePointId: id, authorization: basic(id, pw), subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify, () => t));
    for (let i = 0; i < 3; i++) expect((await tryWith(`guess-number-${i}`, attacker)).allow).toBe(false);
    expect(checked).toHaveLength(3);
    // Throttled: even the right password from that source is refused, without a scrypt check.
    const throttled = await tryWith('correct-horse-battery', attacker);
    expect(throttled).toMatchObject({ allow: false, status: 401, reason: expect.stringMatching(/too many failed attempts/) });
    expect(checked).toHaveLength(3);
    // The real station, from its own address, is not affected.
    expect((await tryWith('correct-horse-battery', station)).allow).toBe(true);
    // After the (short) window the source may try again; a success clears its record.
    t += 1_000;
    expect((await tryWith('correct-horse-battery', attacker)).allow).toBe(true);
    expect((await tryWith('guess-again-4', attacker)).allow).toBe(false);
    expect((await tryWith('correct-horse-battery', attacker)).allow).toBe(true); // 1 failure: free again
  });

  it('throttles a source that fails for many identities', async () => {
    process.env.CSMS_AUTO_REGISTER = 'false';
    const { checked, verify } = counting(true);
    const from = source();
    const t = Date.now();
    for (let i = 0; i < 20; i++) {
      const other = newId('SCAN');
      await authorizeConnection({ chargePointId: other, authorization: basic(other, 'pw-guess-000'), subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify, () => t));
    }
    expect(checked).toHaveLength(20);
    const next = newId('SCAN');
    const refused = await authorizeConnection({ chargePointId: next, authorization: basic(next, 'pw-guess-000'), subprotocols: 'ocpp1.6', originSecret: undefined, sourceIp: from }, deps(verify, () => t));
    expect(refused).toMatchObject({ allow: false, status: 401 });
    expect(checked).toHaveLength(20);
  });

  it('through the gateway: wrong passwords are 401, the right one connects', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { password: 'correct-horse-battery' });
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6', { Authorization: basic(id, 'wrong-password-x') })).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6', { Authorization: basic(id, 'correct-horse-battery') })).toBe(101);
  });
});
