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

describe('routing=dispatcher: whole sessions of both generations through $default', () => {
  it('runs a 1.6 session and a 2.0.1 transaction with the same results as per-action routes', async () => {
    const csms = await bootCsms({ routing: 'dispatcher' });
    try {
      const tag = `DISP${Date.now()}`;
      await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
      const id16 = newId();
      const cp = await strictClient(csms.chargePointUrl, id16, 'ocpp1.6');
      await cp.call('BootNotification', boot16);
      expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted');
      const start = { connectorId: 1, idTag: tag, meterStart: 1000, timestamp: new Date().toISOString() };
      const { transactionId } = await cp.call('StartTransaction', start);
      expect((await cp.call('StartTransaction', start)).transactionId).toBe(transactionId); // a retry
      await cp.call('MeterValues', { connectorId: 1, transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '1500', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] });
      await cp.call('StopTransaction', { transactionId, meterStop: 2000, timestamp: new Date().toISOString(), reason: 'Local' });
      expect((await csms.api.get(`/transactions/${transactionId}`)).body).toMatchObject({ active: false, meterStart: 1000, meterStop: 2000, energyWh: 1000 });
      await cp.close();

      const cs = await strictClient(csms.chargePointUrl, newId(), 'ocpp2.0.1');
      await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
      const t = `DTX${Date.now()}`;
      const ev = (eventType: string, triggerReason: string, seqNo: number, extra: Record<string, unknown> = {}) =>
        ({ eventType, timestamp: new Date().toISOString(), triggerReason, seqNo, transactionInfo: { transactionId: t }, ...extra });
      expect(await cs.call('TransactionEvent', ev('Started', 'Authorized', 0, { idToken: { idToken: tag, type: 'ISO14443' }, evse: { id: 1, connectorId: 1 } })))
        .toEqual({ idTokenInfo: { status: 'Accepted' } });
      await cs.call('TransactionEvent', ev('Ended', 'EVCommunicationLost', 1));
      expect((await csms.api.get(`/transactions/${t}`)).body).toMatchObject({ transactionId: t, evseId: 1, active: false });
      await cs.close();
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
