import { main as cli } from '../../infra/cli';
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

// The operator CLI against the real local runtime, as `npm run cli -- …` runs it.
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

async function run(...args: string[]) {
  let out = '';
  let err = '';
  const code = await cli([...args, '--api', csms.apiUrl], { out: (t) => void (out += t), err: (t) => void (err += t), tty: false });
  return { code, out, err };
}

describe('npm run cli', () => {
  it('registers a charge point, lists and shows it, calls it, and follows its sessions', async () => {
    const id = newId();
    expect(await run('register', id, '--password', 'cli-password-1', '--status', 'Accepted')).toMatchObject({ code: 0, out: `${id}: Accepted, password set\n` });
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6', { password: 'cli-password-1' });
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
    expect((await run('charge-points')).out).toMatch(new RegExp(`${id} +connected +ocpp1.6 +Accepted +Acme AC-22`));
    expect(JSON.parse((await run('charge-point', id)).out)).toMatchObject({ chargePointId: id, connected: true });

    cp.handle('GetConfiguration', () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    const call = await run('call', id, 'GetConfiguration', '{"key":["HeartbeatInterval"]}');
    expect(call.code).toBe(0);
    expect(JSON.parse(call.out)).toEqual({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] });
    const invalid = await run('call', id, 'Reset', '{"type":"Sideways"}');
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/400 InvalidPayload/);

    const tag = `CLI${Date.now()}`;
    expect((await run('id-tag', tag)).out).toBe(`${tag}: Accepted\n`);
    const started = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 100, timestamp: new Date().toISOString() });
    expect(started.idTagInfo.status).toBe('Accepted');
    expect((await run('transactions', '--charge-point', id, '--active')).out).toMatch(new RegExp(`^${started.transactionId} +${id} +connector 1 +${tag} .* active`));
    await cp.close();
  });

  it('says what is wrong: unknown command, missing argument, unreachable API', async () => {
    expect((await run('fly')).code).toBe(2);
    const missing = await run('charge-point');
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/<chargePointId> is required/)]);
    let err = '';
    const code = await cli(['charge-points', '--api', 'http://127.0.0.1:9/api'], { out: () => undefined, err: (t) => void (err += t), tty: false });
    expect([code, err]).toEqual([2, expect.stringMatching(/Cannot reach the CSMS API/)]);
  });
});

describe('npm run cli against the IAM-only cloud API', () => {
  // A stand-in for API Gateway's IAM check: it recomputes the SigV4 signature with the credentials
  // it knows and answers 403 like API Gateway when the Authorization header does not match.
  const credentials = { accessKeyId: 'AKIDEXAMPLECLI', secretAccessKey: 'cli-test-secret-key' };
  let server: import('node:http').Server;
  let base = '';
  const seen: Array<{ authorization?: string; amzDate?: string; verified: boolean }> = [];
  beforeAll(async () => {
    const { createServer } = await import('node:http');
    const { apiSigner } = await import('../../infra/cli');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
        const amzDate = String(req.headers['x-amz-date'] ?? '');
        const authorization = req.headers.authorization;
        const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/execute-api\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization ?? '');
        let verified = false;
        if (m && m[1] === credentials.accessKeyId) {
          const signedNames = m[4].split(';');
          const headers = Object.fromEntries(signedNames.map((h) => [h, String(req.headers[h] ?? '')]));
          const query = Object.fromEntries(url.searchParams);
          const date = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
          const again = await apiSigner(m[3], async () => credentials).sign(
            { method: req.method!, protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers, body: chunks.length ? Buffer.concat(chunks).toString() : undefined },
            { signingDate: date },
          );
          verified = again.headers.authorization === authorization;
        }
        seen.push({ authorization, amzDate, verified });
        res.writeHead(verified ? 200 : 403, { 'content-type': 'application/json' });
        res.end(JSON.stringify(verified ? { items: [] } : { message: 'The request signature we calculated does not match the signature you provided.' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/api`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const runAt = async (env: Record<string, string | undefined>, ...args: string[]) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    let out = '';
    let err = '';
    try {
      const code = await cli(args, { out: (t) => void (out += t), err: (t) => void (err += t), tty: false });
      return { code, out, err };
    } finally {
      process.env = saved;
    }
  };

  it('signs with the default credential chain (here: the environment) and the API accepts the signature', async () => {
    const env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined };
    const r = await runAt(env, 'charge-points', '--api', base, '--sigv4', '--region', 'eu-west-1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(seen.at(-1)).toMatchObject({ verified: true, authorization: expect.stringMatching(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLECLI\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=.*host.*x-amz-date/) });
  });

  it('a wrong secret is refused by the API, and plain local URLs are not signed', async () => {
    const wrong = await runAt({ AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: 'not-the-secret', AWS_PROFILE: undefined }, 'charge-points', '--api', base, '--sigv4', '--region', 'eu-west-1');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/403/);
    const plain = await runAt({}, 'charge-points', '--api', base);
    expect(plain.code).toBe(2);
    expect(seen.at(-1)!.authorization).toBeUndefined();
  });

  it('sends CSMS_API_TOKEN as a bearer token to a plain URL, and never with a signed request', async () => {
    await runAt({ CSMS_API_TOKEN: 'tok-123' }, 'charge-points', '--api', base);
    expect(seen.at(-1)!.authorization).toBe('Bearer tok-123');
    const env = { CSMS_API_TOKEN: 'tok-123', AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined };
    const signed = await runAt(env, 'charge-points', '--api', base, '--sigv4', '--region', 'eu-west-1');
    expect(signed.code).toBe(0);
    expect(seen.at(-1)!.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
  });

  it('recognises execute-api URLs and their region', async () => {
    const { executeApiRegion } = await import('../../infra/cli');
    expect(executeApiRegion('https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/api')).toBe('eu-central-1');
    expect(executeApiRegion('https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn/api')).toBe('cn-north-1');
    expect(executeApiRegion('http://127.0.0.1:8080/api')).toBeUndefined();
  });
});
