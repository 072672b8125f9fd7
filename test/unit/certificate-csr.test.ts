import { checkCsr } from '../../shared/certificates/csr';
import { nameOf } from '../../shared/security/ca';
import type { Dn } from '../../shared/security/dn';
import { EC_P256, ECDSA_SHA256, subtle, x509, type CryptoKeyPair } from '../../shared/security/x509';

/** CSR checks on real PKCS#10 requests made with @peculiar/x509, as a station would send them. */
const ORG = 'Test Charging Ltd';
const ec = (namedCurve = 'P-256') => subtle.generateKey({ name: 'ECDSA', namedCurve }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;
const rsa = (modulusLength: number) => subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['sign', 'verify']) as Promise<CryptoKeyPair>;

async function csr(subject: Dn, keys?: CryptoKeyPair, signingAlgorithm: { name: string; hash?: string } = ECDSA_SHA256): Promise<string> {
  const k = keys ?? await ec();
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: nameOf(subject), keys: k, signingAlgorithm });
  return req.toString('pem');
}

describe('checkCsr', () => {
  it('accepts CN = identity, O = organization, EC P-256 (PEM and base64 DER)', async () => {
    const pem = await csr([['CN', 'CP001'], ['O', ORG]]);
    const ok = await checkCsr(pem, 'CP001', ORG);
    expect(ok).toMatchObject({ ok: true, keyKind: 'EC P-256' });
    const der = x509.PemConverter.decodeFirst(pem);
    expect(await checkCsr(Buffer.from(der).toString('base64'), 'CP001', ORG)).toMatchObject({ ok: true });
  });

  it('accepts RSA 2048 and P-384; refuses RSA 1024 as a weak key', async () => {
    const rsaSha = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    expect(await checkCsr(await csr([['CN', 'CP002'], ['O', ORG]], await rsa(2048), rsaSha), 'CP002', ORG)).toMatchObject({ ok: true, keyKind: 'RSA 2048 bits' });
    expect(await checkCsr(await csr([['CN', 'CP002'], ['O', ORG]], await ec('P-384'), { name: 'ECDSA', hash: 'SHA-384' }), 'CP002', ORG)).toMatchObject({ ok: true, keyKind: 'EC P-384' });
    expect(await checkCsr(await csr([['CN', 'CP002'], ['O', ORG]], await rsa(1024), rsaSha), 'CP002', ORG)).toMatchObject({ ok: false, reason: 'WeakKey', message: expect.stringContaining('RSA 1024 bits') });
  });

  it('refuses a CSR for another identity, a CN that smuggles another attribute, a second CN, and another O', async () => {
    expect(await checkCsr(await csr([['CN', 'CP-OTHER'], ['O', ORG]]), 'CP003', ORG)).toMatchObject({ ok: false, reason: 'WrongIdentity', message: expect.stringContaining('CP-OTHER') });
    expect(await checkCsr(await csr([['CN', 'CP003,O=Other'], ['O', ORG]]), 'CP003', ORG)).toMatchObject({ ok: false, reason: 'WrongIdentity' });
    expect(await checkCsr(await csr([['CN', 'CP003'], ['CN', 'CP004'], ['O', ORG]]), 'CP003', ORG)).toMatchObject({ ok: false, reason: 'WrongIdentity' });
    expect(await checkCsr(await csr([['CN', 'CP003'], ['O', 'Other Ltd']]), 'CP003', ORG)).toMatchObject({ ok: false, reason: 'WrongOrganization', message: expect.stringContaining('Other Ltd') });
    expect(await checkCsr(await csr([['CN', 'CP003']]), 'CP003', ORG)).toMatchObject({ ok: false, reason: 'WrongOrganization' });
  });

  it('refuses a CSR whose signature does not verify (subject changed after signing)', async () => {
    const good = new x509.Pkcs10CertificateRequest(await csr([['CN', 'CP005'], ['O', ORG]]));
    const raw = Buffer.from(good.rawData);
    // The station's name changed inside the signed part: CP005 → CP006, the signature is the old one.
    const at = raw.indexOf('CP005');
    expect(at).toBeGreaterThan(0);
    raw.write('CP006', at);
    const tampered = x509.PemConverter.encode(raw, 'CERTIFICATE REQUEST');
    expect(new x509.Pkcs10CertificateRequest(tampered).subject).toContain('CN=CP006');
    expect(await checkCsr(tampered, 'CP006', ORG)).toMatchObject({ ok: false, reason: 'BadSignature' });
  });

  it('refuses what is not a CSR', async () => {
    expect(await checkCsr('-----BEGIN CERTIFICATE REQUEST-----', 'CP006', ORG)).toMatchObject({ ok: false, reason: 'Unreadable' });
    expect(await checkCsr('not a csr at all!', 'CP006', ORG)).toMatchObject({ ok: false, reason: 'Unreadable' });
    const keys = await subtle.generateKey(EC_P256, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=CP006', keys, signingAlgorithm: ECDSA_SHA256 });
    expect(await checkCsr(cert.toString('pem'), 'CP006', ORG)).toMatchObject({ ok: false, reason: 'Unreadable' });
  });
});
