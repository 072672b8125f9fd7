import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { RPCClient } from 'ocpp-rpc';
import { Validator } from 'ocpp-rpc/lib/validator';
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

/**
 * ocpp-rpc 2.2's strict mode looks schemas up as `urn:<Action>.req` / `.conf`, but its own 2.1 set
 * (lib/schemas/ocpp2_1.json, the OCA files) names them `urn:<Action>Request` / `Response`: a strict
 * `ocpp2.1` client with the library's validator refuses every call ("Schema … is missing"). The
 * client gets the same official schemas under the ids it looks for, re-keyed in memory (the
 * committed copy stays unmodified); NotifyPeriodicEventStream, a SEND, has no response schema.
 * The Ajv is set up as ocpp-rpc's createValidator does (formats, float-tolerant multipleOf), with
 * strictTypes off: the 2.1 files put additionalProperties on enum types, a console warning each.
 */
let validator21: unknown;
function strictValidator21() {
  const official = require('ocpp-rpc/lib/schemas/ocpp2_1.json') as Array<{ $id: string }>; // eslint-disable-line @typescript-eslint/no-require-imports
  const rekeyed = official.map((s) => ({ ...s, $id: s.$id.replace(/Request$/, '.req').replace(/Response$/, '.conf').replace(/^urn:NotifyPeriodicEventStream$/, 'urn:NotifyPeriodicEventStream.req') }));
  if (validator21) return validator21;
  const ajv = new Ajv({ strictSchema: false, strictTypes: false });
  addFormats(ajv);
  ajv.addSchema(rekeyed);
  ajv.removeKeyword('multipleOf');
  ajv.addKeyword({ keyword: 'multipleOf', type: 'number', errors: false, metaSchema: { type: 'number' }, compile: (m: number) => (d: number) => Math.abs(Math.round(d / m) - d / m) < 1e-6 });
  return (validator21 = new Validator('ocpp2.1', ajv));
}

export type StrictProtocol = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';
/**
 * The 2.x protocol a 2.0.1 flow test connects with. 2.1 stations go through the same functional
 * blocks, so each `<flow>-201.test.ts` also runs as `<flow>-21.test.ts`, a two-line file that sets
 * this (jest gives every test file its own global) and then loads the 2.0.1 file: one test, both
 * protocols, no copy.
 */
export function protocol2x(): 'ocpp2.0.1' | 'ocpp2.1' {
  return (globalThis as { CSMS_TEST_PROTOCOL_2X?: 'ocpp2.1' }).CSMS_TEST_PROTOCOL_2X ?? 'ocpp2.0.1';
}
/** Runs a 2.0.1 flow test file on `ocpp2.1` (see protocol2x); call it before requiring the file. */
export function runOn21(): void {
  (globalThis as { CSMS_TEST_PROTOCOL_2X?: 'ocpp2.1' }).CSMS_TEST_PROTOCOL_2X = 'ocpp2.1';
}

/** An independent strict charge point: ocpp-rpc validates both directions against the official schemas. */
export async function strictClient(baseUrl: string, identity: string, protocol: StrictProtocol, extra: Record<string, unknown> = {}) {
  const client = new RPCClient(<ConstructorParameters<typeof RPCClient>[0]>{
    endpoint: baseUrl,
    identity,
    protocols: [protocol],
    strictMode: true,
    ...(protocol === 'ocpp2.1' ? { strictModeValidators: [strictValidator21()] } : {}),
    reconnect: false,
    callTimeoutMs: 10_000,
    ...extra,
  });
  await client.connect();
  if (client.protocol !== protocol) throw new Error(`connected with ${client.protocol}, not ${protocol}`);
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
