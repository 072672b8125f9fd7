import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the S3 object operations the CSMS issues (PutObject, GetObject,
 * HeadObject; path-style `/{bucket}/{key}`), so that tests run the real S3 client against a local
 * endpoint. Objects live in memory with their content type and `x-amz-meta-*` metadata; a missing
 * key answers 404 NoSuchKey as S3 does. Signatures are not checked.
 */
export interface StoredObject {
  body: Buffer;
  contentType?: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

export async function startS3StandIn(): Promise<{ endpoint: string; objects: Map<string, StoredObject>; close: () => Promise<void> }> {
  const objects = new Map<string, StoredObject>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const key = decodeURIComponent(url.pathname.slice(1)); // "bucket/key"
      if (req.method === 'PUT') {
        const metadata: Record<string, string> = {};
        for (const [h, v] of Object.entries(req.headers)) if (h.startsWith('x-amz-meta-')) metadata[h.slice('x-amz-meta-'.length)] = String(v);
        objects.set(key, { body: Buffer.concat(chunks), contentType: req.headers['content-type'], metadata, lastModified: new Date() });
        res.writeHead(200, { etag: '"stand-in"' });
        return res.end();
      }
      const o = objects.get(key);
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (!o) {
          res.writeHead(404, { 'content-type': 'application/xml' });
          return res.end(req.method === 'HEAD' ? undefined : '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
        }
        res.writeHead(200, {
          'content-length': o.body.length,
          'content-type': o.contentType ?? 'binary/octet-stream',
          'last-modified': o.lastModified.toUTCString(),
          ...Object.fromEntries(Object.entries(o.metadata).map(([k, v]) => [`x-amz-meta-${k}`, v])),
        });
        return res.end(req.method === 'HEAD' ? undefined : o.body);
      }
      res.writeHead(405);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, objects, close: () => new Promise((r) => server.close(() => r())) };
}
