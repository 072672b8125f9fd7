import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { S3UploadStorage } from '../../shared/diagnostics/storage';
import { receiveUpload } from '../../functions/uploads';
import { startS3StandIn } from '../support/s3-stand-in';

// The cloud's upload endpoint (functions/uploads.ts behind the HTTP API route /uploads/{proxy+}),
// with the real S3 client against a local S3 stand-in: what 1.6 stations really send to a
// GetDiagnostics location — a PUT with their own file name appended, a multipart POST.
describe('diagnostics uploads in the cloud', () => {
  let s3: Awaited<ReturnType<typeof startS3StandIn>>;
  let storage: S3UploadStorage;
  beforeAll(async () => {
    s3 = await startS3StandIn();
    const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    storage = new S3UploadStorage('csms-diagnostics', client, 'https://api.example.com/uploads');
  });
  afterAll(() => s3.close());

  const event = (method: string, url: string, body?: Buffer, contentType?: string): APIGatewayProxyEventV2 => ({
    version: '2.0', routeKey: 'ANY /uploads/{proxy+}', rawPath: new URL(url).pathname, rawQueryString: '',
    headers: contentType ? { 'content-type': contentType } : {},
    body: body?.toString('base64'), isBase64Encoded: true,
    requestContext: { http: { method, path: new URL(url).pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'cp' } },
  } as unknown as APIGatewayProxyEventV2);
  const send = async (method: string, url: string, body?: Buffer, contentType?: string) => {
    const r = await receiveUpload(event(method, url, body, contentType), storage);
    return { status: r.statusCode, body: JSON.parse(String(r.body)) };
  };

  it('a 1.6 station appends its file name to the directory location and PUTs; the CSMS finds the file under that name', async () => {
    const location = await storage.createUploadTarget('CP/7', 'diag-put', { directory: true });
    expect(location).toMatch(/^https:\/\/api\.example\.com\/uploads\/[A-Za-z0-9_-]+\/diag-put\/[A-Za-z0-9_-]{16,}\/$/);
    expect(await storage.findUpload('CP/7', 'diag-put')).toBeUndefined();
    expect(await send('PUT', `${location}cp7-diagnostics.tar.gz`, Buffer.from('log lines'))).toEqual({ status: 201, body: { fileName: 'cp7-diagnostics.tar.gz', size: 9 } });
    expect(await storage.findUpload('CP/7', 'diag-put')).toMatchObject({ key: 'diagnostics/CP%2F7/diag-put', fileName: 'cp7-diagnostics.tar.gz', size: 9 });
  });

  it('a multipart POST stores the file part under its file name, replacing an earlier upload of the job', async () => {
    const location = await storage.createUploadTarget('CP8', 'diag-post', { directory: true });
    await send('PUT', `${location}first.txt`, Buffer.from('first'));
    const boundary = 'xYzZY';
    const form = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cp8.log"\r\nContent-Type: text/plain\r\n\r\nmultipart body\r\n--${boundary}--\r\n`);
    expect(await send('POST', location, form, `multipart/form-data; boundary=${boundary}`)).toEqual({ status: 201, body: { fileName: 'cp8.log', size: 14 } });
    expect(await storage.findUpload('CP8', 'diag-post')).toMatchObject({ fileName: 'cp8.log', size: 14 });
    expect(s3.objects.get('csms-diagnostics/diagnostics/CP8/diag-post')?.body.toString()).toBe('multipart body');
  });

  it('refuses a wrong token, a job it never issued, another charge point, a broken form and other methods, and stores nothing', async () => {
    const location = await storage.createUploadTarget('CP9', 'diag-bad', { directory: true });
    const [, , cp, job, token] = new URL(location).pathname.split('/');
    const before = s3.objects.size;
    expect((await send('PUT', location.replace(token, 'A'.repeat(token.length)) + 'x.log', Buffer.from('x'))).status).toBe(404);
    expect((await send('PUT', location.replace(job, 'diag-never') + 'x.log', Buffer.from('x'))).status).toBe(404);
    expect((await send('PUT', location.replace(cp, Buffer.from('CP10').toString('base64url')) + 'x.log', Buffer.from('x'))).status).toBe(404);
    expect((await send('PUT', 'https://api.example.com/uploads/', Buffer.from('x'))).status).toBe(404);
    expect((await send('POST', location, Buffer.from('no parts'), 'multipart/form-data; boundary=none')).status).toBe(400);
    expect(await send('GET', `${location}x.log`)).toMatchObject({ status: 405 });
    expect(s3.objects.size).toBe(before);
    expect(await storage.findUpload('CP9', 'diag-bad')).toBeUndefined();
  });

  it('an exact-URL station (2.0.1 GetLog remoteLocation) still gets a presigned PUT for the object', async () => {
    const url = new URL(await storage.createUploadTarget('CP11', 'log-1'));
    expect(url.pathname).toBe('/csms-diagnostics/diagnostics/CP11/log-1');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });
});
