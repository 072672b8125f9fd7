import type { Authorization } from '../../shared/authorization/authorize';
import { fromIdTag16, fromIdToken201, groupKeyOf, parseTokenName, tokenKey, tokenName } from '../../shared/authorization/tokens';
import { idTagInfo16, idTokenInfo201 } from '../../shared/authorization/wire';
import { appliesTo, cardTokenTypes, lookupKeys, pickRegistration, registrationAnswers } from '../../shared/authorization/matching';
import { entriesFor } from '../../shared/local-list/build';
import type { IdTagRecord } from '../../shared/store/id-tags';

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

describe('one card registration for 1.6 and 2.0.x (which token types a registration answers)', () => {
  const rec = (name: string, typed = false): IdTagRecord => {
    const t = parseTokenName(name);
    return { idTag: tokenKey(t), idToken: t.value, type: t.type, ...(typed ? { typed: true } : {}), status: 'Accepted', createdAt: '', updatedAt: '' };
  };
  const CARDS = cardTokenTypes(undefined);

  it('an untyped registration answers the 1.6 idTag and the card-like 2.0.x types ISO14443, ISO15693 and Local, whatever the case', () => {
    const card = rec('SAPTAG09');
    expect(registrationAnswers(card, fromIdTag16('saptag09'), CARDS)).toBe(true);
    for (const type of ['ISO14443', 'ISO15693', 'Local']) expect(registrationAnswers(card, fromIdToken201({ idToken: 'SAPTAG09', type }), CARDS)).toBe(true);
  });

  it('never Central, eMAID, KeyCode or MacAddress by accident: those need a registration of their own type', () => {
    const card = rec('SAPTAG09');
    for (const type of ['Central', 'eMAID', 'KeyCode', 'MacAddress']) {
      expect(registrationAnswers(card, fromIdToken201({ idToken: 'SAPTAG09', type }), CARDS)).toBe(false);
      expect(lookupKeys(fromIdToken201({ idToken: 'saptag09', type }), CARDS)).toEqual([`${type}:SAPTAG09`]);
    }
  });

  it('a typed registration answers only its own type (ISO14443:X also the 1.6 idTag X: 1.6 idTags are the ISO14443 kind)', () => {
    const local = rec('Local:X1');
    expect(registrationAnswers(local, fromIdToken201({ idToken: 'x1', type: 'Local' }), CARDS)).toBe(true);
    expect(registrationAnswers(local, fromIdToken201({ idToken: 'X1', type: 'ISO14443' }), CARDS)).toBe(false);
    expect(registrationAnswers(local, fromIdTag16('X1'), CARDS)).toBe(false);
    const iso = rec('ISO14443:X2', true);
    expect(registrationAnswers(iso, fromIdTag16('X2'), CARDS)).toBe(true);
    expect(registrationAnswers(iso, fromIdToken201({ idToken: 'X2', type: 'ISO14443' }), CARDS)).toBe(true);
    expect(registrationAnswers(iso, fromIdToken201({ idToken: 'X2', type: 'Local' }), CARDS)).toBe(false);
  });

  it('reads the typed key first, then the untyped one (one BatchGet); a typed registration of the same value wins', () => {
    expect(lookupKeys(fromIdToken201({ idToken: 'x', type: 'Local' }), CARDS)).toEqual(['Local:X', 'X']);
    expect(lookupKeys(fromIdToken201({ idToken: 'x', type: 'ISO15693' }), CARDS)).toEqual(['ISO15693:X', 'X']);
    expect(lookupKeys(fromIdToken201({ idToken: 'x', type: 'ISO14443' }), CARDS)).toEqual(['X']);
    expect(lookupKeys(fromIdTag16('x'), CARDS)).toEqual(['X']);
    const both = [rec('X'), { ...rec('Local:X'), status: 'Blocked' as const }];
    expect(pickRegistration(both, fromIdToken201({ idToken: 'x', type: 'Local' }), CARDS)?.status).toBe('Blocked');
    expect(pickRegistration([rec('X')], fromIdToken201({ idToken: 'x', type: 'Local' }), CARDS)?.idTag).toBe('X');
    expect(pickRegistration([rec('X')], fromIdToken201({ idToken: 'x', type: 'eMAID' }), CARDS)).toBeUndefined();
  });

  it('CSMS_CARD_TOKEN_TYPES narrows or widens the card-like types; ISO14443 always counts, Central/eMAID/NoAuthorization never', () => {
    expect(CARDS).toEqual(['ISO14443', 'ISO15693', 'Local']);
    expect(cardTokenTypes('ISO14443')).toEqual(['ISO14443']);
    expect(cardTokenTypes('Local, KeyCode')).toEqual(['ISO14443', 'Local', 'KeyCode']);
    expect(cardTokenTypes('Central,eMAID,NoAuthorization,Foo,MacAddress')).toEqual(['ISO14443', 'MacAddress']);
    expect(registrationAnswers(rec('K1'), fromIdToken201({ idToken: 'K1', type: 'Local' }), cardTokenTypes('ISO14443'))).toBe(false);
  });

  it('the operator sees what a registration answers', () => {
    expect(appliesTo(rec('X'), CARDS)).toEqual({ ocpp16: true, tokenTypes: ['ISO14443', 'ISO15693', 'Local'] });
    expect(appliesTo(rec('ISO14443:X', true), CARDS)).toEqual({ ocpp16: true, tokenTypes: ['ISO14443'] });
    expect(appliesTo(rec('Local:X'), CARDS)).toEqual({ ocpp16: false, tokenTypes: ['Local'] });
  });
});

describe('the local authorization list follows the same rule', () => {
  const rec = (name: string, over: Partial<IdTagRecord> = {}): IdTagRecord => {
    const t = parseTokenName(name);
    return { idTag: tokenKey(t), idToken: t.value, type: t.type, status: 'Accepted', createdAt: '', updatedAt: '', ...over };
  };
  it('2.0.1: an untyped registration is one entry per card-like type; a typed one of the same value replaces its entry', () => {
    const list = entriesFor('2.0.1', [rec('CARD1'), rec('Local:CARD1', { status: 'Blocked' }), rec('ISO14443:CARD2', { typed: true }), rec('eMAID:E1')], cardTokenTypes(undefined));
    expect(list.map((e) => [e.type, e.idTag, e.status])).toEqual(expect.arrayContaining([
      ['ISO14443', 'CARD1', 'Accepted'], ['ISO15693', 'CARD1', 'Accepted'], ['Local', 'CARD1', 'Blocked'], ['ISO14443', 'CARD2', 'Accepted'], ['eMAID', 'E1', 'Accepted'],
    ]));
    expect(list).toHaveLength(5);
  });
  it('1.6: untyped and ISO14443 registrations only, one entry each', () => {
    const list = entriesFor('1.6', [rec('CARD1'), rec('Local:CARD1'), rec('ISO14443:CARD2', { typed: true })], cardTokenTypes(undefined));
    expect(list.map((e) => e.idTag)).toEqual(['CARD1', 'CARD2']);
  });
});
