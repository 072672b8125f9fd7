import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

/** Restarting `npm start` on the same data: what the charge points' records say afterwards. */
const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };

describe('a restart of the local runtime', () => {
  it('runs $disconnect for the connections it closes: the charge point is not connected afterwards, calls get 409', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'csms-restart-'));
    try {
      const first = await bootCsms({ dataDir });
      const id = newId();
      const cp = await strictClient(first.chargePointUrl, id, 'ocpp1.6');
      await cp.call('BootNotification', boot16);
      expect((await first.api.get(`/charge-points/${id}`)).body.connected).toBe(true);
      await first.close();
      await cp.close();
      const second = await bootCsms({ dataDir });
      try {
        // The registry's record (the listing; the single view also asks the gateway).
        const listed = (await second.api.get('/charge-points?limit=500')).body.items.find((c: { chargePointId: string }) => c.chargePointId === id);
        expect(listed).toMatchObject({ connected: false });
        const res = await second.api.post(`/charge-points/${id}/calls/ClearCache`, {});
        expect(res.status).toBe(409);
        expect(res.body.error).toBe('NotConnected');
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
