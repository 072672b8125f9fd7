/**
 * The local runtime itself (`npm start`): it accepts connections only once it can serve them, it
 * survives the death of its embedded DynamoDB, and its operator API is not open to other sites or
 * (beyond loopback) to anyone without the token.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocal } from '../../infra/local/runtime';
import { startDynamo } from '../../infra/local/dynamo';
import { bootCsms, eventually } from '../support/local';
import WebSocket from 'ws';
import { connectStatus, newId, strictClient } from '../support/clients';

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

// First in this file: the start-up window is widest when no handler module is loaded yet.
describe('start-up', () => {
  it('does not accept an upgrade before it can answer it', async () => {
    const port = await freePort();
    // What a connection arriving right when the port opens would find.
    const listen = Server.prototype.listen;
    const atListen: Array<{ upgrade: number; request: number }> = [];
    const spy = jest.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args: unknown[]) {
      atListen.push({ upgrade: this.listenerCount('upgrade'), request: this.listenerCount('request') });
      return (listen as (...a: unknown[]) => Server).apply(this, args);
    });
    const starting = startLocal({ port });
    const url = `ws://127.0.0.1:${port}/ocpp/${newId()}`;
    // Knock until the port accepts (-1: refused); the first accepted upgrade must be answered.
    let status = -1;
    while (status === -1) status = await connectStatus(url, 'ocpp1.6');
    expect(status).toBe(101);
    const csms = await starting;
    spy.mockRestore();
    expect(atListen).toEqual([{ upgrade: 1, request: 1 }]);
    await csms.close();
  });
});

describe('embedded DynamoDB supervision', () => {
  it('restarts a killed store on the same data; messages succeed again and earlier data is there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'csms-supervise-'));
    const csms = await bootCsms({ dataDir });
    try {
      const tag = `SUP${Date.now() % 100000}`;
      expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' })).status).toBe(201);
      const cp = await strictClient(csms.chargePointUrl, newId(), 'ocpp1.6');
      await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
      const pid = csms.dynamo.pid;
      process.kill(pid!, 'SIGKILL');
      // Meanwhile a message is either refused with InternalError or (SDK retries) answered after recovery.
      const during = await cp.call('Authorize', { idTag: tag }).then((r) => r.idTagInfo.status, (e) => e.rpcErrorCode);
      expect(['Accepted', 'InternalError']).toContain(during);
      const after = await eventually(async () => (await cp.call('Authorize', { idTag: tag })).idTagInfo.status === 'Accepted', 15_000);
      expect(after).toBe(true);
      expect(csms.dynamo.restarts).toBe(1);
      expect(csms.dynamo.pid).not.toBe(pid);
      expect((await csms.api.get(`/id-tags/${tag}`)).body.status).toBe('Accepted');
      await cp.close();
    } finally {
      await csms.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('gives up after the configured failures in a row and says so', async () => {
    let starts = 0;
    let fatal: Error | undefined;
    const dynamo = await startDynamo(undefined, {
      maxRestarts: 3,
      backoffMs: 10,
      onFatal: (e) => { fatal = e; },
      // The first start is real; every restart fails at once.
      spawn: (args) => (++starts === 1
        ? spawn(process.execPath, [join(__dirname, '../../infra/local/dynalite-process.js'), ...args], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
        : spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })),
    });
    process.kill(dynamo.pid!, 'SIGKILL');
    await eventually(async () => fatal, 10_000);
    expect(fatal?.message).toMatch(/could not be restarted \(3 attempts/);
    expect(starts).toBe(4);
    expect(dynamo.restarts).toBe(0);
    await dynamo.close();
  });
});

describe('operator API access', () => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    csms = await bootCsms();
  });
  afterAll(async () => {
    await csms.close();
  });
  const origin = () => new URL(csms.apiUrl).origin;
  const send = (method: string, path: string, headers: Record<string, string>, body?: string) =>
    fetch(`${csms.apiUrl}${path}`, { method, headers, body }).then(async (r) => ({ status: r.status, body: (await r.json().catch(() => undefined)) as { error?: string } }));

  it('refuses cross-site requests (403) and non-JSON bodies (415), and nothing happens', async () => {
    const id = newId();
    const json = JSON.stringify({ registrationStatus: 'Accepted' });
    const cross = await send('PUT', `/charge-points/${id}`, { 'content-type': 'application/json', origin: 'http://evil.example' }, json);
    expect([cross.status, cross.body.error]).toEqual([403, 'Forbidden']);
    const plain = await send('PUT', `/charge-points/${id}`, { 'content-type': 'text/plain' }, json);
    expect([plain.status, plain.body.error]).toEqual([415, 'UnsupportedMediaType']);
    const form = await send('POST', `/charge-points/${id}/calls/Reset`, { 'content-type': 'application/x-www-form-urlencoded' }, 'type=Hard');
    expect(form.status).toBe(415);
    expect((await csms.api.get(`/charge-points/${id}`)).status).toBe(404);
    // Its own origin and a JSON body are fine.
    expect((await send('PUT', `/charge-points/${id}`, { 'content-type': 'application/json; charset=utf-8', origin: origin() }, json)).status).toBe(201);
    expect((await send('GET', `/charge-points/${id}`, { origin: origin() })).status).toBe(200);
  });

  it('refuses a foreign Host while listening on loopback (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      // fetch() does not let a caller set Host: a raw request does.
      const http = require('node:http') as typeof import('node:http');
      const req = http.request(`${csms.apiUrl}/charge-points`, { headers: { host: 'rebound.example:8080' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(403);
  });
});

describe('listening beyond loopback', () => {
  let csms: Awaited<ReturnType<typeof bootCsms>>;
  beforeAll(async () => {
    delete process.env.CSMS_API_TOKEN;
    csms = await bootCsms({ host: '0.0.0.0' });
  });
  afterAll(async () => {
    await csms.close();
  });

  it('generates a token, requires it, and lists the real URLs', async () => {
    expect(csms.apiTokenGenerated).toBe(true);
    expect(csms.apiToken).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(csms.urls[0]).toBe(`http://127.0.0.1:${csms.port}`);
    expect(csms.urls.some((u) => !u.includes('127.0.0.1'))).toBe(true); // this machine has an external interface
    const anonymous = await fetch(`${csms.apiUrl}/charge-points`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'Unauthorized' });
    expect((await fetch(`${csms.apiUrl}/charge-points`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${csms.apiUrl}/charge-points`, { headers: { authorization: `Bearer ${csms.apiToken}` } })).status).toBe(200);
    // Charge points connect without it.
    expect(await connectStatus(`${csms.chargePointUrl}/${newId()}`, 'ocpp1.6')).toBe(101);
  });

  it('keeps the internal endpoints (@connections, /sfn) to this machine\'s loopback', async () => {
    const external = csms.urls.find((u) => !u.includes('127.0.0.1'))!;
    expect((await fetch(`${external}/local/@connections/abc`, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${external}/sfn`, { method: 'POST' })).status).toBe(403);
    // The handlers themselves call them on loopback: an unknown connection is simply gone.
    expect((await fetch(`http://127.0.0.1:${csms.port}/local/@connections/abc`, { method: 'DELETE' })).status).toBe(410);
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
