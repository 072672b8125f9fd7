import { dnSingle, escapeDnValue, formatDn, parseDn, sameDn } from '../../shared/security/dn';
import { certificateProblem } from '../../shared/security/profiles';

describe('distinguished names as CloudFront hands them over (RFC 2253)', () => {
  it('round-trips every printable identity, so a crafted CN never reads as more attributes', () => {
    for (const cn of ['CP-001', 'a,b', 'CP1,O=Other', 'x+y', 'q"uote', 'back\\slash', '<tag>', 'semi;colon', '#lead', ' lead', 'trail ', 'eq=ual']) {
      const text = formatDn([['CN', cn], ['O', 'Org, Inc']]);
      expect(parseDn(text)).toEqual([['CN', cn], ['O', 'Org, Inc']]);
    }
    expect(escapeDnValue('CP1,O=Other')).toBe('CP1\\,O\\=Other');
  });

  it('reads hex escapes, quoted values and multi-valued RDNs; refuses malformed text', () => {
    expect(parseDn('CN=a\\5Cb,O=z')).toEqual([['CN', 'a\\b'], ['O', 'z']]);
    expect(parseDn('CN="a,b",O=z')).toEqual([['CN', 'a,b'], ['O', 'z']]);
    expect(parseDn('CN=a+OU=b, O=c')).toEqual([['CN', 'a'], ['OU', 'b'], ['O', 'c']]);
    expect(parseDn('cn=lower')).toEqual([['CN', 'lower']]);
    for (const bad of ['CN', 'CN=a\\', 'CN=#04024869', '=x', 'CN=a"b']) expect(parseDn(bad)).toBeUndefined();
  });

  it('a CN given twice is no identity; order does not matter for comparison', () => {
    expect(dnSingle(parseDn('CN=a,CN=b,O=c')!, 'CN')).toBeUndefined();
    expect(sameDn(parseDn('CN=x,O=y')!, parseDn('O=y,CN=x')!)).toBe(true);
    expect(sameDn(parseDn('CN=x,O=y')!, parseDn('CN=x,O=y,OU=z')!)).toBe(false);
  });

  it('profile 3 checks: CN = identity, O = organization, issuer = the CSMS CA', () => {
    delete process.env.CSMS_CA_CERT_FILE;
    delete process.env.CSMS_CA_CERT_PEM;
    expect(certificateProblem('CP1', undefined)).toMatch(/requires a client certificate/);
    expect(certificateProblem('CP1', { subject: 'CN=CP2,O=OCPP CSMS', issuer: 'CN=x' })).toMatch(/CN=CP2, not for this charge point/);
    expect(certificateProblem('CP1', { subject: 'CN=CP1\\,O=x,O=OCPP CSMS', issuer: 'CN=x' })).toMatch(/not for this charge point/);
    expect(certificateProblem('CP1', { subject: 'CN=CP1,O=Other', issuer: 'CN=x' })).toMatch(/O must be OCPP CSMS/);
    expect(certificateProblem('CP1', { subject: 'CN=CP1,O=OCPP CSMS', issuer: 'CN=x' })).toMatch(/no CSMS CA is configured/);
  });
});
