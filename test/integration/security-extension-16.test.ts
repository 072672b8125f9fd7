import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * The OCPP 1.6 security extension (Security whitepaper edition 2) on the existing workflows, with
 * strict 1.6 charge points (ocpp-rpc strictMode validates the extension's messages too):
 * - GetLog + LogStatusNotification through the diagnostics-upload workflow, when a 1.6 request
 *   names a logType (without one, 1.6 keeps GetDiagnostics);
 * - SignedUpdateFirmware + SignedFirmwareStatusNotification through the firmware-update workflow,
 *   when a 1.6 update carries signingCertificate + signature;
 * - ExtendedTriggerMessage through the generic calls API.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({
    env: { CSMS_CALL_TIMEOUT_MS: '2000' },
    stepFunctions: { retryIntervalOverrides: { RecordSuccess: 50, RequestUpload: 50, SendUpdateFirmware: 100 } },
  });
});
afterAll(async () => {
  await csms.close();
});

const LOCATION = 'https://firmware.example.com/acme/ac22-2.0.0.bin';
const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUXk0fJ0vJc2x1ZmlybXdhcmUtc2lnbmVyMAoGCCqGSM49\n-----END CERTIFICATE-----\n';
const SIGNATURE = Buffer.from('signature of the firmware image').toString('base64');
const now = () => new Date().toISOString();

interface GetLog { logType: string; requestId: number; retries?: number; retryInterval?: number; log: { remoteLocation: string; oldestTimestamp?: string; latestTimestamp?: string } }
interface SignedUpdateFirmware { requestId: number; retries?: number; retryInterval?: number; firmware: Record<string, string> }

async function chargePoint(prefix: string, firmwareVersion = '1.0.0') {
  const id = newId(prefix);
  const cs = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  expect((await cs.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion })).status).toBe('Accepted');
  const received: Record<string, unknown[]> = {};
  const handle = (action: string, answer: (p: any) => Record<string, unknown>) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    cs.handle(action, async ({ params }) => {
      (received[action] ??= []).push(params);
      return answer(params);
    });
  };
  const last = <T>(action: string) => eventually(async () => received[action]?.at(-1) as T | undefined);
  return { id, cs, received, handle, last };
}

const diagnosticsView = async (id: string, jobId: string) => (await csms.api.get(`/charge-points/${id}/diagnostics/${jobId}`)).body;
const diagnosticsDone = (id: string, jobId: string) => eventually(async () => {
  const v = await diagnosticsView(id, jobId);
  return v.status !== 'Running' ? v : undefined;
}, 10_000);
const firmwareDone = (jobId: string) => eventually(async () => {
  const v = (await csms.api.get(`/firmware-updates/${jobId}`)).body;
  return v.status !== 'Running' ? v : undefined;
}, 10_000);
const statusesOf = (v: { history: Array<{ status: string }> }) => v.history.map((h) => h.status);
const post = async (path: string, body: Record<string, unknown>) => {
  const res = await csms.api.post(path, body);
  expect([res.status, res.body]).toEqual([202, expect.objectContaining({ id: expect.any(String) })]);
  return res.body.id as string;
};

