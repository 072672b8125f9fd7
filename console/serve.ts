import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The built console (console/build.ts) and the types of its files: nothing else is served. */
const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.js.map': 'application/json',
  'style.css': 'text/css; charset=utf-8',
  'uPlot.min.css': 'text/css; charset=utf-8',
};

/**
 * Everything comes from this origin (no external assets); scripts only from files, so an injected
 * string can never run. Styles allow 'unsafe-inline' because uPlot positions its parts with style
 * attributes.
 */
export const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Serves the operator console at `/` (GET/HEAD of its files; the API stays under /api). Returns
 * false for any other request, which the caller answers. A console that was not built answers 503
 * with the command that builds it.
 */
export function serveConsole(req: IncomingMessage, res: ServerResponse, dir = join(__dirname, 'dist')): boolean {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return false;
  const path = (req.url ?? '/').split('?')[0];
  const name = path === '/' ? 'index.html' : path.slice(1);
  const type = FILES[name];
  if (!type) return false;
  readFile(join(dir, name)).then(
    (body) => {
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        ...(name === 'index.html' ? { 'content-security-policy': CONSOLE_CSP, 'x-frame-options': 'DENY' } : {}),
      });
      res.end(method === 'HEAD' ? undefined : body);
    },
    (e: NodeJS.ErrnoException) => {
      const missing = e.code === 'ENOENT';
      res.writeHead(missing ? 503 : 500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(missing
        ? { error: 'ConsoleNotBuilt', message: 'The console is not built: run `npm run build:console` (npm install and npm start do it)' }
        : { error: 'InternalError', message: 'The console file could not be read' }));
    },
  );
  return true;
}
