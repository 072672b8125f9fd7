import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

/**
 * The CSMS's view of what a station has installed (2.0.1 M03–M05; 1.6 security whitepaper), kept
 * from the answers to the operator's GetInstalledCertificateIds / InstallCertificate /
 * DeleteCertificate and shown by `GET /api/charge-points/{id}/certificates`. The strict station
 * keeps a real certificate store and names its certificates as a station does — by the OCSP CertID
 * that `openssl ocsp` computes (upper-case hex) — so the hash data the CSMS computes for a
 * certificate it installs must match what the station reports and deletes by.
 */
const dir = mkdtempSync(join(tmpdir(), 'csms-installed-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
interface HashData { hashAlgorithm: string; issuerNameHash: string; issuerKeyHash: string; serialNumber: string }
interface Root { pem: string; hash: HashData; subject: string }

/** A self-signed root made by openssl, and its CertID as openssl computes it. */
function root(name: string, subj: string): Root {
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', subj, '-days', '30');
  const text = openssl('ocsp', '-issuer', `${name}.pem`, '-sha256', '-cert', `${name}.pem`, '-no_nonce', '-req_text', '-reqout', join(dir, `${name}.req`));
  const field = (f: string) => new RegExp(`${f}: ([0-9A-F]+)`).exec(text)![1];
  return {
    pem: readFileSync(join(dir, `${name}.pem`), 'utf8'),
    hash: { hashAlgorithm: 'SHA256', issuerNameHash: field('Issuer Name Hash'), issuerKeyHash: field('Issuer Key Hash'), serialNumber: field('Serial Number') },
    subject: openssl('x509', '-in', `${name}.pem`, '-noout', '-subject', '-nameopt', 'esc_2253,utf8,sep_comma_plus_space,sname').replace(/^subject=/, '').trim(), // RFC 2253 escapes, certificate order
  };
}
/** Hash data as the CSMS writes it: lower-case hex, the serial number without leading zeroes (openssl pads it to whole octets). */
const lower = (h: HashData) => ({ ...h, issuerNameHash: h.issuerNameHash.toLowerCase(), issuerKeyHash: h.issuerKeyHash.toLowerCase(), serialNumber: h.serialNumber.toLowerCase().replace(/^0+(?=.)/, '') });
const sameHash = (a: HashData, b: HashData) => JSON.stringify(lower(a)) === JSON.stringify(lower(b));

let csms: Awaited<ReturnType<typeof bootCsms>>;
let csmsRoot: Root, maker: Root, v2g: Root, mo: Root;
beforeAll(async () => {
  csmsRoot = root('csms', '/CN=Operator CSMS Root/O=Operator');
  maker = root('maker', '/CN=Maker Root/O=Maker GmbH');
  v2g = root('v2g', '/CN=V2G Root/O=V2G, Inc.');
  mo = root('mo', '/CN=Mobility Operator Root');
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A station with a certificate store; `answers` overrides its status per action. */
async function station(protocol: 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1', initial: Array<{ type: string; root: Root }>) {
  const id = newId('CERTS');
  const cs = await strictClient(csms.chargePointUrl, id, protocol);
  const boot = protocol === 'ocpp1.6'
    ? { chargePointVendor: 'Acme', chargePointModel: 'AC-22' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'AC-22' } };
  expect((await cs.call('BootNotification', boot)).status).toBe('Accepted');
  const store = [...initial];
  const answers: Record<string, string | undefined> = {};
  const received: Record<string, unknown[]> = {};
  const note = (action: string, params: unknown) => (received[action] ??= []).push(params);
  cs.handle('GetInstalledCertificateIds', ({ params }) => {
    note('GetInstalledCertificateIds', params);
    const wanted = typeof params.certificateType === 'string' ? [params.certificateType] : params.certificateType;
    const found = store.filter((c) => !wanted?.length || wanted.includes(c.type));
    if (!found.length) return { status: 'NotFound' };
    return protocol === 'ocpp1.6'
      ? { status: 'Accepted', certificateHashData: found.map((c) => c.root.hash) }
      : { status: 'Accepted', certificateHashDataChain: found.map((c) => ({ certificateType: c.type, certificateHashData: c.root.hash })) };
  });
  cs.handle('InstallCertificate', ({ params }) => {
    note('InstallCertificate', params);
    if (answers.InstallCertificate) return { status: answers.InstallCertificate };
    const known = [csmsRoot, maker, v2g, mo].find((r) => r.pem.trim() === params.certificate.trim())!;
    store.push({ type: params.certificateType, root: known });
    return { status: 'Accepted' };
  });
  cs.handle('DeleteCertificate', ({ params }) => {
    note('DeleteCertificate', params);
    if (answers.DeleteCertificate) return { status: answers.DeleteCertificate };
    const at = store.findIndex((c) => sameHash(c.root.hash, params.certificateHashData));
    if (at < 0) return { status: 'NotFound' };
    store.splice(at, 1);
    return { status: 'Accepted' };
  });
  const call = async (action: string, body: Record<string, unknown>) => {
    const res = await csms.api.post(`/charge-points/${id}/calls/${action}`, body);
    expect([action, res.status]).toEqual([action, 200]);
    return res.body.response.status as string;
  };
  return { id, cs, store, answers, received, call };
}

const view = async (id: string) => (await csms.api.get(`/charge-points/${id}/certificates`)).body;
/** Waits until the view has been written after `since` (each answer that changes it writes `updatedAt`). */
const viewAfter = (id: string, since: string | null) => eventually(async () => {
  const v = await view(id);
  return v.updatedAt && v.updatedAt !== since ? v : undefined;
});
/** The view's entries as (type, hash) pairs, hash in lower case, in a stable order. */
const pairs = (v: { installed: Array<{ certificateType: string; hashData?: HashData }> }) =>
  v.installed.map((c) => [c.certificateType, c.hashData ? lower(c.hashData).serialNumber + '/' + lower(c.hashData).issuerKeyHash : 'none']).sort();
const pair = (type: string, r: Root) => [type, `${lower(r.hash).serialNumber}/${lower(r.hash).issuerKeyHash}`];

describe(`installed certificates, ${protocol2x()} station`, () => {
  const P = protocol2x();

  it('GetInstalledCertificateIds, InstallCertificate, DeleteCertificate keep the view; Rejected / Failed answers change nothing', async () => {
    const cp = await station(P, [{ type: 'CSMSRootCertificate', root: csmsRoot }, { type: 'ManufacturerRootCertificate', root: maker }]);
    expect(await view(cp.id)).toEqual({ chargePointId: cp.id, installed: [], updatedAt: null, issued: [] });

    // Everything the station has: as it reports it.
    expect(await cp.call('GetInstalledCertificateIds', {})).toBe('Accepted');
    let v = await viewAfter(cp.id, null);
    expect(pairs(v)).toEqual([pair('CSMSRootCertificate', csmsRoot), pair('ManufacturerRootCertificate', maker)].sort());
    expect(v.installed.find((c: { certificateType: string }) => c.certificateType === 'CSMSRootCertificate')).toEqual({
      certificateType: 'CSMSRootCertificate', hashData: csmsRoot.hash, source: 'GetInstalledCertificateIds', recordedAt: v.updatedAt,
    });

    // Installed by the CSMS: hash data computed from the PEM sent — the same the station names it by.
    expect(await cp.call('InstallCertificate', { certificateType: 'V2GRootCertificate', certificate: v2g.pem })).toBe('Accepted');
    v = await viewAfter(cp.id, v.updatedAt);
    expect(pairs(v)).toEqual([pair('CSMSRootCertificate', csmsRoot), pair('ManufacturerRootCertificate', maker), pair('V2GRootCertificate', v2g)].sort());
    const installed = v.installed.find((c: { certificateType: string }) => c.certificateType === 'V2GRootCertificate');
    expect(installed).toEqual({
      certificateType: 'V2GRootCertificate', hashData: lower(v2g.hash), subject: v2g.subject, notAfter: expect.stringMatching(/^\d{4}-/), source: 'InstallCertificate', recordedAt: v.updatedAt,
    });

    // Asked again for that type: the station's own hash data replaces ours, subject and expiry stay known.
    expect(await cp.call('GetInstalledCertificateIds', { certificateType: ['V2GRootCertificate'] })).toBe('Accepted');
    v = await viewAfter(cp.id, v.updatedAt);
    expect(v.installed.find((c: { certificateType: string }) => c.certificateType === 'V2GRootCertificate')).toEqual({
      ...installed, hashData: v2g.hash, source: 'GetInstalledCertificateIds', recordedAt: v.updatedAt,
    });
    expect(v.installed).toHaveLength(3);

    // Rejected install, Failed delete: nothing changes (the Accepted delete after them is what the view shows).
    cp.answers.InstallCertificate = 'Rejected';
    expect(await cp.call('InstallCertificate', { certificateType: 'MORootCertificate', certificate: mo.pem })).toBe('Rejected');
    cp.answers.DeleteCertificate = 'Failed';
    expect(await cp.call('DeleteCertificate', { certificateHashData: maker.hash })).toBe('Failed');
    delete cp.answers.DeleteCertificate;
    const before = v.updatedAt;
    expect(await cp.call('DeleteCertificate', { certificateHashData: lower(csmsRoot.hash) })).toBe('Accepted');
    v = await viewAfter(cp.id, before);
    expect(pairs(v)).toEqual([pair('ManufacturerRootCertificate', maker), pair('V2GRootCertificate', v2g)].sort());
    expect(cp.store.map((c) => c.type).sort()).toEqual(['ManufacturerRootCertificate', 'V2GRootCertificate']);

    // NotFound for a type: the station has none of it.
    expect(await cp.call('GetInstalledCertificateIds', { certificateType: ['MORootCertificate'] })).toBe('NotFound');
    cp.store.splice(0, cp.store.length); // the station lost its store (e.g. a factory reset)
    expect(await cp.call('GetInstalledCertificateIds', { certificateType: ['ManufacturerRootCertificate'] })).toBe('NotFound');
    v = await eventually(async () => {
      const now = await view(cp.id);
      return now.installed.length === 1 ? now : undefined;
    });
    expect(pairs(v)).toEqual([pair('V2GRootCertificate', v2g)]);
    await cp.cs.close();
  });

  it('an InstallCertificate whose certificate is no X.509 PEM is refused with 400 and not sent; unknown charge point: 404', async () => {
    const cp = await station(P, []);
    const res = await csms.api.post(`/charge-points/${cp.id}/calls/InstallCertificate`, { certificateType: 'CSMSRootCertificate', certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' });
    expect([res.status, res.body.message]).toEqual([400, expect.stringContaining('PEM-encoded X.509 certificate')]);
    expect(cp.received.InstallCertificate).toBeUndefined();
    const unknown = await csms.api.get(`/charge-points/${newId('NOPE')}/certificates`);
    expect([unknown.status, unknown.body.error]).toEqual([404, 'NotFound']);
    await cp.cs.close();
  });
});

if (protocol2x() === 'ocpp2.0.1') {
  describe('installed certificates, 1.6 station (security whitepaper)', () => {
    it('InstallCertificate, GetInstalledCertificateIds for one certificateType, DeleteCertificate; Rejected changes nothing', async () => {
      const cp = await station('ocpp1.6', [{ type: 'ManufacturerRootCertificate', root: maker }]);
      expect(await cp.call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: csmsRoot.pem })).toBe('Accepted');
      let v = await viewAfter(cp.id, null);
      expect(v.installed).toEqual([{
        certificateType: 'CentralSystemRootCertificate', hashData: lower(csmsRoot.hash), subject: csmsRoot.subject, notAfter: expect.any(String), source: 'InstallCertificate', recordedAt: v.updatedAt,
      }]);

      expect(await cp.call('GetInstalledCertificateIds', { certificateType: 'ManufacturerRootCertificate' })).toBe('Accepted');
      v = await viewAfter(cp.id, v.updatedAt);
      expect(pairs(v)).toEqual([pair('CentralSystemRootCertificate', csmsRoot), pair('ManufacturerRootCertificate', maker)]);

      cp.answers.InstallCertificate = 'Rejected';
      expect(await cp.call('InstallCertificate', { certificateType: 'CentralSystemRootCertificate', certificate: v2g.pem })).toBe('Rejected');
      expect(await cp.call('DeleteCertificate', { certificateHashData: maker.hash })).toBe('Accepted');
      v = await viewAfter(cp.id, v.updatedAt);
      expect(pairs(v)).toEqual([pair('CentralSystemRootCertificate', csmsRoot)]);
      expect(cp.received.DeleteCertificate).toEqual([{ certificateHashData: maker.hash }]);
      await cp.cs.close();
    });
  });
}
