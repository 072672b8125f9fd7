import { bootCsms, eventually } from '../support/local';
import { newId, rawClient, strictClient, type StrictProtocol } from '../support/clients';
import { nameOf, organization } from '../../shared/security/ca';
import type { Dn } from '../../shared/security/dn';
import { EC_P256, ECDSA_SHA256, subtle, x509, type CryptoKeyPair } from '../../shared/security/x509';

/**
 * SignCertificate (2.0.1 A02/A03, 1.6 security whitepaper) from strict stations with real PKCS#10
 * requests: a CSR for the station's own identity and the configured organization is Accepted; one
 * for another identity, another O, or a V2G certificate is Rejected (never a CALLERROR) and recorded
 * as a certificate-signing event; a CSR that is not one is Rejected too; a schema violation stays a
 * CALLERROR.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms?.close();
});

async function csr(subject: Dn): Promise<string> {
  const keys = (await subtle.generateKey(EC_P256, false, ['sign', 'verify'])) as CryptoKeyPair;
  return (await x509.Pkcs10CertificateRequestGenerator.create({ name: nameOf(subject), keys, signingAlgorithm: ECDSA_SHA256 })).toString('pem');
}

async function station(protocol: StrictProtocol) {
  const id = newId('SIGN');
  const cs = await strictClient(csms.chargePointUrl, id, protocol);
  const boot = protocol === 'ocpp1.6'
    ? await cs.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' })
    : await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } });
  expect(boot.status).toBe('Accepted');
  return { id, cs };
}

const signingEvents = async (id: string) => (await csms.api.get(`/charge-points/${id}/events?kind=certificate-signing`)).body.items as Array<Record<string, unknown>>;

describe.each(['ocpp2.0.1', 'ocpp1.6'] as const)('SignCertificate over %s', (protocol) => {
  it('accepts a CSR for the station itself; rejects one for another identity or organization and records why', async () => {
    const { id, cs } = await station(protocol);
    const extra = protocol === 'ocpp1.6' ? {} : { certificateType: 'ChargingStationCertificate' };
    const signed: Array<{ certificateChain: string; certificateType?: string }> = [];
    let answeredAt = 0;
    cs.handle('CertificateSigned', async ({ params }) => {
      signed.push({ ...params, receivedAfterAnswer: answeredAt > 0 } as never);
      return { status: 'Accepted' };
    });
    // The rejected ones first: had any of them started the issuing, its CertificateSigned would come before the accepted one's.
    expect(await cs.call('SignCertificate', { csr: await csr([['CN', `${id}-OTHER`], ['O', organization()]]), ...extra })).toEqual({ status: 'Rejected' });
    expect(await cs.call('SignCertificate', { csr: await csr([['CN', id], ['O', 'Someone Else Ltd']]), ...extra })).toEqual({ status: 'Rejected' });
    expect(await cs.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----\nnot a request\n-----END CERTIFICATE REQUEST-----', ...extra })).toEqual({ status: 'Rejected' });
    expect(await cs.call('SignCertificate', { csr: await csr([['CN', id], ['O', organization()]]), ...extra })).toEqual({ status: 'Accepted' });
    answeredAt = Date.now();
    // CertificateSigned follows the answer: the leaf verifies with the CA the operator API publishes, CN = the station.
    const [call] = await eventually(async () => (signed.length ? signed : undefined), 10_000);
    expect(call).toMatchObject({ receivedAfterAnswer: true, ...(protocol === 'ocpp1.6' ? {} : { certificateType: 'ChargingStationCertificate' }) });
    const caPem = await (await fetch(`${csms.apiUrl}/certificates/ca`)).text();
    const ca = new x509.X509Certificate(caPem);
    const [leaf, chainCa] = x509.PemConverter.decode(call.certificateChain).map((der) => new x509.X509Certificate(der));
    expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true })).toBe(true);
    expect(chainCa.serialNumber).toBe(ca.serialNumber);
    expect(leaf.subject).toBe(`CN=${id}, O=${organization()}`);
    const issued = await eventually(async () => {
      const body = (await csms.api.get(`/charge-points/${id}/certificates`)).body;
      return body.issued?.length ? body.issued : undefined;
    });
    expect(issued).toEqual([{ serialNumber: leaf.serialNumber, subject: leaf.subject, notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString(), certificateType: 'ChargingStationCertificate', status: 'Accepted', issuedAt: expect.any(String) }]);
    const events = await eventually(async () => {
      const items = await signingEvents(id);
      return items.length === 4 ? items : undefined;
    });
    expect([...events].sort((a, b) => String(a.reason ?? '').localeCompare(String(b.reason ?? '')))).toEqual([
      expect.objectContaining({ status: 'Accepted', subject: `CN=${id}, O=${organization()}`, keyKind: 'EC P-256' }),
      expect.objectContaining({ status: 'Rejected', reason: 'Unreadable' }),
      expect.objectContaining({ status: 'Rejected', reason: 'WrongIdentity', securityEvent: true, message: expect.stringContaining(`${id}-OTHER`) }),
      expect.objectContaining({ status: 'Rejected', reason: 'WrongOrganization', securityEvent: false }),
    ]);
    // The rejected CSRs got no certificate: one CertificateSigned and one issued entry.
    expect(signed).toHaveLength(1);
    expect((await csms.api.get(`/charge-points/${id}/certificates`)).body.issued).toHaveLength(1);
    await cs.close();
  });
});

it('rejects a V2G certificate request (the CSMS CA signs station certificates only); a schema violation is a CALLERROR', async () => {
  const { id, cs } = await station('ocpp2.0.1');
  expect(await cs.call('SignCertificate', { csr: await csr([['CN', id], ['O', organization()]]), certificateType: 'V2GCertificate' })).toEqual({ status: 'Rejected' });
  await cs.close();
  // The strict client refuses to send a bad payload; a raw station shows the CSMS's answer to one.
  const raw = await rawClient(`${csms.chargePointUrl}/${newId('SIGNRAW')}`, 'ocpp2.0.1');
  expect(await raw.exchange([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } }])).toEqual([3, 'b1', expect.objectContaining({ status: 'Accepted' })]);
  expect(await raw.exchange([2, 's1', 'SignCertificate', { certificateType: 'ChargingStationCertificate' }])).toEqual([4, 's1', expect.stringMatching(/Violation$/), expect.any(String), expect.anything()]);
  raw.ws.close();
});
