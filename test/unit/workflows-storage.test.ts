import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { LocalUploadStorage, S3UploadStorage, uploadStorage } from '../../shared/diagnostics/storage';

/** The upload storage of the diagnostics-upload workflow: presigned S3 URLs (signed offline), and the local folder. */
describe('diagnostics upload storage', () => {
  const s3 = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });

  it('S3: the charge point gets a presigned PUT for one object, the operator a presigned GET naming the file', async () => {
    const storage = new S3UploadStorage('csms-diagnostics', s3);
    const put = new URL(await storage.createUploadTarget('CP/1', 'diag-1'));
    expect(put.hostname).toBe('csms-diagnostics.s3.eu-west-1.amazonaws.com');
    expect(decodeURIComponent(put.pathname)).toBe('/diagnostics/CP%2F1/diag-1');
    expect(put.searchParams.get('X-Amz-Expires')).toBe(String(6 * 3600));
    expect(put.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    const get = await storage.downloadUrl({ key: 'diagnostics/CP%2F1/diag-1', fileName: 'diag-1', size: 3, uploadedAt: '' }, 'cp logs.tar.gz');
    const url = new URL(get.url);
    expect(url.searchParams.get('response-content-disposition')).toBe('attachment; filename="cp_logs.tar.gz"');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(Date.parse(get.expiresAt)).toBeGreaterThan(Date.now());
  });

  it('local: a folder per job that the runtime serves; the file is found once it is there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'uploads-test-'));
    try {
      const storage = new LocalUploadStorage(dir, 'http://127.0.0.1:9/uploads');
      expect(await storage.findUpload('CP1', 'diag-2')).toBeUndefined();
      // The location carries a per-job token: only the station that was sent it can upload there.
      const target = await storage.createUploadTarget('CP1', 'diag-2');
      expect(target).toMatch(/^http:\/\/127\.0\.0\.1:9\/uploads\/diag-2\/[A-Za-z0-9_-]{16,}\/$/);
      expect(await storage.createUploadTarget('CP1', 'diag-3')).not.toBe(target.replace('diag-2', 'diag-3'));
      expect(await storage.findUpload('CP1', 'diag-2')).toBeUndefined();
      await writeFile(join(dir, 'diag-2', '.partial'), 'x');
      await writeFile(join(dir, 'diag-2', 'log.txt'), 'hello');
      const file = await storage.findUpload('CP1', 'diag-2');
      expect(file).toMatchObject({ fileName: 'log.txt', size: 5 });
      expect((await storage.downloadUrl(file!)).url).toBe(`${target}log.txt`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is chosen by the environment: the local folder, else the bucket, else none (the operator gives a location)', () => {
    const saved = { ...process.env };
    try {
      for (const k of ['UPLOADS_DIR', 'UPLOADS_BASE_URL', 'DIAGNOSTICS_BUCKET']) delete process.env[k];
      expect(uploadStorage()).toBeUndefined();
      process.env.DIAGNOSTICS_BUCKET = 'b';
      expect(uploadStorage()?.kind).toBe('s3');
      Object.assign(process.env, { UPLOADS_DIR: '/tmp/x', UPLOADS_BASE_URL: 'http://h/uploads' });
      expect(uploadStorage()?.kind).toBe('local');
    } finally {
      process.env = saved;
    }
  });
});