describe('1.6 security extension: GetLog + LogStatusNotification', () => {
  it('SecurityLog: GetLog with requestId and our upload target, a real upload, Uploading/Uploaded with that requestId, download', async () => {
    const cp = await chargePoint('SEC16LOG');
    cp.handle('GetLog', () => ({ status: 'Accepted', filename: 'security.log' }));
    cp.handle('GetDiagnostics', () => ({ fileName: 'never.log' }));
    const oldestTimestamp = '2024-01-01T00:00:00Z';
    const jobId = await post(`/charge-points/${cp.id}/diagnostics`, { logType: 'SecurityLog', startTime: oldestTimestamp, retries: 1, retryInterval: 10 });
    const sent = await cp.last<GetLog>('GetLog');
    expect(sent).toEqual({
      logType: 'SecurityLog',
      requestId: expect.any(Number),
      retries: 1,
      retryInterval: 10,
      log: { remoteLocation: expect.stringMatching(new RegExp(`/uploads/${jobId}/[A-Za-z0-9_-]{22}/$`)), oldestTimestamp },
    });
    expect(cp.received.GetDiagnostics).toBeUndefined();

    expect(await cp.cs.call('LogStatusNotification', { status: 'Uploading', requestId: sent.requestId })).toEqual({});
    expect(await cp.cs.call('LogStatusNotification', { status: 'UploadFailure', requestId: sent.requestId + 1000 })).toEqual({}); // not ours
    const content = `security log of ${cp.id}\n`.repeat(200);
    expect((await fetch(`${sent.log.remoteLocation}security.log`, { method: 'PUT', body: content })).status).toBe(201);
    expect(await cp.cs.call('LogStatusNotification', { status: 'Uploaded', requestId: sent.requestId })).toEqual({});

    const done = await diagnosticsDone(cp.id, jobId);
    expect(done).toMatchObject({ status: 'Succeeded', uploadStatus: 'Uploaded', logType: 'SecurityLog', requestId: sent.requestId, fileName: 'security.log', file: { size: content.length } });
    expect(statusesOf(done)).toEqual(['Uploading', 'Uploaded']);
    const file = await csms.api.get(`/charge-points/${cp.id}/diagnostics/${jobId}/file`);
    expect(await (await fetch(file.body.url)).text()).toBe(content);
    await cp.cs.close();
  });

  it('fails on UploadFailure with the status as the reason; Rejected fails at once; without logType a 1.6 charge point still gets GetDiagnostics', async () => {
    const cp = await chargePoint('SEC16LOGF');
    let answer = 'Accepted';
    cp.handle('GetLog', () => ({ status: answer }));
    cp.handle('GetDiagnostics', () => ({ fileName: 'diag.zip' }));

    const failing = await post(`/charge-points/${cp.id}/diagnostics`, { logType: 'DiagnosticsLog' });
    const { requestId } = await cp.last<GetLog>('GetLog');
    for (const status of ['Uploading', 'UploadFailure']) expect(await cp.cs.call('LogStatusNotification', { status, requestId })).toEqual({});
    expect(await diagnosticsDone(cp.id, failing)).toMatchObject({ status: 'Failed', uploadStatus: 'UploadFailure', error: expect.stringContaining('Diagnostics.UploadFailure') });

    answer = 'Rejected';
    const rejected = await post(`/charge-points/${cp.id}/diagnostics`, { logType: 'SecurityLog' });
    expect(await diagnosticsDone(cp.id, rejected)).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^GetLogRejected/) });

    const classic = await post(`/charge-points/${cp.id}/diagnostics`, {});
    const diag = await cp.last<{ location: string }>('GetDiagnostics');
    expect(diag.location).toMatch(new RegExp(`/uploads/${classic}/[A-Za-z0-9_-]{22}/$`));
    expect(cp.received.GetLog).toHaveLength(2);
    const running = await eventually(async () => {
      const v = await diagnosticsView(cp.id, classic);
      return v.fileName ? v : undefined;
    });
    expect(running).toMatchObject({ status: 'Running', fileName: 'diag.zip' });
    expect(running.logType).toBeUndefined();
    expect(running.requestId).toBeUndefined();
    expect(await cp.cs.call('DiagnosticsStatusNotification', { status: 'UploadFailed' })).toEqual({});
    expect(await diagnosticsDone(cp.id, classic)).toMatchObject({ status: 'Failed', error: expect.stringContaining('Diagnostics.UploadFailed') });
    await cp.cs.close();
  });
});

