import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 D01 Send Local Authorization List and D02 Get Local List Version:
 * POST /api/charge-points/{id}/local-list/sync against strict 2.0.1 charging stations that keep a
 * real list keyed by idToken + type (Full replaces it, Differential adds/updates, an entry without
 * idTokenInfo deletes), with the limits of their LocalAuthListCtrlr.
 */
type Csms = Awaited<ReturnType<typeof bootCsms>>;
interface IdToken { idToken: string; type: string }
interface IdTokenInfo { status: string; cacheExpiryDateTime?: string; groupIdToken?: IdToken }
interface Message { versionNumber: number; updateType: string; localAuthorizationList?: Array<{ idToken: IdToken; idTokenInfo?: IdTokenInfo }> }

const keyOf = (t: IdToken) => `${t.type}:${t.idToken.toUpperCase()}`;

/** A charging station with a Local Authorization List (D01/D02). */
async function listHolder(csms: Csms, opts: { itemsPerMessage?: number; version?: number; answer?: (m: Message) => string | undefined } = {}) {
  const id = newId('LL201');
  const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
  expect((await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } })).status).toBe('Accepted');
  const state = { version: opts.version ?? 0, list: new Map<string, IdTokenInfo>(), messages: [] as Message[], variableRequests: [] as unknown[] };
  cs.handle('GetLocalListVersion', async () => ({ versionNumber: state.version }));
  cs.handle('GetVariables', async ({ params }) => {
    state.variableRequests.push(params);
    const values: Record<string, string> = { ItemsPerMessage: String(opts.itemsPerMessage ?? 10), BytesPerMessage: '20000' };
    return {
      getVariableResult: (params.getVariableData as Array<{ component: { name: string }; variable: { name: string } }>).map((d) => (d.component.name === 'LocalAuthListCtrlr' && values[d.variable.name]
        ? { attributeStatus: 'Accepted', attributeValue: values[d.variable.name], component: d.component, variable: d.variable }
        : { attributeStatus: 'UnknownVariable', component: d.component, variable: d.variable })),
    };
  });
  cs.handle('SendLocalList', async ({ params }) => {
    const m = params as Message;
    state.messages.push(m);
    const forced = opts.answer?.(m);
    if (forced) return { status: forced };
    const items = m.localAuthorizationList ?? [];
    if (items.length > (opts.itemsPerMessage ?? 10)) return { status: 'Failed', statusInfo: { reasonCode: 'TooManyItems' } };
    if (m.updateType === 'Differential' && m.versionNumber <= state.version) return { status: 'VersionMismatch' };
    if (m.updateType === 'Full') state.list.clear();
    for (const e of items) {
      if (e.idTokenInfo) state.list.set(keyOf(e.idToken), e.idTokenInfo);
      else state.list.delete(keyOf(e.idToken));
    }
    state.version = m.versionNumber;
    return { status: 'Accepted' };
  });
  return { id, cs, state };
}

const putTag = (csms: Csms, name: string, body: Record<string, unknown>) => csms.api.put(`/id-tags/${encodeURIComponent(name)}`, body);
/** What the store says the list should be, in the station's terms. */
async function storeAsList(csms: Csms) {
  const items: Array<{ idToken: string; type: string; status: string; expiryDate?: string; parentIdTag?: string; typed: boolean; appliesTo: { tokenTypes: string[] } }> = [];
  let nextToken: string | undefined;
  do {
    const page = await csms.api.get(`/id-tags?limit=500${nextToken ? `&nextToken=${nextToken}` : ''}`);
    items.push(...page.body.items);
    nextToken = page.body.nextToken;
  } while (nextToken);
  const group = (name?: string) => {
    if (!name) return undefined;
    const i = name.indexOf(':');
    return i > 0 ? { idToken: name.slice(i + 1), type: name.slice(0, i) } : { idToken: name, type: 'ISO14443' };
  };
  // An untyped registration answers every type of appliesTo (a typed one of the same value wins for its type).
  const entries = items.flatMap((t) => t.appliesTo.tokenTypes.map((type) => ({ ...t, type })));
  entries.sort((a, b) => Number(a.typed) - Number(b.typed));
  return new Map(entries.map((t) => [keyOf({ idToken: t.idToken, type: t.type }), JSON.parse(JSON.stringify({ status: t.status, cacheExpiryDateTime: t.expiryDate, groupIdToken: group(t.parentIdTag) }))]));
}

let csms: Csms;
beforeAll(async () => {
  // Untyped cards as ISO14443 only (the operator's choice for short lists); the default is tested below.
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '20000', CSMS_CARD_TOKEN_TYPES: 'ISO14443' } }); // the timeout is also the budget of a whole sync: ample under load
  const tags = Array.from({ length: 22 }, (_v, i) => `RFID${String(i).padStart(3, '0')}`);
  await Promise.all(tags.map((t, i) => putTag(csms, t, i % 5 === 0 ? { status: 'Blocked' } : i % 7 === 0 ? { status: 'Accepted', parentIdTag: 'Central:FLEET7', expiryDate: '2031-01-01T00:00:00Z' } : { status: 'Accepted' })));
  await putTag(csms, 'eMAID:NL-TNM-000123-4', { status: 'Accepted' });
  await putTag(csms, 'KeyCode:1234', { status: 'Accepted' });
});
afterAll(() => csms.close());

