// `npm run verify-deploy -- --url wss://<distribution>/ocpp --api https://<id>.execute-api.<region>.amazonaws.com/api`
// Proves a deployment end to end as a charge point and an operator would: registers a throwaway
// station, connects it over OCPP 1.6 and 2.0.1, sends each kind of frame (CALL of a routed action,
// CALL of an unknown action, a broken frame, a CALLRESULT to an operator call), runs one operator
// call end to end, reports each check, and deletes the station. docs/deploy.md ("Verifying a
// deploy") says what to do with each result. Against the local runtime it is a dry run (tested in
// test/integration/verify-deploy.test.ts).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { Api, apiSigner, executeApiRegion } from './cli';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

interface Station {
  ws: WebSocket;
  protocol: string;
  next: (timeoutMs?: number) => Promise<unknown[]>;
}

async function connect(url: string, id: string, password: string, protocol: string): Promise<Station> {
  const ws = new WebSocket(`${url}/${encodeURIComponent(id)}`, [protocol], { headers: { authorization: `Basic ${Buffer.from(`${id}:${password}`).toString('base64')}` } });
  const inbox: unknown[][] = [];
  const waiters: Array<(m: unknown[]) => void> = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const w = waiters.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
  });
  const next = (timeoutMs = 10_000) => new Promise<unknown[]>((resolve, reject) => {
    if (inbox.length) return resolve(inbox.shift()!);
    const t = setTimeout(() => reject(new Error(`no frame within ${timeoutMs} ms`)), timeoutMs);
    waiters.push((m) => {
      clearTimeout(t);
      resolve(m);
    });
  });
  return { ws, protocol: ws.protocol, next };
}

const BOOT: Record<string, unknown> = {
  'ocpp1.6': { chargePointVendor: 'verify-deploy', chargePointModel: 'check' },
  'ocpp2.0.1': { reason: 'PowerUp', chargingStation: { vendorName: 'verify-deploy', model: 'check' } },
};
const OPERATOR_CALL: Record<string, { action: string; payload: unknown; answer: unknown }> = {
  'ocpp1.6': { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] }, answer: { configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] } },
  'ocpp2.0.1': { action: 'GetVariables', payload: { getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] }, answer: { getVariableResult: [{ attributeStatus: 'Accepted', attributeValue: '300', component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }] } },
};

/** Runs every check; never throws for a failed check (it is reported), only for bad arguments. */
export async function verifyDeploy(opts: { url: string; api: Api; log?: (line: string) => void }): Promise<Check[]> {
  const checks: Check[] = [];
  const record = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    opts.log?.(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`);
  };
  const attempt = async (name: string, fn: () => Promise<string>) => {
    try {
      record(name, true, await fn());
    } catch (e) {
      record(name, false, (e as Error).message);
    }
  };
  // An identity with URL-special characters also proves the edge encoding (docs/deploy.md).
  const id = `VERIFY+${randomBytes(4).toString('hex')}&x`;
  const password = randomBytes(18).toString('base64url');
  const registered = await opts.api.request('PUT', `/charge-points/${encodeURIComponent(id)}`, { password, registrationStatus: 'Accepted' });
  record('register test station (operator API, IAM)', registered.status < 300, `PUT /charge-points/${id} → ${registered.status}`);
  if (registered.status >= 300) return checks;
  try {
    for (const protocol of ['ocpp1.6', 'ocpp2.0.1']) {
      let station: Station | undefined;
      await attempt(`${protocol}: connect`, async () => {
        station = await connect(opts.url, id, password, protocol);
        if (station.protocol !== protocol) throw new Error(`subprotocol answered: "${station.protocol}"`);
        return `subprotocol ${station.protocol}`;
      });
      if (!station) continue;
      const s = station;
      const exchange = async (frame: unknown) => {
        s.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
        return s.next();
      };
      await attempt(`${protocol}: routed CALL (BootNotification)`, async () => {
        const answer = await exchange([2, 'v-boot', 'BootNotification', BOOT[protocol]]);
        if (answer[0] !== 3 || (answer[2] as { status?: string })?.status !== 'Accepted') throw new Error(`answer ${JSON.stringify(answer)}`);
        return 'CALLRESULT Accepted';
      });
      await attempt(`${protocol}: routed CALL (Heartbeat)`, async () => {
        const answer = await exchange([2, 'v-hb', 'Heartbeat', {}]);
        if (answer[0] !== 3 || typeof (answer[2] as { currentTime?: string })?.currentTime !== 'string') throw new Error(`answer ${JSON.stringify(answer)}`);
        return 'CALLRESULT with currentTime';
      });
      await attempt(`${protocol}: unknown action ($default)`, async () => {
        const answer = await exchange([2, 'v-unknown', 'NoSuchAction', {}]);
        if (answer[0] !== 4 || answer[2] !== 'NotImplemented') throw new Error(`answer ${JSON.stringify(answer)}`);
        return 'CALLERROR NotImplemented';
      });
      await attempt(`${protocol}: broken frame ($default)`, async () => {
        const answer = await exchange('[2,"v-broken"');
        if (answer[0] !== 4) throw new Error(`answer ${JSON.stringify(answer)}`);
        return `CALLERROR ${answer[2]}`;
      });
      await attempt(`${protocol}: operator call end to end (CALLRESULT on $default)`, async () => {
        const call = OPERATOR_CALL[protocol];
        const pending = opts.api.request('POST', `/charge-points/${encodeURIComponent(id)}/calls/${call.action}`, call.payload);
        const frame = await s.next();
        if (frame[0] !== 2 || frame[2] !== call.action) throw new Error(`the station got ${JSON.stringify(frame)}`);
        s.ws.send(JSON.stringify([3, frame[1], call.answer]));
        const result = await pending;
        if (result.status !== 200) throw new Error(`API answered ${result.status} ${JSON.stringify(result.body)}`);
        return `${call.action} → 200`;
      });
      s.ws.close();
    }
  } finally {
    const removed = await opts.api.request('DELETE', `/charge-points/${encodeURIComponent(id)}`);
    record('clean up (delete test station)', removed.status === 204 || removed.status === 404, `DELETE → ${removed.status}`);
  }
  opts.log?.(`Routing: which Lambda answered each CALL is in the WebSocket access log (field routeKey): CloudWatch Logs Insights on the stage's access log group — fields routeKey, status | filter chargePointId = "${id}". routeKey Heartbeat/BootNotification = per-action routes work; $default for them = redeploy with -c routing=dispatcher (docs/deploy.md).`);
  return checks;
}

export async function main(argv: string[], log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' }, api: { type: 'string' }, sigv4: { type: 'boolean' }, region: { type: 'string' } } });
  if (!values.url || !values.api) {
    log('Usage: npm run verify-deploy -- --url wss://<ChargePointUrl without /{chargePointId}> --api <OperatorApiUrl> [--sigv4 --region R]');
    return 2;
  }
  const base = values.api.replace(/\/$/, '');
  const region = values.region ?? executeApiRegion(base) ?? process.env.AWS_REGION;
  const api = new Api(base, values.sigv4 || executeApiRegion(base) ? apiSigner(region!) : undefined);
  const checks = await verifyDeploy({ url: values.url.replace(/\/(\{chargePointId\})?$/, ''), api, log });
  const failed = checks.filter((c) => !c.ok);
  log(failed.length ? `${failed.length} of ${checks.length} checks failed: see docs/deploy.md, "Verifying a deploy"` : `all ${checks.length} checks passed`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
