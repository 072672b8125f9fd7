/**
 * The server under load, in a process of its own (forked by load.ts with --expose-gc):
 *   `csms` — the local runtime exactly as `npm start` runs it (gateway emulator, route Lambdas,
 *            embedded DynamoDB in its own child process, message log on by default);
 *   `bare` — an ocpp-rpc RPCServer in strict mode (schema validation both ways, like ours)
 *            answering Heartbeat and StatusNotification from memory: no persistence at all.
 * IPC: {type:'mem'} → heap/RSS after GC and the connection count; {type:'env'} sets a variable
 * (the CSMS reads its configuration on each call); {type:'exit'} closes and exits.
 */
import type { AddressInfo } from 'node:net';

async function main() {
  const kind = process.argv[2];
  let url: string;
  let connections: () => number;
  let close: () => Promise<void>;
  if (kind === 'csms') {
    const { startLocal } = await import('../../infra/local/runtime');
    const csms = await startLocal({ port: 0 });
    url = csms.chargePointUrl;
    connections = () => csms.gateway.connectionCount;
    close = csms.close;
  } else if (kind === 'bare') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { RPCServer } = require('ocpp-rpc');
    const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true });
    let count = 0;
    server.on('client', (client: { handle: (m: string, f: () => unknown) => void; once: (e: string, f: () => void) => void }) => {
      count++;
      client.once('close', () => count--);
      client.handle('Heartbeat', () => ({ currentTime: new Date().toISOString() }));
      client.handle('StatusNotification', () => ({}));
    });
    const http = await server.listen(0, '127.0.0.1');
    url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    connections = () => count;
    close = () => server.close({ force: true, awaitPending: false });
  } else {
    throw new Error(`unknown server kind ${kind}`);
  }
  process.send?.({ type: 'ready', url, pid: process.pid });

  process.on('message', async (m: { type: string; name?: string; value?: string }) => {
    try {
      if (m.type === 'mem') {
        const gc = (globalThis as { gc?: () => void }).gc;
        for (let i = 0; i < 3; i++) {
          gc?.();
          await new Promise((r) => setTimeout(r, 20));
        }
        process.send?.({ type: 'mem', ...process.memoryUsage(), connections: connections(), gc: !!gc });
      } else if (m.type === 'profile') {
        const { profileFor } = await import('./profile');
        const { summary, profile } = await profileFor(Number((m as { ms?: number }).ms ?? 2000));
        const file = (m as { file?: string }).file;
        if (file) (await import('node:fs')).writeFileSync(file, JSON.stringify(profile));
        process.send?.({ type: 'profile', summary });
      } else if (m.type === 'env' && m.name) {
        if (m.value === undefined) delete process.env[m.name];
        else process.env[m.name] = m.value;
        process.send?.({ type: 'env' });
      } else if (m.type === 'exit') {
        await Promise.race([close(), new Promise((r) => setTimeout(r, 5000))]);
        process.exit(0);
      }
    } catch (e) {
      process.send?.({ type: 'error', message: String((e as Error)?.stack ?? e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((e) => {
  process.send?.({ type: 'error', message: String(e?.stack ?? e) });
  process.exit(1);
});
