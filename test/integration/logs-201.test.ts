import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 N01 Retrieve Log Information end to end with strict 2.0.1 charging stations: the
 * operator asks (POST /api/charge-points/{id}/diagnostics with logType), the diagnostics-upload
 * workflow sends GetLog with a requestId and the upload target the CSMS provides (locally:
 * /uploads on the runtime's port), the station uploads and reports LogStatusNotification with that
 * requestId, the operator downloads the file. Failure statuses end the request as failed.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' }, stepFunctions: { retryIntervalOverrides: { RecordSuccess: 50, RequestUpload: 50 } } });
});
afterAll(async () => {
  await csms.close();
});

interface GetLog { logType: string; requestId: number; retries?: number; retryInterval?: number; log: { remoteLocation: string; oldestTimestamp?: string; latestTimestamp?: string } }

async function logStation(answer: (p: GetLog) => Record<string, unknown> = () => ({ status: 'Accepted', filename: 'station.log' })) {
  const id = newId('LOG');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
  const requests: GetLog[] = [];
  cs.handle('GetLog', async ({ params }) => {
    requests.push(params as GetLog);
    return answer(params as GetLog);
  });
  const notify = async (requestId: number | undefined, ...statuses: string[]) => {
    for (const status of statuses) expect(await cs.call('LogStatusNotification', requestId === undefined ? { status } : { status, requestId })).toEqual({});
  };
  return { id, cs, requests, notify };
}
const request = async (id: string, body: Record<string, unknown> = {}) => {
  const res = await csms.api.post(`/charge-points/${id}/diagnostics`, body);
  expect(res.status).toBe(202);
  return res.body.id as string;
};
const view = async (id: string, jobId: string) => (await csms.api.get(`/charge-points/${id}/diagnostics/${jobId}`)).body;
const finished = (id: string, jobId: string) => eventually(async () => {
  const v = await view(id, jobId);
  return v.status !== 'Running' ? v : undefined;
}, 10_000);
const firstRequest = (s: { requests: GetLog[] }) => eventually(async () => s.requests[0]);
const statusesOf = (v: { history: Array<{ status: string }> }) => v.history.map((h) => h.status);