describe('D01 Send Local Authorization List / D02 Get Local List Version (2.0.1)', () => {
  it('Full update in chunks of ItemsPerMessage (asked with GetVariables), typed tokens kept; then UpToDate; then one Differential update', async () => {
    const h = await listHolder(csms, { itemsPerMessage: 10 });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Updated', updateType: 'Full', listVersion: 3, entries: 24 });
    expect(h.state.variableRequests).toEqual([{ getVariableData: [
      { component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'ItemsPerMessage' } },
      { component: { name: 'LocalAuthListCtrlr' }, variable: { name: 'BytesPerMessage' } },
    ] }]);
    expect(h.state.messages.map((m) => [m.updateType, m.versionNumber, m.localAuthorizationList?.length])).toEqual([['Full', 1, 10], ['Differential', 2, 10], ['Differential', 3, 4]]);
    expect(h.state.list).toEqual(await storeAsList(csms));
    expect(h.state.list.get('ISO14443:RFID007')).toEqual({ status: 'Accepted', cacheExpiryDateTime: '2031-01-01T00:00:00.000Z', groupIdToken: { idToken: 'FLEET7', type: 'Central' } });
    expect(h.state.list.get('eMAID:NL-TNM-000123-4')).toEqual({ status: 'Accepted' });
    expect(h.state.list.get('KeyCode:1234')).toEqual({ status: 'Accepted' });
    expect((await csms.api.get(`/charge-points/${h.id}/local-list`)).body).toMatchObject({ version: 3, reportedVersion: 3, entries: 24 });

    // The station holds the version we sent: nothing to send; ItemsPerMessage is known now.
    const again = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(again.body).toMatchObject({ status: 'UpToDate', listVersion: 3, messages: [] });
    expect(h.state.messages).toHaveLength(3);
    expect(h.state.variableRequests).toHaveLength(1);

    // Changes travel as one Differential update: updated, added, deleted (idToken without idTokenInfo).
    await putTag(csms, 'RFID001', { status: 'Blocked' });
    await putTag(csms, 'Local:GARAGE-9', { status: 'Accepted', parentIdTag: 'Central:FLEET7' });
    await csms.api.delete('/id-tags/KeyCode:1234');
    const diff = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(diff.body).toMatchObject({ status: 'Updated', updateType: 'Differential', listVersion: 4 });
    expect(h.state.messages[3]).toEqual({
      versionNumber: 4,
      updateType: 'Differential',
      localAuthorizationList: expect.arrayContaining([
        { idToken: { idToken: 'RFID001', type: 'ISO14443' }, idTokenInfo: { status: 'Blocked' } },
        { idToken: { idToken: 'GARAGE-9', type: 'Local' }, idTokenInfo: { status: 'Accepted', groupIdToken: { idToken: 'FLEET7', type: 'Central' } } },
        { idToken: { idToken: '1234', type: 'KeyCode' } },
      ]),
    });
    expect(h.state.messages[3].localAuthorizationList).toHaveLength(3);
    expect(h.state.list).toEqual(await storeAsList(csms));

    // The operator may force a Full update.
    const forced = await csms.api.post(`/charge-points/${h.id}/local-list/sync`, { updateType: 'Full' });
    expect(forced.body).toMatchObject({ updateType: 'Full', listVersion: 7 });
    expect(h.state.messages[4]).toMatchObject({ updateType: 'Full', versionNumber: 5 });
    expect(h.state.list).toEqual(await storeAsList(csms));
    await h.cs.close();
  });

  it('by default an untyped card is listed for every card-like type (ISO14443, ISO15693, Local), as Authorize answers it; a typed registration wins', async () => {
    process.env.CSMS_CARD_TOKEN_TYPES = 'ISO14443,ISO15693,Local';
    try {
      await putTag(csms, 'CARD-X1', { status: 'Accepted' });
      await putTag(csms, 'Local:CARD-X1', { status: 'Blocked' });
      const h = await listHolder(csms, { itemsPerMessage: 100 });
      expect((await csms.api.post(`/charge-points/${h.id}/local-list/sync`)).body).toMatchObject({ status: 'Updated', updateType: 'Full' });
      expect(h.state.list.get('ISO14443:CARD-X1')).toEqual({ status: 'Accepted' });
      expect(h.state.list.get('ISO15693:CARD-X1')).toEqual({ status: 'Accepted' });
      expect(h.state.list.get('Local:CARD-X1')).toEqual({ status: 'Blocked' });
      expect(h.state.list.get('Local:RFID001')).toBeDefined();
      expect(h.state.list.get('eMAID:NL-TNM-000123-4')).toEqual({ status: 'Accepted' });
      expect(h.state.list.get('Central:RFID001')).toBeUndefined();
      expect(h.state.list).toEqual(await storeAsList(csms));
      await h.cs.close();
    } finally {
      process.env.CSMS_CARD_TOKEN_TYPES = 'ISO14443';
      await csms.api.delete('/id-tags/CARD-X1');
      await csms.api.delete('/id-tags/Local:CARD-X1');
    }
  });

  it('sends the whole list when the station reports another versionNumber (0: it lost its list)', async () => {
    const h = await listHolder(csms, { itemsPerMessage: 100, version: 42 });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.body).toMatchObject({ updateType: 'Full', listVersion: 43 });
    expect(h.state.messages).toHaveLength(1);
    h.state.version = 0;
    h.state.list.clear();
    const again = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(again.body).toMatchObject({ updateType: 'Full', listVersion: 44 });
    expect(h.state.list).toEqual(await storeAsList(csms));
    await h.cs.close();
  });

  it('VersionMismatch on a Differential update → the full list again; Failed on a Full one → 502, nothing recorded as held', async () => {
    let mismatch = false;
    const h = await listHolder(csms, { itemsPerMessage: 100, answer: (m) => (mismatch && m.updateType === 'Differential' ? 'VersionMismatch' : undefined) });
    await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    await putTag(csms, 'RFID003', { status: 'Expired' });
    mismatch = true;
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.body.messages.map((m: { updateType: string; status: string }) => `${m.updateType}:${m.status}`)).toEqual(['Differential:VersionMismatch', 'Full:Accepted']);
    expect(h.state.list.get('ISO14443:RFID003')).toEqual({ status: 'Expired' });

    const failing = await listHolder(csms, { answer: () => 'Failed' });
    const failed = await csms.api.post(`/charge-points/${failing.id}/local-list/sync`);
    expect([failed.status, failed.body.error, failed.body.message]).toEqual([502, 'SendLocalListFailed', expect.stringContaining('Failed')]);
    expect((await csms.api.get(`/charge-points/${failing.id}/local-list`)).body).toMatchObject({ reportedVersion: 0 });
    expect((await csms.api.get(`/charge-points/${failing.id}/local-list`)).body.version).toBeUndefined();
    await Promise.all([h.cs.close(), failing.cs.close()]);
  });

  it('refuses a list longer than the maxLimit of LocalAuthListCtrlr.Entries reported in NotifyReport, sending nothing', async () => {
    const h = await listHolder(csms);
    const variable = (name: string, value: string, maxLimit?: number) => ({
      component: { name: 'LocalAuthListCtrlr' }, variable: { name }, variableAttribute: [{ type: 'Actual', value, mutability: 'ReadOnly' }],
      variableCharacteristics: { dataType: 'integer', supportsMonitoring: false, ...(maxLimit === undefined ? {} : { maxLimit }) },
    });
    await h.cs.call('NotifyReport', { requestId: 1, generatedAt: new Date().toISOString(), seqNo: 0, reportData: [variable('Entries', '0', 5), variable('ItemsPerMessage', '50')] });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect([res.status, res.body.error, res.body.message]).toEqual([409, 'LocalListTooLong', expect.stringMatching(/at most 5/)]);
    expect(h.state.messages).toEqual([]);
    expect(h.state.variableRequests).toEqual([]); // ItemsPerMessage came with the report
    await h.cs.close();
  });

  it('D02: GetLocalListVersion and SendLocalList made through the generic calls API record the versionNumber', async () => {
    const h = await listHolder(csms, { version: 7 });
    expect((await csms.api.post(`/charge-points/${h.id}/calls/GetLocalListVersion`, {})).body).toEqual({ response: { versionNumber: 7 } });
    expect((await csms.api.get(`/charge-points/${h.id}/local-list`)).body).toMatchObject({ reportedVersion: 7 });
    const sent = await csms.api.post(`/charge-points/${h.id}/calls/SendLocalList`, { versionNumber: 8, updateType: 'Full', localAuthorizationList: [{ idToken: { idToken: 'X1', type: 'Central' }, idTokenInfo: { status: 'Accepted' } }] });
    expect(sent.body).toEqual({ response: { status: 'Accepted' } });
    expect(h.state.list).toEqual(new Map([['Central:X1', { status: 'Accepted' }]]));
    expect((await csms.api.get(`/charge-points/${h.id}/local-list`)).body).toMatchObject({ reportedVersion: 8 });
    // The 1.6 shape is refused before anything is sent.
    expect((await csms.api.post(`/charge-points/${h.id}/calls/SendLocalList`, { listVersion: 9, updateType: 'Full' })).status).toBe(400);
    await h.cs.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${h.id}`)).body.connected === false);
    expect((await csms.api.post(`/charge-points/${h.id}/local-list/sync`)).status).toBe(409);
  });
});
