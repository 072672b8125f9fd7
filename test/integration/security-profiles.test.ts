import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { bootCsms } from '../support/local';
import { connectStatus, newId, strictClient } from '../support/clients';
import { caFiles, createCa, importPrivateKey, issueCertificate, type CertificateAuthority } from '../../shared/security/ca';
import { EC_P256, subtle, x509 } from '../../shared/security/x509';

/**
 * Security profiles 0-3 enforced at $connect, with the local runtime serving wss:// (`tls`) as
 * CloudFront with viewer mTLS does: strict charge points over plain ws and TLS, Basic auth and
 * client certificates issued by the CSMS CA (infra/local/tls.ts, shared/security/profiles.ts).
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
let ca: CertificateAuthority;
let otherCa: CertificateAuthority;
const ORG = 'Test Charging Ltd';
beforeAll(async () => {
  csms = await bootCsms({ tls: { port: 0 }, env: { CSMS_ORGANIZATION: ORG } });
  const files = caFiles(csms.caDir);
  ca = { certificate: new x509.X509Certificate(readFileSync(files.cert, 'utf8')), signingKey: await importPrivateKey(readFileSync(files.key, 'utf8')) };
  otherCa = (await createCa(ORG)).ca;
});
afterAll(async () => {
  await csms.close();
});

const PASSWORD = 'profile-password-000001';
const basic = (user: string, pw: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` });
const boot201 = { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150' } };

/** A key pair and a certificate for `cn`/`o` from `issuer` (the CSMS CA unless said). */
async function stationCert(cn: string, opts: { o?: string; issuer?: CertificateAuthority; notBefore?: Date; days?: number } = {}) {
  const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const cert = await issueCertificate(opts.issuer ?? ca, { subject: [['CN', cn], ['O', opts.o ?? ORG]], publicKey: keys.publicKey, usage: 'client', notBefore: opts.notBefore, days: opts.days });
  return { cert: cert.toString('pem'), key: x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY') };
}

/** HTTP status of a wss:// upgrade (101 when it opens), trusting the CSMS CA. */
function tlsStatus(id: string, opts: { headers?: Record<string, string>; cert?: string; key?: string } = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${csms.secureChargePointUrl}/${encodeURIComponent(id)}`, 'ocpp2.0.1', { headers: opts.headers, ca: csms.caCertificatePem, cert: opts.cert, key: opts.key });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(-1));
  });
}

async function chargePoint(body: Record<string, unknown>) {
  const id = newId('PROF');
  expect((await csms.api.put(`/charge-points/${id}`, body)).status).toBe(201);
  return id;
}
const profileOf = async (id: string) => (await csms.api.get(`/charge-points/${id}`)).body.securityProfile;

it('serves wss:// with a server certificate issued by the CSMS CA', async () => {
  expect(csms.secureChargePointUrl).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ocpp$/);
  const server = new x509.X509Certificate(readFileSync(`${csms.caDir}/server.pem`, 'utf8'));
  expect(await server.verify({ publicKey: ca.certificate.publicKey })).toBe(true);
  // Without the CSMS CA in its trust store a client refuses the server.
  const untrusting = await new Promise<string>((resolve) => {
    const ws = new WebSocket(`${csms.secureChargePointUrl}/X`, 'ocpp2.0.1');
    ws.once('error', (e) => resolve(String((e as { code?: string }).code)));
    ws.once('open', () => resolve('open'));
  });
  expect(untrusting).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
});

describe('profile 1: Basic auth, ws or wss', () => {
  it('a strict client connects with its password over ws; a wrong or missing one is refused', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 1 });
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1', { password: PASSWORD });
    expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
    await cs.close();
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1', basic(id, 'wrong-password-000001'))).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1')).toBe(401);
    expect(await profileOf(id)).toBe(1);
  });

  it('over wss it works too, and the station is moved up to profile 2: plain ws is refused from then on', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 1 });
    const cs = await strictClient(csms.secureChargePointUrl!, id, 'ocpp2.0.1', { password: PASSWORD, wsOpts: { ca: csms.caCertificatePem } });
    expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
    await cs.close();
    expect(await profileOf(id)).toBe(2);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1', basic(id, PASSWORD))).toBe(403);
  });

  it('a profile needs a password: profile 1 without one is refused', async () => {
    const id = await chargePoint({ securityProfile: 1 });
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1')).toBe(401);
  });
});

describe('profile 2: TLS + Basic auth', () => {
  it('a strict client connects over wss with its password; plain ws (even with the password) and wss without it are refused', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 2 });
    const cs = await strictClient(csms.secureChargePointUrl!, id, 'ocpp1.6', { password: PASSWORD, wsOpts: { ca: csms.caCertificatePem } });
    expect((await cs.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })).status).toBe('Accepted');
    await cs.close();
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp1.6', basic(id, PASSWORD))).toBe(403);
    expect(await tlsStatus(id)).toBe(401);
    expect(await tlsStatus(id, { headers: basic(id, 'wrong-password-000002') })).toBe(401);
    expect(await profileOf(id)).toBe(2);
  });
});

describe('profile 3: TLS + client certificate from the CSMS CA', () => {
  it('a strict client with its own certificate connects, without a password', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 3 });
    const mine = await stationCert(id);
    const cs = await strictClient(csms.secureChargePointUrl!, id, 'ocpp2.0.1', { wsOpts: { ca: csms.caCertificatePem, cert: mine.cert, key: mine.key } });
    expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
    await cs.close();
    // The password alone is not enough, over wss or ws.
    expect(await tlsStatus(id, { headers: basic(id, PASSWORD) })).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1', basic(id, PASSWORD))).toBe(403);
  });

  it('refuses a certificate for another identity, an expired one, one from another CA, and one with another organization', async () => {
    const id = await chargePoint({ securityProfile: 3 });
    const other = await stationCert(newId('OTHER'));
    const expired = await stationCert(id, { notBefore: new Date(Date.now() - 10 * 86_400_000), days: 2 });
    const foreign = await stationCert(id, { issuer: otherCa });
    const wrongOrg = await stationCert(id, { o: 'Someone Else Inc' });
    expect(await tlsStatus(id, other)).toBe(401);
    expect(await tlsStatus(id, expired)).toBe(403);
    expect(await tlsStatus(id, foreign)).toBe(403);
    expect(await tlsStatus(id, wrongOrg)).toBe(401);
    expect(await tlsStatus(id)).toBe(401);
    // The right one still connects.
    expect(await tlsStatus(id, await stationCert(id))).toBe(101);
  });

  it('headers a client sends in the edge\'s names are not believed', async () => {
    const id = await chargePoint({ securityProfile: 3 });
    const forged = {
      'x-csms-client-cert-subject': `CN=${id},O=${ORG}`,
      'x-csms-client-cert-issuer': ca.certificate.subject,
      'cloudfront-viewer-cert-present': '1',
      'cloudfront-viewer-cert-subject': `CN=${id},O=${ORG}`,
      'cloudfront-viewer-cert-issuer': ca.certificate.subject,
      'x-csms-transport': 'tls',
    };
    expect(await tlsStatus(id, { headers: forged })).toBe(401);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1', forged)).toBe(403);
  });

  it('a profile-2 station that connects with its certificate is moved up to 3', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 2 });
    expect(await tlsStatus(id, { headers: basic(id, PASSWORD), ...(await stationCert(id)) })).toBe(101);
    expect(await profileOf(id)).toBe(3);
    expect(await tlsStatus(id, { headers: basic(id, PASSWORD) })).toBe(401);
  });
});

describe('profile 0 and the operator', () => {
  it('profile 0 (local only) needs no credentials; the operator may move a station down', async () => {
    const id = await chargePoint({ password: PASSWORD, securityProfile: 0 });
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1')).toBe(101);
    expect((await csms.api.put(`/charge-points/${id}`, { securityProfile: 2 })).body.securityProfile).toBe(2);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1')).toBe(403);
    expect((await csms.api.put(`/charge-points/${id}`, { securityProfile: 1 })).body.securityProfile).toBe(1);
    expect(await connectStatus(`${csms.chargePointUrl}/${id}`, 'ocpp2.0.1', basic(id, PASSWORD))).toBe(101);
  });

  it('refuses a profile that is not 0-3', async () => {
    const id = newId('PROF');
    for (const bad of [4, -1, 1.5, '2', null]) {
      const res = await csms.api.put(`/charge-points/${id}`, { securityProfile: bad });
      expect([res.status, res.body.message]).toEqual([400, 'securityProfile must be 0, 1, 2 or 3 (docs/security.md)']);
    }
  });
});
