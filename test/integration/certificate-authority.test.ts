import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';
import { x509 } from '../../shared/security/x509';

/**
 * `GET /api/certificates/ca`: the CSMS CA certificate as an operator fetches it to provision
 * stations. A strict 2.0.1 station that trusts only what the endpoint returned connects over wss
 * (the local TLS server's certificate is issued by that CA), and the CA survives a restart on the
 * same data directory.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'csms-ca-test-'));
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ dataDir, tls: { port: 0 } });
});
afterAll(async () => {
  await csms?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const fetchPem = async (base: string) => {
  const res = await fetch(`${base}/certificates/ca`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('GET /api/certificates/ca', () => {
  it('returns the CA certificate as PEM: a self-signed CA whose key signs certificates only', async () => {
    const res = await fetchPem(csms.apiUrl);
    expect([res.status, res.type]).toEqual([200, 'application/x-pem-file']);
    expect(res.text).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    const ca = new x509.X509Certificate(res.text);
    expect(ca.subject).toBe(ca.issuer);
    expect(await ca.verify({ signatureOnly: true })).toBe(true);
    expect(ca.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
    expect(ca.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(ca.notAfter.getTime()).toBeGreaterThan(Date.now() + 5 * 365 * 86_400_000);
  });

  it('a station that trusts only the returned certificate connects over wss', async () => {
    const { text } = await fetchPem(csms.apiUrl);
    const id = newId('CA');
    const cs = await strictClient(csms.secureChargePointUrl!, id, 'ocpp2.0.1', { wsOpts: { ca: text } });
    expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC-150' } })).status).toBe('Accepted');
    await cs.close();
  });

  it('?format=json gives its details; another format is a 400', async () => {
    const { text } = await fetchPem(csms.apiUrl);
    const ca = new x509.X509Certificate(text);
    const json = await csms.api.get('/certificates/ca?format=json');
    expect(json.status).toBe(200);
    expect(json.body).toEqual({
      pem: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      subject: ca.subject,
      issuer: ca.subject,
      serialNumber: ca.serialNumber,
      notBefore: ca.notBefore.toISOString(),
      notAfter: ca.notAfter.toISOString(),
      sha256: Buffer.from(await ca.getThumbprint('SHA-256')).toString('hex'),
    });
    const bad = await csms.api.get('/certificates/ca?format=der');
    expect([bad.status, bad.body.error, bad.body.message]).toEqual([400, 'BadRequest', expect.stringContaining('format must be pem or json')]);
  });

  it('404 with a message when the deployment has no CA configured', async () => {
    const saved = { file: process.env.CSMS_CA_CERT_FILE, pem: process.env.CSMS_CA_CERT_PEM };
    delete process.env.CSMS_CA_CERT_FILE;
    delete process.env.CSMS_CA_CERT_PEM;
    try {
      const res = await csms.api.get('/certificates/ca');
      expect([res.status, res.body.error, res.body.message]).toEqual([404, 'NoCertificateAuthority', expect.stringContaining('no CSMS certificate authority')]);
    } finally {
      if (saved.file !== undefined) process.env.CSMS_CA_CERT_FILE = saved.file;
      if (saved.pem !== undefined) process.env.CSMS_CA_CERT_PEM = saved.pem;
    }
  });

  it('is the same CA after a restart on the same data directory', async () => {
    const before = (await fetchPem(csms.apiUrl)).text;
    await csms.close();
    csms = await bootCsms({ dataDir, tls: { port: 0 } });
    expect((await fetchPem(csms.apiUrl)).text).toBe(before);
  });
});
