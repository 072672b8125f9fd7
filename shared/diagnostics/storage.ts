import { existsSync } from 'node:fs';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { uploadedFile } from './upload-body';

/**
 * Where charge points upload diagnostics / log files (1.6 §5.9 GetDiagnostics `location`, 2.0.1
 * N01 GetLog `remoteLocation`) and where operators fetch them, behind one small interface:
 * - S3 in the cloud (DIAGNOSTICS_BUCKET): the operator gets a presigned GET URL. A charge point that
 *   takes its location as a directory (1.6 §5.9 GetDiagnostics: it appends its own file name, or
 *   POSTs a multipart form) gets the stack's upload endpoint (DIAGNOSTICS_UPLOAD_URL, an HTTP API
 *   route to functions/uploads.ts) with a per-job token in the path, checked against the token
 *   object the CSMS wrote beside the file's key; one sent an exact URL (2.0.1 N01 GetLog
 *   remoteLocation) gets a presigned PUT for the object. Presigned URLs cannot outlive the
 *   credentials that sign them (a Lambda role's session: hours), hence UPLOAD_URL_TTL_S; the
 *   endpoint's token lives as long as the job's files.
 * - a folder served by the local runtime (UPLOADS_DIR + UPLOADS_BASE_URL, infra/local/uploads.ts),
 *   which also accepts multipart POST and a file name appended to the URL.
 * Neither serves FTP: for FTP-only charge points the operator gives an FTP location of their own.
 */
export interface StoredFile {
  key: string;
  fileName: string;
  size: number;
  uploadedAt: string;
}

export interface UploadTargetOptions {
  /** The charge point takes the location as a directory (appends a file name, may POST a form): 1.6 GetDiagnostics. */
  directory?: boolean;
}

export interface UploadStorage {
  readonly kind: 's3' | 'local';
  /** The URL the charge point uploads to. */
  createUploadTarget(chargePointId: string, jobId: string, opts?: UploadTargetOptions): Promise<string>;
  /** The uploaded file, once it has arrived. */
  findUpload(chargePointId: string, jobId: string): Promise<StoredFile | undefined>;
  /** A URL the operator downloads the file from (`fileName` names the download). */
  downloadUrl(file: StoredFile, fileName?: string): Promise<{ url: string; expiresAt?: string }>;
}

const UPLOAD_URL_TTL_S = () => Number(process.env.DIAGNOSTICS_UPLOAD_URL_TTL_S ?? 6 * 3600);
const DOWNLOAD_URL_TTL_S = 15 * 60;

let sharedS3: S3Client | undefined;
const s3Client = () => (sharedS3 ??= new S3Client({ endpoint: process.env.S3_ENDPOINT || undefined, forcePathStyle: !!process.env.S3_ENDPOINT }));

/** An upload request as the endpoint received it: the path after `/uploads/`, the body as bytes. */
export interface UploadRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}
export interface UploadReply {
  status: number;
  body: Record<string, unknown>;
}