describe('N01 Retrieve Log: GetLog + LogStatusNotification through the diagnostics workflow', () => {
  it('DiagnosticsLog: GetLog with requestId and remoteLocation, upload to the CSMS, Uploading/Uploaded, download', async () => {
    const s = await logStation();
    const oldestTimestamp = '2024-01-01T00:00:00Z';
    const latestTimestamp = '2024-01-02T00:00:00Z';
    const jobId = await request(s.id, { startTime: oldestTimestamp, stopTime: latestTimestamp, retries: 2, retryInterval: 30 });
    const sent = await firstRequest(s);
    expect(sent).toEqual({
      logType: 'DiagnosticsLog',
      requestId: expect.any(Number),
      retries: 2,
      retryInterval: 30,
      log: { remoteLocation: expect.stringMatching(new RegExp(`/uploads/${jobId}/[A-Za-z0-9_-]{22}/$`)), oldestTimestamp, latestTimestamp },
    });
    const { requestId } = sent;

    await s.notify(requestId, 'Uploading');
    await s.notify(requestId + 1000, 'UploadFailure'); // another request's status: not ours
    const during = await eventually(async () => {
      const v = await view(s.id, jobId);
      return v.uploadStatus === 'Uploading' && v.fileName ? v : undefined;
    });
    expect(during).toMatchObject({ status: 'Running', requestId, logType: 'DiagnosticsLog', fileName: 'station.log' });

    const content = `log of ${s.id}\n`.repeat(500);
    expect((await fetch(`${sent.log.remoteLocation}station.log`, { method: 'PUT', body: content })).status).toBe(201);
    await s.notify(requestId, 'Uploaded');

    const done = await finished(s.id, jobId);
    expect(done).toMatchObject({ id: jobId, chargePointId: s.id, status: 'Succeeded', uploadStatus: 'Uploaded', requestId, fileName: 'station.log', file: { size: content.length } });
    expect(statusesOf(done)).toEqual(['Uploading', 'Uploaded']);
    const file = await csms.api.get(`/charge-points/${s.id}/diagnostics/${jobId}/file`);
    expect(file.body).toMatchObject({ fileName: 'station.log', size: content.length });
    expect(await (await fetch(file.body.url)).text()).toBe(content);
    await s.cs.close();
  });

  it('SecurityLog answered AcceptedCanceled (an upload of its own cancelled): intermediate statuses do not end it, Uploaded does', async () => {
    const s = await logStation(() => ({ status: 'AcceptedCanceled', filename: 'security.log' }));
    const jobId = await request(s.id, { logType: 'SecurityLog' });
    const sent = await firstRequest(s);
    expect(sent).toMatchObject({ logType: 'SecurityLog', log: { remoteLocation: expect.stringContaining(`/uploads/${jobId}/`) } });
    expect(sent.log.oldestTimestamp).toBeUndefined();

    await s.notify(sent.requestId, 'AcceptedCanceled', 'Uploading');
    await s.notify(undefined, 'Idle'); // only sent when triggered; recorded, but neither ends nor fails the request
    await new Promise((r) => setTimeout(r, 300));
    expect(await view(s.id, jobId)).toMatchObject({ status: 'Running', logType: 'SecurityLog', uploadStatus: 'Idle' });

    const form = new FormData();
    form.append('file', new Blob([Buffer.from('sec')]), 'security.log');
    expect((await fetch(sent.log.remoteLocation, { method: 'POST', body: form })).status).toBe(201);
    await s.notify(sent.requestId, 'Uploaded');
    const done = await finished(s.id, jobId);
    expect(done).toMatchObject({ status: 'Succeeded', logType: 'SecurityLog', fileName: 'security.log', file: { size: 3 } });
    expect(statusesOf(done)).toEqual(['AcceptedCanceled', 'Uploading', 'Idle', 'Uploaded']);
    await s.cs.close();
  });

  it('fails on UploadFailure, BadMessage, NotSupportedOperation and PermissionDenied, with the status as the reason; nothing to download', async () => {
    const s = await logStation();
    for (const status of ['UploadFailure', 'BadMessage', 'NotSupportedOperation', 'PermissionDenied']) {
      s.requests.length = 0;
      const jobId = await request(s.id);
      const { requestId } = await firstRequest(s);
      await s.notify(requestId, 'Uploading', status);
      const done = await finished(s.id, jobId);
      expect([status, done]).toEqual([status, expect.objectContaining({ status: 'Failed', uploadStatus: status, error: expect.stringContaining(`Diagnostics.${status}`) })]);
      expect((await csms.api.get(`/charge-points/${s.id}/diagnostics/${jobId}/file`)).body.error).toBe('NotUploaded');
    }
    await s.cs.close();
  });

  it('fails with the reason when the station rejects GetLog; Uploaded without a file is not a success', async () => {
    const rejecting = await logStation(() => ({ status: 'Rejected', statusInfo: { reasonCode: 'Busy' } }));
    const rejected = await request(rejecting.id);
    expect(await finished(rejecting.id, rejected)).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^GetLogRejected/) });

    const lying = await logStation();
    const jobId = await request(lying.id);
    await lying.notify((await firstRequest(lying)).requestId, 'Uploaded');
    expect(await finished(lying.id, jobId)).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^UploadNotReceived/) });
    await Promise.all([rejecting.cs.close(), lying.cs.close()]);
  });

  it('a triggered LogStatusNotification Idle with no request is answered and recorded nowhere', async () => {
    const s = await logStation();
    s.cs.handle('TriggerMessage', async () => ({ status: 'Accepted' }));
    expect((await csms.api.post(`/charge-points/${s.id}/calls/TriggerMessage`, { requestedMessage: 'LogStatusNotification' })).body).toEqual({ response: { status: 'Accepted' } });
    await s.notify(undefined, 'Idle');
    expect((await csms.api.get(`/charge-points/${s.id}/diagnostics`)).body.items).toEqual([]);
    expect((await csms.api.post(`/charge-points/${s.id}/diagnostics`, { logType: 'AuditLog' })).status).toBe(400);

    await s.cs.close(); // logType for a 1.6 charge point (security extension GetLog): test/integration/security-extension-16.test.ts
  });
});
