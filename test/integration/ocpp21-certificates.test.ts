/**
 * GetCertificateChainStatus (OCPP 2.1) from a strict ocpp-rpc client on ocpp2.1, through $default
 * (SHARED_ROUTE_ACTIONS): certificates issued by the CSMS CA are Good, any other Unknown, one status
 * per request in order, each valid until a day later; a bad request gets a CALLERROR.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { bootCsms } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';
import { x509 } from '../../shared/security/x509';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

/** The OCSP CertID hashes of certificates issued by `issuerPem`, computed here independently of the CSMS code. */
function hashesOf(issuerPem: string, alg: 'sha256' | 'sha384') {
  const spki = createPublicKey(issuerPem).export({ type: 'spki', format: 'der' });
  const keyBits = spki.subarray(spki.length - 65); // P-256 uncompressed point: the BIT STRING content
  const name = new Uint8Array(new x509.X509Certificate(issuerPem).subjectName.toArrayBuffer());
  return { issuerNameHash: createHash(alg).update(name).digest('hex'), issuerKeyHash: createHash(alg).update(keyBits).digest('hex') };
}

describe('GetCertificateChainStatus', () => {
  it('answers Good for certificates of the CSMS CA and Unknown for others, per request, valid for a day', async () => {
    const id = newId('CCS');
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.1');
    expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })).status).toBe('Accepted');
    const caSerial = new X509Certificate(csms.caCertificatePem).serialNumber;
    const ours = { hashAlgorithm: 'SHA256', ...hashesOf(csms.caCertificatePem, 'sha256'), serialNumber: caSerial };
    const ours384 = { hashAlgorithm: 'SHA384', ...hashesOf(csms.caCertificatePem, 'sha384'), serialNumber: '01' };
    const foreign = { hashAlgorithm: 'SHA256', issuerNameHash: 'ab'.repeat(32), issuerKeyHash: 'cd'.repeat(32), serialNumber: '02' };
    const keyOnly = { ...ours, issuerNameHash: 'ab'.repeat(32), serialNumber: '03' };
    const before = Date.now();
    const answer = await cs.call('GetCertificateChainStatus', {
      certificateStatusRequests: [
        { certificateHashData: ours, source: 'OCSP', urls: ['http://ocsp.example.com'] },
        { certificateHashData: foreign, source: 'CRL', urls: ['http://crl.example.com/ca.crl'] },
        { certificateHashData: { ...ours384, issuerNameHash: ours384.issuerNameHash.toUpperCase() }, source: 'OCSP', urls: ['http://ocsp.example.com'] },
        { certificateHashData: keyOnly, source: 'OCSP', urls: ['http://ocsp.example.com'] },
      ],
    });
    expect(answer.certificateStatus.map((s: { status: string; source: string; certificateHashData: { serialNumber: string } }) => [s.certificateHashData.serialNumber, s.source, s.status])).toEqual([
      [caSerial, 'OCSP', 'Good'],
      ['02', 'CRL', 'Unknown'],
      ['01', 'OCSP', 'Good'],
      ['03', 'OCSP', 'Unknown'],
    ]);
    for (const s of answer.certificateStatus) expect(Date.parse(s.nextUpdate) - before).toBeGreaterThanOrEqual(24 * 3600_000 - 60_000);
    const events = (await csms.api.get(`/charge-points/${id}/events?kind=certificate-chain-status`)).body.items;
    expect(events.map((e: { statuses: string[] }) => e.statuses)).toEqual([['Good', 'Unknown', 'Good', 'Unknown']]);
    await cs.close();
  });

  it('answers a malformed request with a CALLERROR, not a status', async () => {
    const ws = await rawClient(`${csms.chargePointUrl}/${newId('CCS')}`, ['ocpp2.1']);
    const boot = await ws.exchange([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    expect([boot[0], boot[2].status]).toEqual([3, 'Accepted']);
    const one = { certificateHashData: { hashAlgorithm: 'SHA256', issuerNameHash: 'a', issuerKeyHash: 'b', serialNumber: 'c' }, source: 'OCSP', urls: ['http://x'] };
    const five = await ws.exchange([2, 'c1', 'GetCertificateChainStatus', { certificateStatusRequests: [one, one, one, one, one] }]);
    expect([five[0], five[1], five[2]]).toEqual([4, 'c1', 'OccurrenceConstraintViolation']);
    const md5 = await ws.exchange([2, 'c2', 'GetCertificateChainStatus', { certificateStatusRequests: [{ ...one, certificateHashData: { ...one.certificateHashData, hashAlgorithm: 'MD5' } }] }]);
    expect([md5[0], md5[1]]).toEqual([4, 'c2']);
    await ws.close();
  });
});
