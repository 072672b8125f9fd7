import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * Get Diagnostics (OCPP 1.6 §5.9, §4.4 Diagnostics Status Notification) end to end: the operator
 * asks, the diagnostics-upload workflow sends GetDiagnostics with an upload target the CSMS
 * provides (locally: /uploads on the runtime's port), the charge point uploads and notifies, the
 * operator downloads the file.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' }, stepFunctions: { retryIntervalOverrides: { RecordSuccess: 50, RequestUpload: 50 } } });
});
afterAll(async () => {
  await csms.close();
});

async function diagnosticsCp(answer: (params: Record<string, unknown>) => Record<string, unknown> = () => ({ fileName: 'diagnostics.log' })) {
  const id = newId('DIAG');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
  const requests: Array<Record<string, unknown>> = [];
  cp.handle('GetDiagnostics', async ({ params }) => {
    requests.push(params as Record<string, unknown>);
    return answer(params as Record<string, unknown>);
  });
  const notify = async (...statuses: string[]) => {
    for (const status of statuses) expect(await cp.call('DiagnosticsStatusNotification', { status })).toEqual({});
  };
  return { id, cp, requests, notify };
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
const firstRequest = (d: { requests: unknown[] }) => eventually(async () => d.requests[0] as Record<string, unknown> | undefined);

describe('Get Diagnostics with the upload target the CSMS provides', () => {
  it('the charge point PUTs the file, reports Uploading/Uploaded, the operator lists and downloads it', async () => {
    const d = await diagnosticsCp();
    const startTime = '2024-01-01T00:00:00Z';
    const jobId = await request(d.id, { startTime, stopTime: '2024-01-02T00:00:00Z', retries: 2, retryInterval: 30 });
    const sent = await firstRequest(d);
    expect(sent).toEqual({ location: expect.stringMatching(new RegExp(`/uploads/${jobId}/[A-Za-z0-9_-]{22}/$`)), startTime, stopTime: '2024-01-02T00:00:00Z', retries: 2, retryInterval: 30 });

    await d.notify('Uploading');
    const content = `diagnostics of ${d.id}\n`.repeat(1000);
    // Without the job's token (the location is a per-job capability) nothing is accepted.
    const guessed = String(sent.location).replace(/\/[A-Za-z0-9_-]{22}\/$/, '/AAAAAAAAAAAAAAAAAAAAAA/');
    expect((await fetch(`${guessed}diagnostics.log`, { method: 'PUT', body: 'forged' })).status).toBe(404);
    expect((await fetch(`${String(sent.location).replace(/[A-Za-z0-9_-]{22}\/$/, '')}diagnostics.log`, { method: 'PUT', body: 'forged' })).status).toBe(404);
    const put = await fetch(`${sent.location}diagnostics.log`, { method: 'PUT', body: content });
    expect(put.status).toBe(201);
    await d.notify('Uploaded');

    const done = await finished(d.id, jobId);
    expect(done).toMatchObject({ id: jobId, chargePointId: d.id, status: 'Succeeded', uploadStatus: 'Uploaded', fileName: 'diagnostics.log', file: { size: content.length } });
    expect(done.history.map((h: { status: string }) => h.status)).toEqual(['Uploading', 'Uploaded']);
    expect(done.location).toBeUndefined(); // our target is not shown (in the cloud it is a presigned URL)

    const list = await csms.api.get(`/charge-points/${d.id}/diagnostics`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: jobId, uploadStatus: 'Uploaded', fileName: 'diagnostics.log' })]);

    const file = await csms.api.get(`/charge-points/${d.id}/diagnostics/${jobId}/file`);
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ fileName: 'diagnostics.log', size: content.length, url: `${sent.location}diagnostics.log` });
    const download = await fetch(file.body.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe(content);
    await d.cp.close();
  });

  it('accepts a multipart/form-data POST to the location as given', async () => {
    const d = await diagnosticsCp(() => ({ fileName: 'cp-logs.tar.gz' }));
    const jobId = await request(d.id);
    const { location } = await firstRequest(d);
    const form = new FormData();
    form.append('file', new Blob([Buffer.from([1, 2, 3, 4, 5])]), 'cp-logs.tar.gz');
    expect((await fetch(location as string, { method: 'POST', body: form })).status).toBe(201);
    await d.notify('Uploading', 'Uploaded');
    const done = await finished(d.id, jobId);
    expect(done).toMatchObject({ status: 'Succeeded', file: { size: 5 } });
    const file = await csms.api.get(`/charge-points/${d.id}/diagnostics/${jobId}/file`);
    expect(Buffer.from(await (await fetch(file.body.url)).arrayBuffer())).toEqual(Buffer.from([1, 2, 3, 4, 5]));
    await d.cp.close();
  });

  it('fails on UploadFailed; and when Uploaded is reported but no file arrived', async () => {
    const d = await diagnosticsCp();
    const failed = await request(d.id);
    await firstRequest(d);
    await d.notify('Uploading', 'UploadFailed');
    expect(await finished(d.id, failed)).toMatchObject({ status: 'Failed', uploadStatus: 'UploadFailed', error: expect.stringContaining('UploadFailed') });
    expect((await csms.api.get(`/charge-points/${d.id}/diagnostics/${failed}/file`)).body).toMatchObject({ error: 'NotUploaded' });

    d.requests.length = 0;
    const lying = await request(d.id);
    await firstRequest(d);
    await d.notify('Uploaded');
    expect(await finished(d.id, lying)).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^UploadNotReceived/) });
    await d.cp.close();
  });

  it('fails with the reason when the charge point has no diagnostics (no fileName in GetDiagnostics.conf)', async () => {
    const d = await diagnosticsCp(() => ({}));
    const jobId = await request(d.id);
    expect(await finished(d.id, jobId)).toMatchObject({ status: 'Failed', error: expect.stringMatching(/^NoDiagnosticsAvailable/) });
    await d.cp.close();
  });

  it('fails after the timeout when the charge point goes offline mid-flow; refuses at once when it is offline', async () => {
    const d = await diagnosticsCp();
    const jobId = await request(d.id, { timeoutSeconds: 1 });
    await firstRequest(d);
    await d.notify('Uploading');
    await d.cp.close();
    expect(await finished(d.id, jobId)).toMatchObject({ status: 'Failed', uploadStatus: 'Uploading', error: expect.stringMatching(/^Timeout/) });
    await eventually(async () => (await csms.api.get(`/charge-points/${d.id}`)).body.connected === false);
    const offline = await csms.api.post(`/charge-points/${d.id}/diagnostics`, {});
    expect(offline.status).toBe(409);
    expect(offline.body.error).toBe('NotConnected');
  });
});

