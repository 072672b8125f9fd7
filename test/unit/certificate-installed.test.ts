import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFacts, hashKey, type CertificateHashData } from '../../shared/certificates/hash-data';
import { addCertificate, removeCertificate, replaceTypes } from '../../shared/certificates/installed';
import { x509 } from '../../shared/security/x509';
import type { InstalledCertificate } from '../../shared/store/charge-points';

/**
 * The hash data the CSMS computes for a certificate it installs must be what a station computes
 * (an OCSP CertID, RFC 6960): checked against `openssl ocsp -req_text` for real certificates made
 * by the openssl CLI (a self-signed EC root, an RSA root, a sub-CA with a serial that has a leading
 * zero octet). And the list rules of the installed-certificates view.
 */
const dir = mkdtempSync(join(tmpdir(), 'csms-hash-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const file = (name: string) => readFileSync(join(dir, name), 'utf8');

function ocspCertId(issuer: string, cert: string): CertificateHashData {
  const text = openssl('ocsp', '-issuer', issuer, '-sha256', '-cert', cert, '-no_nonce', '-req_text', '-reqout', join(dir, 'req.der'));
  const field = (name: string) => new RegExp(`${name}: ([0-9A-F]+)`).exec(text)![1];
  return { hashAlgorithm: 'SHA256', issuerNameHash: field('Issuer Name Hash'), issuerKeyHash: field('Issuer Key Hash'), serialNumber: field('Serial Number') };
}

beforeAll(() => {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec.key', '-out', 'ec-root.pem', '-subj', '/CN=V2G Root CA/O=Example, Inc./C=DE', '-days', '30');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'rsa.key', '-out', 'rsa-root.pem', '-subj', '/CN=Manufacturer Root', '-days', '30', '-set_serial', '0x0f');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'sub.key', '-out', 'sub.csr', '-subj', '/CN=V2G Sub-CA');
  openssl('x509', '-req', '-in', 'sub.csr', '-CA', 'ec-root.pem', '-CAkey', 'ec.key', '-set_serial', '0x00ab12', '-out', 'sub.pem', '-days', '5');
});

describe('certificateFacts: the hash data of a certificate the CSMS installs', () => {
  it.each(['ec-root.pem', 'rsa-root.pem'])('a self-signed root (%s): as openssl computes its CertID', async (name) => {
    const facts = await certificateFacts(file(name));
    expect(hashKey(facts!.hashData!)).toBe(hashKey(ocspCertId(name, name)));
    expect(facts!.hashData!.issuerNameHash).toMatch(/^[0-9a-f]{64}$/);
    const cert = new x509.X509Certificate(file(name));
    expect(facts).toMatchObject({ subject: cert.subject, notAfter: cert.notAfter.toISOString() });
  });

  it('a sub-CA: its issuer key from the next certificate of the PEM, or from a known issuer; unknown without either', async () => {
    const expected = ocspCertId('ec-root.pem', 'sub.pem');
    const bundled = await certificateFacts(file('sub.pem') + file('ec-root.pem'));
    expect(bundled!.hashData).toEqual({ ...expected, issuerNameHash: expected.issuerNameHash.toLowerCase(), issuerKeyHash: expected.issuerKeyHash.toLowerCase(), serialNumber: 'ab12' });
    const known = await certificateFacts(file('sub.pem'), [new x509.X509Certificate(file('rsa-root.pem')), new x509.X509Certificate(file('ec-root.pem'))]);
    expect(known!.hashData).toEqual(bundled!.hashData);
    const alone = await certificateFacts(file('sub.pem'), [new x509.X509Certificate(file('rsa-root.pem'))]);
    expect(alone).toEqual({ subject: 'CN=V2G Sub-CA', notAfter: expect.any(String) });
  });

  it('no certificate: undefined', async () => {
    expect(await certificateFacts('not a certificate')).toBeUndefined();
    expect(await certificateFacts('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toBeUndefined();
    expect(await certificateFacts(readFileSync(join(dir, 'sub.csr'), 'utf8'))).toBeUndefined();
  });
});

const h = (serialNumber: string, issuerNameHash = 'aa'): CertificateHashData => ({ hashAlgorithm: 'SHA256', issuerNameHash, issuerKeyHash: 'bb', serialNumber });
const entry = (certificateType: string, hashData: CertificateHashData | undefined, more: Partial<InstalledCertificate> = {}): InstalledCertificate =>
  ({ certificateType, ...(hashData ? { hashData } : {}), source: 'GetInstalledCertificateIds', recordedAt: '2026-01-01T00:00:00.000Z', ...more });

describe('the installed-certificates list', () => {
  it('GetInstalledCertificateIds replaces the requested types only, all of them when none was requested, and keeps what we knew of a certificate', () => {
    const list = [entry('CSMSRootCertificate', h('1'), { subject: 'CN=Old', source: 'InstallCertificate' }), entry('V2GRootCertificate', h('2'))];
    const reported = [entry('CSMSRootCertificate', h('01')), entry('CSMSRootCertificate', h('3'))];
    expect(replaceTypes(list, ['CSMSRootCertificate'], reported)).toEqual([
      list[1], { ...reported[0], subject: 'CN=Old' }, reported[1],
    ]);
    expect(replaceTypes(list, ['MORootCertificate'], [])).toEqual(list);
    expect(replaceTypes(list, undefined, reported.slice(1))).toEqual(reported.slice(1));
  });

  it('InstallCertificate adds once per hash data; DeleteCertificate removes by hash data (hex case and leading zeroes aside), also from a chain', () => {
    const a = entry('CSMSRootCertificate', h('0A'), { source: 'InstallCertificate' });
    const list = addCertificate(addCertificate([], a), { ...a, recordedAt: 'later' });
    expect(list).toEqual([{ ...a, recordedAt: 'later' }]);
    const chain = entry('V2GCertificateChain', h('7'), { childHashData: [h('a'), h('b')] });
    expect(removeCertificate([...list, chain], { ...h('a'), issuerNameHash: 'AA' })).toEqual([{ ...chain, childHashData: [h('b')] }]);
    expect(removeCertificate([...list, chain], h('a', 'cc'))).toEqual([...list, chain]);
  });
});
