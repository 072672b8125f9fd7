import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootCsms, eventually } from '../support/local';
import { connectStatus, newId, rawClient, strictClient } from '../support/clients';

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };

describe('routing=dispatcher: every action through $default, same behaviour', () => {
  it('boots, heartbeats and rejects broken frames with no per-action routes', async () => {
    const csms = await bootCsms({ routing: 'dispatcher' });
    try {
      const cp = await strictClient(csms.chargePointUrl, newId(), 'ocpp1.6');
      expect((await cp.call('BootNotification', boot16)).status).toBe('Accepted');
      expect((await cp.call('Heartbeat', {})).currentTime).toBeDefined();
      await expect(cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Bogus' })).rejects.toBeDefined();
      await cp.close();
    } finally {
      await csms.close();
    }
  });
});

describe('--data-dir keeps data across restarts', () => {
  it('remembers registered charge points and their boot info', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'csms-data-'));
    const id = newId();
    try {
      const first = await bootCsms({ dataDir: dir });
      await first.api.put(`/charge-points/${id}`, { password: 'persisted-pass' });
      const cp = await strictClient(first.chargePointUrl, id, 'ocpp1.6', { password: 'persisted-pass' });
      await cp.call('BootNotification', boot16);
      await cp.close();
      await first.close();

      const second = await bootCsms({ dataDir: dir });
      const view = await second.api.get(`/charge-points/${id}`);
      expect(view.body).toMatchObject({ chargePointId: id, hasPassword: true, boot: { vendor: 'Acme' } });
      expect(await connectStatus(`${second.chargePointUrl}/${id}`, 'ocpp1.6')).toBe(401); // password still required
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('auto-registration off (the cloud default)', () => {
  it('refuses unknown charge points and admits registered ones', async () => {
    const csms = await bootCsms({ env: { CSMS_AUTO_REGISTER: 'false' } });
    try {
      expect(await connectStatus(`${csms.chargePointUrl}/${newId()}`, 'ocpp1.6')).toBe(401);
      const id = newId();
      await csms.api.put(`/charge-points/${id}`, {});
      const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
      const [t] = await ws.exchange([2, 'b', 'BootNotification', boot16]);
      expect(t).toBe(3);
      await ws.close();
    } finally {
      await csms.close();
      process.env.CSMS_AUTO_REGISTER = 'true';
    }
  });
});

describe('API Gateway connection limits, emulated', () => {
  it('closes an idle connection (1001) and one that reached its maximum age, and records the disconnect', async () => {
    const csms = await bootCsms({ env: { CSMS_IDLE_TIMEOUT_MS: '300', CSMS_CONNECTION_MAX_AGE_MS: '1200' } });
    try {
      const silentId = newId();
      const silent = await rawClient(`${csms.chargePointUrl}/${silentId}`, 'ocpp1.6');
      const chattyId = newId();
      const chatty = await rawClient(`${csms.chargePointUrl}/${chattyId}`, 'ocpp1.6');
      const closed = (ws: typeof silent) => new Promise<{ code: number; at: number }>((r) => ws.ws.once('close', (code) => r({ code, at: Date.now() })));
      const silentClosed = closed(silent);
      const chattyClosed = closed(chatty);
      const start = Date.now();
      // Heartbeats every 100 ms keep the chatty one past the idle timeout, not past the maximum age.
      const beat = setInterval(() => chatty.ws.readyState === chatty.ws.OPEN && chatty.send([2, `hb${Date.now()}`, 'Heartbeat', {}]), 100);
      const s = await silentClosed;
      expect(s.code).toBe(1001);
      expect(s.at - start).toBeLessThan(1000);
      const c = await chattyClosed;
      clearInterval(beat);
      expect(c.code).toBe(1001);
      expect(c.at - start).toBeGreaterThanOrEqual(1000);
      await eventually(async () => (await csms.api.get(`/charge-points/${silentId}`)).body.disconnectedAt !== undefined);
      expect((await csms.api.get(`/charge-points/${silentId}`)).body.connected).toBe(false);
    } finally {
      await csms.close();
      delete process.env.CSMS_IDLE_TIMEOUT_MS;
      delete process.env.CSMS_CONNECTION_MAX_AGE_MS;
    }
  });
});