describe('Get Diagnostics to a location of the operator (e.g. FTP, which a serverless CSMS cannot serve)', () => {
  it('sends the location as given and records the outcome; there is nothing to download from the CSMS', async () => {
    const d = await diagnosticsCp(() => ({ fileName: 'diag.zip' }));
    const location = 'ftp://user:secret@logs.example.com/uploads/';
    const jobId = await request(d.id, { location });
    expect((await firstRequest(d)).location).toBe(location);
    await d.notify('Uploading', 'Uploaded');
    expect(await finished(d.id, jobId)).toMatchObject({ status: 'Succeeded', location, fileName: 'diag.zip' });
    const file = await csms.api.get(`/charge-points/${d.id}/diagnostics/${jobId}/file`);
    expect(file.status).toBe(409);
    expect(file.body.error).toBe('ExternalLocation');
    await d.cp.close();
  });
});

describe('bad requests and stray uploads', () => {
  it('answers 400 / 404 with a message and starts nothing', async () => {
    const d = await diagnosticsCp();
    for (const [body, message] of [
      [{ location: 'nope' }, /absolute URI/],
      [{ startTime: 'yesterday' }, /startTime/],
      [{ startTime: '2024-02-01T00:00:00Z', stopTime: '2024-01-01T00:00:00Z' }, /not be after/],
      [{ retries: -1 }, /retries/],
      [{ colour: 'red' }, /Unknown field/],
    ] as const) {
      const res = await csms.api.post(`/charge-points/${d.id}/diagnostics`, body);
      expect([res.status, res.body.message]).toEqual([400, expect.stringMatching(message)]);
    }
    expect((await csms.api.post('/charge-points/no-such-cp/diagnostics', {})).status).toBe(404);
    expect((await csms.api.get('/charge-points/no-such-cp/diagnostics')).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${d.id}/diagnostics/diag-nope`)).status).toBe(404);
    expect((await csms.api.get(`/charge-points/${d.id}/diagnostics/diag-nope/file`)).status).toBe(404);
    expect(d.requests).toHaveLength(0);
    // The upload endpoint only takes files for requests the CSMS made.
    const base = csms.apiUrl.replace(/\/api$/, '');
    expect((await fetch(`${base}/uploads/not-a-job/x.log`, { method: 'PUT', body: 'x' })).status).toBe(404);
    expect((await fetch(`${base}/uploads/../../etc/passwd`, { method: 'PUT', body: 'x' })).status).toBe(404);
    await d.cp.close();
  });
});
