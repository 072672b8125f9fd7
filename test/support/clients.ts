import { RPCClient } from 'ocpp-rpc';
import WebSocket from 'ws';

let counter = 0;
/** A fresh charge point identity per test, so tests never share state. */
export const newId = (prefix = 'CP') => `${prefix}-${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 6)}`;

/** Tests read answers field by field and answer calls with plain objects; the strict client schema-checks both. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export type StrictClient = Omit<RPCClient, 'call' | 'handle'> & {
  call: (method: string, params?: unknown) => Promise<any>;
  handle: ((method: string, handler: (req: { params: any; method: string }) => any) => void) & ((handler: (req: { params: any; method: string }) => any) => void);
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** An independent strict charge point: ocpp-rpc validates both directions against the official schemas. */
export async function strictClient(baseUrl: string, identity: string, protocol: 'ocpp1.6' | 'ocpp2.0.1', extra: Record<string, unknown> = {}) {
  const client = new RPCClient(<ConstructorParameters<typeof RPCClient>[0]>{
    endpoint: baseUrl,
    identity,
    protocols: [protocol],
    strictMode: true,
    reconnect: false,
    callTimeoutMs: 10_000,
    ...extra,
  });
  await client.connect();
  return client as unknown as StrictClient;
}

/** A raw socket for what no strict client would send (broken frames, OCPP 2.0 shapes). */
export async function rawClient(url: string, protocols: string | string[] = 'ocpp1.6', headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, protocols, { headers });
  const inbox: unknown[] = [];
  const waiters: Array<(m: unknown) => void> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
  const next = (timeoutMs = 5000) =>
    new Promise<any>((resolve, reject) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      if (inbox.length) return resolve(inbox.shift());
      const t = setTimeout(() => reject(new Error('no message in time')), timeoutMs);
      waiters.push((m) => {
        clearTimeout(t);
        resolve(m);
      });
    });
  return {
    ws,
    send: (frame: unknown) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next,
    /** Sends and waits for the next frame. */
    exchange: async (frame: unknown) => {
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return next();
    },
    close: () => new Promise<void>((r) => { if (ws.readyState === ws.CLOSED) return r(); ws.once('close', () => r()); ws.close(); }),
  };
}

/** Connect attempt that reports the HTTP status of a refused upgrade. */
export function connectStatus(url: string, protocols: string | string[], headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}
