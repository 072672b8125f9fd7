import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 L01 Secure Firmware Update and L02 Non-Secure Firmware Update end to end: operator
 * API → firmware-update workflow on the local Step Functions runner → UpdateFirmware (requestId,
 * firmware{location, retrieveDateTime, installDateTime?, signingCertificate?, signature?}) to strict
 * 2.0.1 charging stations → their FirmwareStatusNotifications (with that requestId) resume it.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' }, stepFunctions: { retryIntervalOverrides: { SendUpdateFirmware: 100 } } });
});
afterAll(async () => {
  await csms.close();
});

const LOCATION = 'https://firmware.example.com/acme/dc150-4.0.0.bin';
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXk0fJ0vJc2x1ZmlybXdhcmUtc2lnbmVyMAoGCCqGSM49\n-----END CERTIFICATE-----\n';
const SIGNATURE = Buffer.from('signature of the firmware image').toString('base64');
const now = () => new Date().toISOString();
const boot = (firmwareVersion: string, reason = 'PowerUp') => ({ reason, chargingStation: { vendorName: 'Acme', model: 'DC-150', firmwareVersion } });

interface UpdateFirmware { requestId: number; retries?: number; retryInterval?: number; firmware: Record<string, string> }

async function station(opts: { id?: string; answer?: () => Record<string, unknown> } = {}) {
  const id = opts.id ?? newId('FW201');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', boot('3.0.0'))).status).toBe('Accepted');
  const requests: UpdateFirmware[] = [];
  cs.handle('UpdateFirmware', async ({ params }) => {
    requests.push(params as UpdateFirmware);
    return opts.answer ? opts.answer() : { status: 'Accepted' };
  });
  const request = () => eventually(async () => requests.at(-1));
  const notify = async (requestId: number, ...statuses: string[]) => {
    for (const status of statuses) expect(await cs.call('FirmwareStatusNotification', { status, requestId })).toEqual({});
  };
  return { id, cs, requests, request, notify };
}
const view = async (jobId: string) => (await csms.api.get(`/firmware-updates/${jobId}`)).body;
const finished = (jobId: string) => eventually(async () => {
  const v = await view(jobId);
  return v.status !== 'Running' ? v : undefined;
}, 10_000);
const start = async (body: Record<string, unknown>) => {
  const res = await csms.api.post('/firmware-updates', body);
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const statusesOf = (item: { history: Array<{ status: string }> }) => item.history.map((h) => h.status);

describe('L01 Secure Firmware Update', () => {
  it('sends the signed firmware; Downloading → Downloaded → SignatureVerified → Installing → InstallRebooting, reboot, Installed; the new version shows', async () => {
    const s = await station();
    const retrieveDate = now();
    const installDate = new Date(Date.now() + 1000).toISOString();
    const jobId = await start({ chargePointIds: [s.id], location: LOCATION, retrieveDate, installDate, retries: 2, retryInterval: 60, signingCertificate: CERTIFICATE, signature: SIGNATURE });
    const sent = await s.request();
    expect(sent).toEqual({
      requestId: expect.any(Number),
      retries: 2,
      retryInterval: 60,
      firmware: { location: LOCATION, retrieveDateTime: retrieveDate, installDateTime: installDate, signingCertificate: CERTIFICATE, signature: SIGNATURE },
    });
    const { requestId } = sent;

    await s.notify(requestId, 'Downloading', 'Downloaded', 'SignatureVerified');
    await s.notify(requestId + 1000, 'InstallVerificationFailed'); // another request's: not ours
    await s.notify(requestId, 'Installing');
    const during = await eventually(async () => {
      const v = await view(jobId);
      return v.chargePoints[0].status === 'Installing' ? v : undefined;
    });
    expect(during).toMatchObject({ status: 'Running', summary: { total: 1, inProgress: 1 } });

    // The station reboots into the new firmware, boots, and reports Installed on its new connection.
    await s.notify(requestId, 'InstallRebooting');
    await s.cs.close();
    const after = await strictClient(csms.chargePointUrl, s.id, protocol2x());
    expect((await after.call('BootNotification', boot('4.0.0', 'FirmwareUpdate'))).status).toBe('Accepted');
    expect(await after.call('FirmwareStatusNotification', { status: 'Installed', requestId })).toEqual({});

    const done = await finished(jobId);
    expect(done).toMatchObject({ status: 'Succeeded', summary: { succeeded: 1, failed: 0 } });
    expect(done.chargePoints[0]).toMatchObject({ status: 'Installed', outcome: 'Succeeded', firmwareVersionBefore: '3.0.0', firmwareVersion: '4.0.0' });
    expect(statusesOf(done.chargePoints[0])).toEqual(['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']);
    await after.close();
  });

  it('fails on InvalidSignature and InstallVerificationFailed (the station also reports the security event)', async () => {
    const s = await station();
    for (const failure of ['InvalidSignature', 'InstallVerificationFailed']) {
      const jobId = await start({ chargePointIds: [s.id], location: LOCATION, retrieveDate: now(), signingCertificate: CERTIFICATE, signature: SIGNATURE });
      const { requestId } = await s.request();
      await s.notify(requestId, 'Downloading', 'Downloaded', ...(failure === 'InvalidSignature' ? [] : ['SignatureVerified', 'Installing']), failure);
      if (failure === 'InvalidSignature') expect(await s.cs.call('SecurityEventNotification', { type: 'InvalidFirmwareSignature', timestamp: now() })).toEqual({});
      const done = await finished(jobId);
      expect([failure, done.status, done.chargePoints[0]]).toEqual([failure, 'Failed', expect.objectContaining({ status: failure, outcome: 'Failed', error: expect.stringContaining(`Firmware.${failure}`) })]);
      s.requests.length = 0;
    }
    await s.cs.close();
  });

  it('fails when the station refuses the request: Rejected, InvalidCertificate, RevokedCertificate', async () => {
    for (const status of ['Rejected', 'InvalidCertificate', 'RevokedCertificate']) {
      const s = await station({ answer: () => ({ status }) });
      const jobId = await start({ chargePointIds: [s.id], location: LOCATION, retrieveDate: now(), signingCertificate: CERTIFICATE, signature: SIGNATURE });
      const done = await finished(jobId);
      expect([status, done.chargePoints[0]]).toEqual([status, expect.objectContaining({ outcome: 'Failed', status: 'Pending', error: expect.stringContaining(`answered UpdateFirmware with ${status}`) })]);
      await s.cs.close();
    }
  });
});

describe('L02 Non-Secure Firmware Update', () => {
  it('sends no signature; AcceptedCanceled (an ongoing update cancelled) proceeds; Downloading → Downloaded → Installing → Installed', async () => {
    const s = await station({ answer: () => ({ status: 'AcceptedCanceled' }) });
    const retrieveDate = now();
    const jobId = await start({ chargePointIds: [s.id], location: LOCATION, retrieveDate });
    const sent = await s.request();
    expect(sent).toEqual({ requestId: expect.any(Number), firmware: { location: LOCATION, retrieveDateTime: retrieveDate } });
    await s.notify(sent.requestId, 'Downloading', 'Downloaded', 'Installing', 'Installed');
    const done = await finished(jobId);
    expect(done.status).toBe('Succeeded');
    expect(statusesOf(done.chargePoints[0])).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
    await s.cs.close();
  });

  it('fails on DownloadFailed, and on InstallationFailed', async () => {
    for (const failure of ['DownloadFailed', 'InstallationFailed']) {
      const s = await station();
      const jobId = await start({ chargePointIds: [s.id], location: LOCATION, retrieveDate: now() });
      const { requestId } = await s.request();
      await s.notify(requestId, ...(failure === 'DownloadFailed' ? ['DownloadScheduled', 'Downloading', 'DownloadPaused', 'Downloading', 'DownloadFailed'] : ['Downloading', 'Downloaded', 'InstallScheduled', 'Installing', 'InstallationFailed']));
      const done = await finished(jobId);
      expect([failure, done.status, done.chargePoints[0]]).toEqual([failure, 'Failed', expect.objectContaining({ status: failure, outcome: 'Failed', error: expect.stringContaining(`Firmware.${failure}`) })]);
      expect(done.chargePoints[0].history).toHaveLength(5);
      await s.cs.close();
    }
  });
});
