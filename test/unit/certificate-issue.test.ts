import { checkCsr } from '../../shared/certificates/csr';
import { issueFromCsr } from '../../shared/certificates/sign-certificate';
import { createCa, nameOf } from '../../shared/security/ca';
import { EC_P256, ECDSA_SHA256, subtle, x509, type CryptoKeyPair } from '../../shared/security/x509';

/** The certificate the CSMS CA issues for an accepted CSR, as CertificateSigned will carry it. */
const ORG = 'Test Charging Ltd';

it('issues a leaf for the CSR key with CN/O from it, signed by the CA, for a year, and the chain leaf + CA', async () => {
  const { ca } = await createCa(ORG);
  const keys = (await subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  const pem = (await x509.Pkcs10CertificateRequestGenerator.create({ name: nameOf([['CN', 'CP-9'], ['O', ORG]]), keys, signingAlgorithm: ECDSA_SHA256 })).toString('pem');
  const check = await checkCsr(pem, 'CP-9', ORG);
  if (!check.ok) throw new Error(check.message);
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const { certificate, certificateChain } = await issueFromCsr(ca, check.request, { notBefore, days: 365 });

  expect(certificate.subject).toBe(`CN=CP-9, O=${ORG}`);
  expect(certificate.issuer).toBe(ca.certificate.subject);
  expect(await certificate.verify({ publicKey: ca.certificate.publicKey, signatureOnly: true })).toBe(true);
  expect(Buffer.from(certificate.publicKey.rawData)).toEqual(Buffer.from(check.request.publicKey.rawData));
  expect([certificate.notBefore.toISOString(), certificate.notAfter.toISOString()]).toEqual([notBefore.toISOString(), '2027-01-01T00:00:00.000Z']);
  const usage = certificate.getExtension(x509.KeyUsagesExtension)!;
  expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
  expect(certificate.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
  // The TLS client certificate of security profile 3.
  expect(certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);

  const chain = x509.PemConverter.decode(certificateChain).map((der) => new x509.X509Certificate(der));
  expect(chain.map((c) => c.serialNumber)).toEqual([certificate.serialNumber, ca.certificate.serialNumber]);
  // Serial numbers are random: a second certificate for the same CSR gets another one.
  expect((await issueFromCsr(ca, check.request)).certificate.serialNumber).not.toBe(certificate.serialNumber);
});
