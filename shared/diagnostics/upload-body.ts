import { basename } from 'node:path';

/**
 * What charge points send to an upload location, understood the same way by the local upload
 * server (infra/local/uploads.ts) and the cloud's upload Lambda (functions/uploads.ts): the file
 * as the body of a PUT or POST, or the first file part of a multipart/form-data POST, with the
 * file name the station appended to the location (OCPP 1.6 §5.9: `location` is a directory).
 */

/** A file name safe on any file system and as S3 metadata; keeps what a charge point reasonably sends. */
export function safeFileName(name: string | undefined, fallback = 'upload.bin'): string {
  const base = basename(decodeURIComponentSafe(name ?? '')).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  return base.slice(0, 200) || fallback;
}
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits a multipart/form-data body; returns the first part with a file name (or the first part). */
export function firstFilePart(body: Buffer, contentType: string): { fileName?: string; data: Buffer } | undefined {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!m) return undefined;
  const delimiter = Buffer.from(`--${(m[1] ?? m[2]).trim()}`);
  const parts: Array<{ fileName?: string; data: Buffer }> = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const fn = /filename\*?=(?:UTF-8'')?"?([^";\r\n]*)"?/i.exec(headers);
      parts.push({ fileName: fn?.[1] || undefined, data: part.subarray(headerEnd + 4) });
    }
    pos = next;
  }
  return parts.find((p) => p.fileName) ?? parts[0];
}

/** The file in an upload request: the body, or the multipart file part; a 400 reason when there is none. */
export function uploadedFile(method: string, contentType: string, body: Buffer, appendedName: string): { fileName: string; data: Buffer } | { error: string } {
  if (method === 'POST' && /^multipart\/form-data/i.test(contentType)) {
    const part = firstFilePart(body, contentType);
    if (!part) return { error: 'No file part in the multipart body' };
    return { fileName: safeFileName(part.fileName ?? appendedName), data: part.data };
  }
  return { fileName: safeFileName(appendedName), data: body };
}