describe('1.6 security extension: SignedUpdateFirmware + SignedFirmwareStatusNotification', () => {
  it('sends SignedUpdateFirmware; Downloading → Downloaded → SignatureVerified → Installing → InstallRebooting, reboot, Installed', async () => {
    const cp = await chargePoint('SEC16FW');
    cp.handle('SignedUpdateFirmware', () => ({ status: 'Accepted' }));
    cp.handle('UpdateFirmware', () => ({}));
    const retrieveDate = now();
    const installDate = new Date(Date.now() + 1000).toISOString();
    const jobId = await post('/firmware-updates', { chargePointIds: [cp.id], location: LOCATION, retrieveDate, installDate, retries: 2, retryInterval: 60, signingCertificate: CERTIFICATE, signature: SIGNATURE });
    const sent = await cp.last<SignedUpdateFirmware>('SignedUpdateFirmware');
    expect(sent).toEqual({
      requestId: expect.any(Number),
      retries: 2,
      retryInterval: 60,
      firmware: { location: LOCATION, retrieveDateTime: retrieveDate, installDateTime: installDate, signingCertificate: CERTIFICATE, signature: SIGNATURE },
    });
    expect(cp.received.UpdateFirmware).toBeUndefined();
    const { requestId } = sent;

    for (const status of ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting']) {
      expect(await cp.cs.call('SignedFirmwareStatusNotification', { status, requestId })).toEqual({});
    }
    expect(await cp.cs.call('SignedFirmwareStatusNotification', { status: 'InvalidSignature', requestId: requestId + 1000 })).toEqual({}); // not ours
    await cp.cs.close();
    const after = await strictClient(csms.chargePointUrl, cp.id, 'ocpp1.6');
    expect((await after.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '2.0.0' })).status).toBe('Accepted');
    expect(await after.call('SignedFirmwareStatusNotification', { status: 'Installed', requestId })).toEqual({});

    const done = await firmwareDone(jobId);
    expect(done).toMatchObject({ status: 'Succeeded', summary: { succeeded: 1, failed: 0 } });
    expect(done.chargePoints[0]).toMatchObject({ status: 'Installed', outcome: 'Succeeded', firmwareVersionBefore: '1.0.0', firmwareVersion: '2.0.0' });
    expect(statusesOf(done.chargePoints[0])).toEqual(['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallRebooting', 'Installed']);
    await after.close();
  });

  it('fails on InvalidSignature; InvalidCertificate / RevokedCertificate answers fail it; unsigned 1.6 updates stay UpdateFirmware; half a signature is refused', async () => {
    const cp = await chargePoint('SEC16FWF');
    let answer = 'Accepted';
    cp.handle('SignedUpdateFirmware', () => ({ status: answer }));
    cp.handle('UpdateFirmware', () => ({}));
    const signed = { chargePointIds: [cp.id], location: LOCATION, signingCertificate: CERTIFICATE, signature: SIGNATURE };

    const invalid = await post('/firmware-updates', { ...signed, retrieveDate: now() });
    const { requestId } = await cp.last<SignedUpdateFirmware>('SignedUpdateFirmware');
    for (const status of ['Downloading', 'Downloaded', 'InvalidSignature']) expect(await cp.cs.call('SignedFirmwareStatusNotification', { status, requestId })).toEqual({});
    expect(await cp.cs.call('SecurityEventNotification', { type: 'InvalidFirmwareSignature', timestamp: now() })).toEqual({});
    const failed = await firmwareDone(invalid);
    expect([failed.status, failed.chargePoints[0]]).toEqual(['Failed', expect.objectContaining({ status: 'InvalidSignature', outcome: 'Failed', error: expect.stringContaining('Firmware.InvalidSignature') })]);

    for (const status of ['InvalidCertificate', 'RevokedCertificate']) {
      answer = status;
      const refused = await firmwareDone(await post('/firmware-updates', { ...signed, retrieveDate: now() }));
      expect([status, refused.chargePoints[0]]).toEqual([status, expect.objectContaining({ outcome: 'Failed', error: expect.stringContaining(`answered SignedUpdateFirmware with ${status}`) })]);
    }
    expect(cp.received.SignedUpdateFirmware).toHaveLength(3);

    const retrieveDate = now();
    await post('/firmware-updates', { chargePointIds: [cp.id], location: LOCATION, retrieveDate });
    expect(await cp.last('UpdateFirmware')).toEqual({ location: LOCATION, retrieveDate });

    const half = await csms.api.post('/firmware-updates', { chargePointIds: [cp.id], location: LOCATION, retrieveDate, signature: SIGNATURE });
    expect([half.status, half.body.message]).toEqual([400, expect.stringMatching(/both signingCertificate and signature/)]);
    await cp.cs.close();
  });
});

describe('1.6 security extension: ExtendedTriggerMessage and unsolicited notifications', () => {
  it('goes through the generic calls API, and the triggered notifications (no request of ours) are answered normally', async () => {
    const cp = await chargePoint('SEC16TRG');
    cp.handle('ExtendedTriggerMessage', (p) => ({ status: p.requestedMessage === 'SignChargePointCertificate' ? 'Rejected' : 'Accepted' }));
    for (const requestedMessage of ['LogStatusNotification', 'FirmwareStatusNotification']) {
      const res = await csms.api.post(`/charge-points/${cp.id}/calls/ExtendedTriggerMessage`, { requestedMessage });
      expect([requestedMessage, res.status, res.body]).toEqual([requestedMessage, 200, { response: { status: 'Accepted' } }]);
    }
    const cert = await csms.api.post(`/charge-points/${cp.id}/calls/ExtendedTriggerMessage`, { requestedMessage: 'SignChargePointCertificate' });
    expect(cert.body).toEqual({ response: { status: 'Rejected' } });
    expect(cp.received.ExtendedTriggerMessage).toEqual([
      { requestedMessage: 'LogStatusNotification' }, { requestedMessage: 'FirmwareStatusNotification' }, { requestedMessage: 'SignChargePointCertificate' },
    ]);
    const bad = await csms.api.post(`/charge-points/${cp.id}/calls/ExtendedTriggerMessage`, { requestedMessage: 'SignedFirmwareStatusNotification' });
    expect(bad.status).toBe(400); // not a MessageTriggerEnumType value: FirmwareStatusNotification triggers the signed one

    // What the triggers bring: Idle, with or without a requestId nobody knows.
    expect(await cp.cs.call('LogStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await cp.cs.call('LogStatusNotification', { status: 'Uploaded', requestId: 987_654 })).toEqual({});
    expect(await cp.cs.call('SignedFirmwareStatusNotification', { status: 'Idle' })).toEqual({});
    expect(await cp.cs.call('SignedFirmwareStatusNotification', { status: 'Installed', requestId: 987_654 })).toEqual({});
    expect((await csms.api.get(`/charge-points/${cp.id}/diagnostics`)).body.items).toEqual([]);
    await cp.cs.close();
  });
});