const JOB_ID = /^[A-Za-z0-9_-]{1,80}$/;
const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class S3UploadStorage implements UploadStorage {
  readonly kind = 's3' as const;
  private readonly s3: S3Client;
  private readonly uploadBaseUrl: string | undefined;
  constructor(private readonly bucket: string, client?: S3Client, uploadBaseUrl = process.env.DIAGNOSTICS_UPLOAD_URL || undefined) {
    this.s3 = client ?? s3Client();
    this.uploadBaseUrl = uploadBaseUrl?.replace(/\/+$/, '');
  }
  private key(chargePointId: string, jobId: string) {
    return `diagnostics/${encodeURIComponent(chargePointId)}/${jobId}`;
  }
  async createUploadTarget(chargePointId: string, jobId: string, opts: UploadTargetOptions = {}): Promise<string> {
    if (opts.directory && this.uploadBaseUrl) {
      const token = randomBytes(16).toString('base64url');
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: `${this.key(chargePointId, jobId)}.token`, Body: token, ContentType: 'text/plain' }));
      return `${this.uploadBaseUrl}/${Buffer.from(chargePointId).toString('base64url')}/${jobId}/${token}/`;
    }
    return getSignedUrl(this.s3, new PutObjectCommand({ Bucket: this.bucket, Key: this.key(chargePointId, jobId) }), { expiresIn: Math.min(UPLOAD_URL_TTL_S(), 7 * 86_400) });
  }
  async findUpload(chargePointId: string, jobId: string): Promise<StoredFile | undefined> {
    const key = this.key(chargePointId, jobId);
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, fileName: head.Metadata?.filename || jobId, size: head.ContentLength ?? 0, uploadedAt: (head.LastModified ?? new Date()).toISOString() };
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (e as Error).name === 'NotFound') return undefined;
      throw e;
    }
  }
  async downloadUrl(file: StoredFile, fileName = file.fileName): Promise<{ url: string; expiresAt: string }> {
    const url = await getSignedUrl(this.s3, new GetObjectCommand({
      Bucket: this.bucket,
      Key: file.key,
      ResponseContentDisposition: `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    }), { expiresIn: DOWNLOAD_URL_TTL_S });
    return { url, expiresAt: new Date(Date.now() + DOWNLOAD_URL_TTL_S * 1000).toISOString() };
  }

  /**
   * The upload endpoint (functions/uploads.ts): `PUT|POST /uploads/{chargePointId, base64url}/{jobId}/{token}[/{fileName}]`.
   * Only a job the CSMS issued an endpoint location for, and only with its token; the file replaces
   * any earlier upload of the job (one object per job, named in its metadata).
   */
  async receive(req: UploadRequest): Promise<UploadReply> {
    const [encodedCp = '', jobId = '', token = '', ...rest] = req.path.replace(/^\/+/, '').split('/');
    const chargePointId = Buffer.from(encodedCp, 'base64url').toString('utf8');
    const notFound = { status: 404, body: { error: 'NotFound', message: 'No upload was requested at this location' } };
    if (!chargePointId || !JOB_ID.test(jobId) || !token) return notFound;
    if (req.method !== 'PUT' && req.method !== 'POST') return { status: 405, body: { error: 'MethodNotAllowed', message: 'Use PUT or POST to upload' } };
    const key = this.key(chargePointId, jobId);
    let expected: string;
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: `${key}.token` }));
      expected = (await res.Body!.transformToString()).trim();
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey' || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return notFound;
      throw e;
    }
    if (!sameToken(expected, token)) return notFound;
    const file = uploadedFile(req.method, req.contentType, req.body, rest.filter(Boolean).join('/'));
    if ('error' in file) return { status: 400, body: { error: 'BadRequest', message: file.error } };
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: file.data, Metadata: { filename: file.fileName } }));
    return { status: 201, body: { fileName: file.fileName, size: file.data.length } };
  }
}

export class LocalUploadStorage implements UploadStorage {
  readonly kind = 'local' as const;
  constructor(private readonly dir: string, private readonly baseUrl: string) {}
  async createUploadTarget(_chargePointId: string, jobId: string): Promise<string> {
    // The upload endpoint accepts only issued jobs, and only with the job's token in the path
    // (`{base}/{jobId}/{token}/` + any file name the charge point appends).
    await mkdir(join(this.dir, jobId), { recursive: true });
    const token = randomBytes(16).toString('base64url');
    await writeFile(join(this.dir, jobId, '.token'), token);
    return `${this.baseUrl}/${jobId}/${token}/`;
  }
  async findUpload(_chargePointId: string, jobId: string): Promise<StoredFile | undefined> {
    const folder = join(this.dir, jobId);
    if (!existsSync(folder)) return undefined;
    const name = (await readdir(folder)).find((f) => !f.startsWith('.'));
    if (!name) return undefined;
    const info = await stat(join(folder, name));
    return { key: `${jobId}/${name}`, fileName: name, size: info.size, uploadedAt: info.mtime.toISOString() };
  }
  async downloadUrl(file: StoredFile): Promise<{ url: string }> {
    const [jobId, name] = file.key.split('/');
    const token = (await readFile(join(this.dir, jobId, '.token'), 'utf8').catch(() => '')).trim();
    return { url: `${this.baseUrl}/${jobId}/${token}/${encodeURIComponent(name)}` };
  }
}

/** The storage this deployment has, or undefined (then the operator must give a location). */
export function uploadStorage(): UploadStorage | undefined {
  if (process.env.UPLOADS_DIR && process.env.UPLOADS_BASE_URL) return new LocalUploadStorage(process.env.UPLOADS_DIR, process.env.UPLOADS_BASE_URL);
  if (process.env.DIAGNOSTICS_BUCKET) return new S3UploadStorage(process.env.DIAGNOSTICS_BUCKET);
  return undefined;
}
