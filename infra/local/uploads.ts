import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { firstFilePart, safeFileName } from '../../shared/diagnostics/upload-body';

export { firstFilePart, safeFileName };

/**
 * The local stand-in for the diagnostics bucket: charge points upload their diagnostics / log
 * files here (1.6 §5.9 GetDiagnostics location, 2.0.1 N01 GetLog remoteLocation), operators
 * download them. Files live under <data-dir>/uploads (or a temporary folder when the runtime keeps
 * its data in memory), one folder per job; shared/diagnostics/storage.ts reads the same folder.
 *
 *   PUT  /uploads/{jobId}/{token}[/{fileName}]   the body is the file
 *   POST /uploads/{jobId}/{token}[/{fileName}]   multipart/form-data (first file part), or the raw body
 *   GET  /uploads/{jobId}/{token}/{fileName}     download
 *
 * Only a job the CSMS issued an upload target for (its folder exists) accepts uploads, and only
 * with that job's token in the path (written by shared/diagnostics/storage.ts as `.token`): the
 * location is a per-job capability, like a presigned URL, that a charge point may append its
 * own file name to (OCPP 1.6 `location` is a directory). FTP, which
 * many 1.6 charge points use, has no serverless equivalent: give such a charge point an FTP
 * location of your own (the API's `location`), see docs/workflows.md.
 */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const JOB_ID = /^[A-Za-z0-9_-]{1,80}$/;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export class LocalUploads {
  private constructor(readonly dir: string, private readonly temporary: boolean) {}

  static async create(dataDir?: string): Promise<LocalUploads> {
    if (dataDir) {
      const dir = join(dataDir, 'uploads');
      await mkdir(dir, { recursive: true });
      return new LocalUploads(dir, false);
    }
    return new LocalUploads(await mkdtemp(join(tmpdir(), 'csms-uploads-')), true);
  }

  /** What shared/diagnostics/storage.ts needs to issue targets and find files. */
  environment(base: string): Record<string, string> {
    return { UPLOADS_DIR: this.dir, UPLOADS_BASE_URL: `${base}/uploads` };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    this.serve(req, res).catch((e) => {
      console.error(JSON.stringify({ level: 'error', message: 'upload failed', error: String((e as Error)?.stack ?? e) }));
      if (!res.headersSent) reply(res, 500, { error: 'InternalError', message: 'The upload could not be stored' });
      else res.destroy();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const [, prefix, jobId, token, ...rest] = url.pathname.split('/');
    if (prefix !== 'uploads' || !jobId || !JOB_ID.test(jobId)) return reply(res, 404, { error: 'NotFound', message: 'Uploads go to /uploads/{jobId}/{token}/{fileName}' });
    const folder = join(this.dir, jobId);
    const expected = existsSync(folder) ? (await readFile(join(folder, '.token'), 'utf8').catch(() => '')).trim() : '';
    if (!expected || !sameToken(expected, token ?? '')) {
      req.resume();
      return reply(res, 404, { error: 'NotFound', message: `No upload was requested at this location` });
    }
    const named = rest.filter(Boolean).join('/');
    if (req.method === 'GET' || req.method === 'HEAD') {
      const file = join(folder, safeFileName(named));
      if (!named || !existsSync(file)) return reply(res, 404, { error: 'NotFound', message: 'No such file' });
      const info = await stat(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': info.size, 'content-disposition': `attachment; filename="${basename(file)}"` });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
      return;
    }
    if (req.method !== 'PUT' && req.method !== 'POST') return reply(res, 405, { error: 'MethodNotAllowed', message: 'Use PUT or POST to upload, GET to download' });
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_UPLOAD_BYTES) {
      req.resume();
      return reply(res, 413, { error: 'PayloadTooLarge', message: `Uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.method === 'POST' && /^multipart\/form-data/i.test(contentType)) {
      const body = await readBody(req);
      if (!body) return reply(res, 413, { error: 'PayloadTooLarge', message: `Uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
      const part = firstFilePart(body, contentType);
      if (!part) return reply(res, 400, { error: 'BadRequest', message: 'No file part in the multipart body' });
      const name = safeFileName(part.fileName ?? named);
      await this.write(folder, name, part.data);
      return reply(res, 201, { fileName: name, size: part.data.length });
    }
    // The body is the file: streamed to a temporary name, renamed when complete.
    const name = safeFileName(named);
    const partial = join(folder, `.${name}.partial`);
    let size = 0;
    let tooLarge = false;
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(partial);
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_UPLOAD_BYTES && !tooLarge) {
          tooLarge = true;
          req.unpipe(out);
          out.end();
          req.resume();
        }
      });
      req.pipe(out);
      out.on('finish', resolve);
      out.on('error', reject);
      req.on('error', reject);
    });
    if (tooLarge) {
      await unlink(partial).catch(() => undefined);
      return reply(res, 413, { error: 'PayloadTooLarge', message: `Uploads are limited to ${MAX_UPLOAD_BYTES} bytes` });
    }
    await this.replaceOthers(folder, name);
    await rename(partial, join(folder, name));
    reply(res, 201, { fileName: name, size });
  }

  private async write(folder: string, name: string, data: Buffer) {
    await this.replaceOthers(folder, name);
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(join(folder, name));
      out.on('finish', resolve);
      out.on('error', reject);
      out.end(data);
    });
  }

  /** One file per job (1.6: "Charge Point SHALL upload a single file"): a new upload replaces the last. */
  private async replaceOthers(folder: string, keep: string) {
    for (const f of await readdir(folder)) if (f !== keep && !f.startsWith('.')) await unlink(join(folder, f)).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.temporary) await rm(this.dir, { recursive: true, force: true });
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_UPLOAD_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_UPLOAD_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
