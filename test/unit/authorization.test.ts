import type { Authorization } from '../../shared/authorization/authorize';
import { fromIdTag16, fromIdToken201, groupKeyOf, parseTokenName, tokenKey, tokenName } from '../../shared/authorization/tokens';
import { idTagInfo16, idTokenInfo201 } from '../../shared/authorization/wire';

const anAuthorization = (over: Partial<Authorization> = {}): Authorization => ({
  status: 'Accepted', token: { value: 'ABC', type: 'ISO14443' }, key: 'ABC', groupKey: 'ABC', ...over,
});

describe('id token keying', () => {
  it('a 1.6 idTag and a 2.0.1 ISO14443 token of the same value are one identity, whatever the case', () => {
    expect(tokenKey(fromIdTag16('04a2b3c4'))).toBe('04A2B3C4');
    expect(tokenKey(fromIdToken201({ idToken: '04A2B3C4', type: 'ISO14443' }))).toBe('04A2B3C4');
  });

  it('other 2.0.1 kinds are keyed Type:VALUE so equal values of different kinds never collide', () => {
    expect(tokenKey(fromIdToken201({ idToken: 'nl-tnm-1', type: 'eMAID' }))).toBe('eMAID:NL-TNM-1');
    expect(tokenKey(fromIdToken201({ idToken: '1234', type: 'KeyCode' }))).not.toBe(tokenKey(fromIdTag16('1234')));
  });

  it('operator names round-trip; only real IdTokenEnumType names count as a prefix', () => {
    expect(parseTokenName('eMAID:NL-1')).toEqual({ type: 'eMAID', value: 'NL-1' });
    expect(parseTokenName('Central:a:b')).toEqual({ type: 'Central', value: 'a:b' });
    expect(parseTokenName('Foo:bar')).toEqual({ type: 'ISO14443', value: 'Foo:bar' });
    expect(parseTokenName(':x')).toEqual({ type: 'ISO14443', value: ':x' });
    for (const name of ['ABC', 'Local:xyz', 'MacAddress:00:11:22']) expect(tokenName(parseTokenName(name))).toBe(name);
  });

  it('the group is the parent (1.6 §3.10), or the tag itself', () => {
    expect(groupKeyOf('ABC', 'family-1')).toBe('FAMILY-1');
    expect(groupKeyOf('ABC', 'Central:acct')).toBe('Central:ACCT');
    expect(groupKeyOf('ABC')).toBe('ABC');
  });
});

describe('the verdict on the wire', () => {
  it('1.6: Unknown is Invalid (1.6 has no Unknown); the cache validity is the expiryDate; a parent over 20 characters is left out', () => {
    expect(idTagInfo16(anAuthorization({ status: 'Unknown' }))).toEqual({ status: 'Invalid', expiryDate: undefined, parentIdTag: undefined });
    expect(idTagInfo16(anAuthorization({ validUntil: '2030-01-01T00:00:00.000Z', parentIdTag: 'FLEET' })))
      .toEqual({ status: 'Accepted', expiryDate: '2030-01-01T00:00:00.000Z', parentIdTag: 'FLEET' });
    expect(idTagInfo16(anAuthorization({ parentIdTag: 'x'.repeat(21) })).parentIdTag).toBeUndefined();
    expect(idTagInfo16(anAuthorization({ status: 'ConcurrentTx' })).status).toBe('ConcurrentTx');
  });

  it('2.0.1: Unknown stays Unknown; the group becomes groupIdToken of its kind; cacheExpiryDateTime from the validity', () => {
    expect(idTokenInfo201(anAuthorization({ status: 'Unknown' })).status).toBe('Unknown');
    expect(idTokenInfo201(anAuthorization({ parentIdTag: 'Central:FLEET', validUntil: '2030-01-01T00:00:00.000Z' })))
      .toEqual({ status: 'Accepted', cacheExpiryDateTime: '2030-01-01T00:00:00.000Z', groupIdToken: { idToken: 'FLEET', type: 'Central' } });
    expect(idTokenInfo201(anAuthorization({ parentIdTag: 'ACCOUNT' })).groupIdToken).toEqual({ idToken: 'ACCOUNT', type: 'ISO14443' });
  });
});
