/**
 * Authorization for both generations (1.6 §4.1, §3.10; 2.0.1 C01, C05, C06, C09, C10/C12) and the
 * operator's id-tag API, with strict clients against the real local runtime.
 */
import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
  delete process.env.CSMS_AUTH_CACHE_EXPIRY_S;
  delete process.env.CSMS_ALLOW_CONCURRENT_TX;
});

let seq = 0;
const newTag = () => `A${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function station16() {
  const cp = await strictClient(csms.chargePointUrl, newId(), 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' });
  return cp;
}
async function station201() {
  const cs = await strictClient(csms.chargePointUrl, newId(), 'ocpp2.0.1');
  await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC' } });
  return cs;
}

describe('operator id-tag API', () => {
  it('creates, reads, replaces, lists and deletes tags', async () => {
    const tag = newTag();
    const created = await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted', expiryDate: '2030-01-01T00:00:00+01:00', parentIdTag: 'FAMILY-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ idTag: tag, idToken: tag, type: 'ISO14443', status: 'Accepted', effectiveStatus: 'Accepted', expiryDate: '2029-12-31T23:00:00.000Z', parentIdTag: 'FAMILY-1' });
    expect((await csms.api.get(`/id-tags/${tag.toLowerCase()}`)).body.idTag).toBe(tag); // case-insensitive (CiString)
    const replaced = await csms.api.put(`/id-tags/${tag}`, { status: 'Blocked' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.parentIdTag).toBeUndefined();
    expect(replaced.body.createdAt).toBe(created.body.createdAt);

    const typed = await csms.api.put('/id-tags/eMAID:NL-TNM-000123-4', { status: 'Accepted' });
    expect(typed.body).toMatchObject({ idTag: 'eMAID:NL-TNM-000123-4', idToken: 'NL-TNM-000123-4', type: 'eMAID' });

    const all: string[] = [];
    let next: string | undefined;
    do {
      const page = await csms.api.get(`/id-tags?limit=1${next ? `&nextToken=${next}` : ''}`);
      all.push(...page.body.items.map((t: { idTag: string }) => t.idTag));
      next = page.body.nextToken;
    } while (next);
    expect(all).toEqual(expect.arrayContaining([tag, 'eMAID:NL-TNM-000123-4']));

    expect((await csms.api.delete(`/id-tags/${tag}`)).status).toBe(204);
    expect((await csms.api.get(`/id-tags/${tag}`)).status).toBe(404);
    expect((await csms.api.delete(`/id-tags/${tag}`)).status).toBe(404);
  });

  it('refuses bad input with a clear message and stores nothing', async () => {
    const tag = newTag();
    const bad = [
      [{}, /status is required/],
      [{ status: 'Maybe' }, /status is required and must be one of/],
      [{ status: 'Accepted', expiryDate: 'tomorrow' }, /expiryDate must be an ISO 8601/],
      [{ status: 'Accepted', expiryDate: '2030-01-01T00:00:00' }, /expiryDate/],
      [{ status: 'Accepted', parentIdTag: 5 }, /parentIdTag must be a string/],
      [{ status: 'Accepted', parentIdTag: 'x'.repeat(37) }, /parentIdTag must be 1 to 36/],
      [{ status: 'Accepted', allowConcurrentTx: 'no' }, /allowConcurrentTx/],
      [{ status: 'Accepted', colour: 'red' }, /Unknown field\(s\): colour/],
    ] as const;
    for (const [body, message] of bad) {
      const res = await csms.api.put(`/id-tags/${tag}`, body);
      expect([res.status, res.body.error]).toEqual([400, 'BadRequest']);
      expect(res.body.message).toMatch(message);
    }
    expect((await csms.api.put(`/id-tags/${'x'.repeat(37)}`, { status: 'Accepted' })).status).toBe(400);
    expect((await csms.api.put('/id-tags/NoAuthorization:x', { status: 'Accepted' })).body.message).toMatch(/NoAuthorization/);
    expect((await csms.api.put(`/id-tags/${tag}`, '[1,2]')).status).toBe(400);
    expect((await csms.api.get(`/id-tags/${tag}`)).status).toBe(404);
  });
});

describe('1.6 Authorize (§4.1)', () => {
  it('answers Accepted (with expiry and parent), Blocked, Expired, Invalid; unknown tags are Invalid; expiry is checked at read time', async () => {
    const cp = await station16();
    const [ok, blocked, expired, invalid, lapsed] = [newTag(), newTag(), newTag(), newTag(), newTag()];
    const expiry = inMinutes(60);
    await csms.api.put(`/id-tags/${ok}`, { status: 'Accepted', expiryDate: expiry, parentIdTag: 'ACME-FLEET' });
    await csms.api.put(`/id-tags/${blocked}`, { status: 'Blocked' });
    await csms.api.put(`/id-tags/${expired}`, { status: 'Expired' });
    await csms.api.put(`/id-tags/${invalid}`, { status: 'Invalid' });
    await csms.api.put(`/id-tags/${lapsed}`, { status: 'Accepted', expiryDate: inMinutes(-1) });

    expect((await cp.call('Authorize', { idTag: ok })).idTagInfo).toEqual({ status: 'Accepted', expiryDate: expiry, parentIdTag: 'ACME-FLEET' });
    expect((await cp.call('Authorize', { idTag: ok.toLowerCase() })).idTagInfo.status).toBe('Accepted');
    expect((await cp.call('Authorize', { idTag: blocked })).idTagInfo.status).toBe('Blocked');
    expect((await cp.call('Authorize', { idTag: expired })).idTagInfo.status).toBe('Expired');
    expect((await cp.call('Authorize', { idTag: invalid })).idTagInfo.status).toBe('Invalid');
    expect((await cp.call('Authorize', { idTag: lapsed })).idTagInfo.status).toBe('Expired');
    expect((await csms.api.get(`/id-tags/${lapsed}`)).body).toMatchObject({ status: 'Accepted', effectiveStatus: 'Expired' });
    expect((await cp.call('Authorize', { idTag: newTag() })).idTagInfo).toEqual({ status: 'Invalid' });
    await cp.close();
  });

  it('caps the cache lifetime of a verdict when CSMS_AUTH_CACHE_EXPIRY_S is set', async () => {
    const cp = await station16();
    const tag = newTag();
    await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted', expiryDate: inMinutes(24 * 60) });
    process.env.CSMS_AUTH_CACHE_EXPIRY_S = '600';
    try {
      const info = (await cp.call('Authorize', { idTag: tag })).idTagInfo;
      expect(Date.parse(info.expiryDate) - Date.now()).toBeGreaterThan(590_000);
      expect(Date.parse(info.expiryDate) - Date.now()).toBeLessThan(610_000);
    } finally {
      delete process.env.CSMS_AUTH_CACHE_EXPIRY_S;
    }
    await cp.close();
  });
});

describe('ConcurrentTx', () => {
  it('per tag: a group with a running transaction gets ConcurrentTx for the next start; free again after the stop', async () => {
    const cp = await station16();
    const group = `FAM${newTag()}`.slice(0, 20);
    const [a, b, other] = [newTag(), newTag(), newTag()];
    await csms.api.put(`/id-tags/${a}`, { status: 'Accepted', parentIdTag: group, allowConcurrentTx: false });
    await csms.api.put(`/id-tags/${b}`, { status: 'Accepted', parentIdTag: group, allowConcurrentTx: false });
    await csms.api.put(`/id-tags/${other}`, { status: 'Accepted', allowConcurrentTx: false });

    const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: a, meterStart: 0, timestamp: new Date().toISOString() });
    expect(t1.idTagInfo.status).toBe('Accepted');
    expect((await cp.call('Authorize', { idTag: a })).idTagInfo.status).toBe('ConcurrentTx');
    expect((await cp.call('Authorize', { idTag: b })).idTagInfo.status).toBe('ConcurrentTx');
    expect((await cp.call('Authorize', { idTag: other })).idTagInfo.status).toBe('Accepted');
    // A retry of the first start is not concurrent with itself.
    expect((await cp.call('StartTransaction', { connectorId: 1, idTag: a, meterStart: 0, timestamp: (await csms.api.get(`/transactions/${t1.transactionId}`)).body.startedAt })))
      .toEqual({ transactionId: t1.transactionId, idTagInfo: { status: 'Accepted', parentIdTag: group } });
    // The station started anyway (e.g. offline): recorded, with the verdict.
    const t2 = await cp.call('StartTransaction', { connectorId: 2, idTag: b, meterStart: 0, timestamp: new Date().toISOString() });
    expect(t2.idTagInfo.status).toBe('ConcurrentTx');
    expect((await csms.api.get(`/transactions/${t2.transactionId}`)).body.authorizationStatus).toBe('ConcurrentTx');
    // Stopping with a group tag is never refused.
    expect((await cp.call('StopTransaction', { transactionId: t2.transactionId, idTag: b, meterStop: 1, timestamp: new Date().toISOString(), reason: 'DeAuthorized' })).idTagInfo.status).toBe('Accepted');
    await cp.call('StopTransaction', { transactionId: t1.transactionId, idTag: a, meterStop: 1, timestamp: new Date().toISOString() });
    expect((await cp.call('Authorize', { idTag: b })).idTagInfo.status).toBe('Accepted');
    await cp.close();
  });

  it('the CSMS-wide setting CSMS_ALLOW_CONCURRENT_TX=false applies to tags without their own flag', async () => {
    const cp = await station16();
    const tag = newTag();
    await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
    await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() });
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted'); // default: allowed
    process.env.CSMS_ALLOW_CONCURRENT_TX = 'false';
    try {
      expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('ConcurrentTx');
    } finally {
      delete process.env.CSMS_ALLOW_CONCURRENT_TX;
    }
    await cp.close();
  });
});

describe('2.0.1 Authorize (C01, C06, C09, C10)', () => {
  it('C01: an ISO14443 token is the same identity as the 1.6 idTag of that value', async () => {
    const cs = await station201();
    const tag = newTag();
    await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
    expect(await cs.call('Authorize', { idToken: { idToken: tag, type: 'ISO14443' } })).toEqual({ idTokenInfo: { status: 'Accepted' } });
    expect((await cs.call('Authorize', { idToken: { idToken: tag.toLowerCase(), type: 'ISO14443' } })).idTokenInfo.status).toBe('Accepted');
    // The same value as another kind is another identity.
    expect((await cs.call('Authorize', { idToken: { idToken: tag, type: 'KeyCode' } })).idTokenInfo.status).toBe('Unknown');
    await cs.close();
  });

  it('C06: local id types (eMAID, KeyCode, Local, MacAddress…) are stored as Type:value; unknown tokens are Unknown', async () => {
    const cs = await station201();
    const v = newTag();
    for (const type of ['eMAID', 'KeyCode', 'Local', 'MacAddress', 'ISO15693', 'Central']) {
      await csms.api.put(`/id-tags/${type}:${v}`, { status: type === 'KeyCode' ? 'Blocked' : 'Accepted' });
      expect((await cs.call('Authorize', { idToken: { idToken: v, type } })).idTokenInfo.status).toBe(type === 'KeyCode' ? 'Blocked' : 'Accepted');
    }
    expect((await cs.call('Authorize', { idToken: { idToken: newTag(), type: 'eMAID' } })).idTokenInfo).toEqual({ status: 'Unknown' });
    expect((await cs.call('Authorize', { idToken: { idToken: '', type: 'NoAuthorization' } })).idTokenInfo).toEqual({ status: 'Accepted' });
    await cs.close();
  });

  it('C09: the group comes back as groupIdToken; C10: cacheExpiryDateTime when a cache lifetime or an expiry applies', async () => {
    const cs = await station201();
    const [a, b] = [newTag(), newTag()];
    await csms.api.put(`/id-tags/${a}`, { status: 'Accepted', parentIdTag: 'Central:FLEET-7' });
    const expiry = inMinutes(30);
    await csms.api.put(`/id-tags/${b}`, { status: 'Accepted', parentIdTag: 'ACCOUNT9', expiryDate: expiry });
    expect((await cs.call('Authorize', { idToken: { idToken: a, type: 'ISO14443' } })).idTokenInfo)
      .toEqual({ status: 'Accepted', groupIdToken: { idToken: 'FLEET-7', type: 'Central' } });
    expect((await cs.call('Authorize', { idToken: { idToken: b, type: 'ISO14443' } })).idTokenInfo)
      .toEqual({ status: 'Accepted', cacheExpiryDateTime: expiry, groupIdToken: { idToken: 'ACCOUNT9', type: 'ISO14443' } });
    process.env.CSMS_AUTH_CACHE_EXPIRY_S = '60';
    try {
      const info = (await cs.call('Authorize', { idToken: { idToken: a, type: 'ISO14443' } })).idTokenInfo;
      expect(Date.parse(info.cacheExpiryDateTime) - Date.now()).toBeLessThan(61_000);
    } finally {
      delete process.env.CSMS_AUTH_CACHE_EXPIRY_S;
    }
    await cs.close();
  });
});

describe('one registration of a card on 1.6 and 2.0.x stations (matching rules, docs/operator-api.md)', () => {
  const authorize201 = async (cs: Awaited<ReturnType<typeof station201>>, idToken: string, type: string) =>
    (await cs.call('Authorize', { idToken: { idToken, type } })).idTokenInfo.status;

  it('an untyped registration authorizes the 1.6 idTag and the 2.0.1 card types ISO14443, ISO15693, Local — never Central, eMAID, KeyCode, MacAddress', async () => {
    const [cp, cs] = [await station16(), await station201()];
    const card = newTag();
    const put = await csms.api.put(`/id-tags/${card}`, { status: 'Accepted' });
    expect(put.body).toMatchObject({ idTag: card, typed: false, appliesTo: { ocpp16: true, tokenTypes: ['ISO14443', 'ISO15693', 'Local'] } });
    expect((await cp.call('Authorize', { idTag: card })).idTagInfo.status).toBe('Accepted');
    for (const type of ['ISO14443', 'ISO15693', 'Local']) expect([type, await authorize201(cs, card.toLowerCase(), type)]).toEqual([type, 'Accepted']);
    for (const type of ['Central', 'eMAID', 'KeyCode', 'MacAddress']) expect([type, await authorize201(cs, card, type)]).toEqual([type, 'Unknown']);
    // The transaction of a Local card is authorized and kept with the type the station reported.
    const transactionId = `T-${card}`;
    const started = await cs.call('TransactionEvent', {
      eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0,
      transactionInfo: { transactionId }, evse: { id: 1, connectorId: 1 }, idToken: { idToken: card, type: 'Local' },
    });
    expect(started.idTokenInfo.status).toBe('Accepted');
    expect((await csms.api.get(`/transactions/${transactionId}`)).body).toMatchObject({ idTag: card, idTokenType: 'Local', authorizationStatus: 'Accepted', active: true });
    await Promise.all([cp.close(), cs.close()]);
  });

  it('a typed registration (Type: prefix or "type" field) answers only its type; the typed one wins over an untyped one of the same value', async () => {
    const [cp, cs] = [await station16(), await station201()];
    const [local, iso, both] = [newTag(), newTag(), newTag()];
    expect((await csms.api.put(`/id-tags/${local}`, { status: 'Accepted', type: 'Local' })).body)
      .toMatchObject({ idTag: `Local:${local}`, type: 'Local', typed: true, appliesTo: { ocpp16: false, tokenTypes: ['Local'] } });
    expect(await authorize201(cs, local, 'Local')).toBe('Accepted');
    expect(await authorize201(cs, local, 'ISO14443')).toBe('Unknown');
    expect((await cp.call('Authorize', { idTag: local })).idTagInfo.status).toBe('Invalid');

    expect((await csms.api.put(`/id-tags/ISO14443:${iso}`, { status: 'Accepted' })).body)
      .toMatchObject({ idTag: `ISO14443:${iso}`, typed: true, appliesTo: { ocpp16: true, tokenTypes: ['ISO14443'] } });
    expect((await cp.call('Authorize', { idTag: iso })).idTagInfo.status).toBe('Accepted');
    expect(await authorize201(cs, iso, 'ISO14443')).toBe('Accepted');
    expect(await authorize201(cs, iso, 'Local')).toBe('Unknown');
    // Registering it untyped again widens it (one record per card value).
    expect((await csms.api.put(`/id-tags/${iso}`, { status: 'Accepted' })).body).toMatchObject({ idTag: iso, typed: false });
    expect(await authorize201(cs, iso, 'Local')).toBe('Accepted');

    await csms.api.put(`/id-tags/${both}`, { status: 'Accepted' });
    await csms.api.put(`/id-tags/Local:${both}`, { status: 'Blocked' });
    expect(await authorize201(cs, both, 'Local')).toBe('Blocked');
    expect(await authorize201(cs, both, 'ISO15693')).toBe('Accepted');
    expect((await cp.call('Authorize', { idTag: both })).idTagInfo.status).toBe('Accepted');

    const contradiction = await csms.api.put(`/id-tags/Local:${newTag()}`, { status: 'Accepted', type: 'KeyCode' });
    expect([contradiction.status, contradiction.body.error]).toEqual([400, 'BadRequest']);
    expect((await csms.api.put(`/id-tags/${newTag()}`, { status: 'Accepted', type: 'Card' })).status).toBe(400);
    await Promise.all([cp.close(), cs.close()]);
  });
});

