import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * Send Local Authorization List (OCPP 1.6 §5.10 Get Local List Version, §5.15 Send Local List,
 * §3.5.2): POST /api/charge-points/{id}/local-list/sync against strict 1.6 charge points that keep
 * a real list (Full replaces it, Differential adds/updates, an entry without idTagInfo deletes).
 */
type Csms = Awaited<ReturnType<typeof bootCsms>>;
interface Entry { idTag: string; idTagInfo?: { status: string; expiryDate?: string; parentIdTag?: string } }
interface Message { listVersion: number; updateType: string; localAuthorizationList?: Entry[] }

/** A charge point with a Local Authorization List, as §3.5.2 describes it. */
async function listHolder(csms: Csms, opts: { maxPerMessage?: number; maxLength?: number; version?: number; answer?: (m: Message) => string | undefined } = {}) {
  /** `state.delayMs`: the charge point answers each SendLocalList after that long. */
  const id = newId('LL');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
  const state = { version: opts.version ?? 0, list: new Map<string, Entry['idTagInfo']>(), messages: [] as Message[], frameBytes: [] as number[], delayMs: 0 };
  cp.handle('GetLocalListVersion', async () => ({ listVersion: state.version }));
  cp.handle('GetConfiguration', async () => ({
    configurationKey: [
      { key: 'SendLocalListMaxLength', readonly: true, value: String(opts.maxPerMessage ?? 10) },
      { key: 'LocalAuthListMaxLength', readonly: true, value: String(opts.maxLength ?? 1000) },
      { key: 'LocalAuthListEnabled', readonly: false, value: 'true' },
    ],
  }));
  cp.handle('SendLocalList', async ({ params }) => {
    const m = params as Message;
    if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
    state.messages.push(m);
    state.frameBytes.push(Buffer.byteLength(JSON.stringify([2, 'x'.repeat(36), 'SendLocalList', m])));
    const forced = opts.answer?.(m);
    if (forced) return { status: forced };
    const items = m.localAuthorizationList ?? [];
    if (items.length > (opts.maxPerMessage ?? 10)) return { status: 'Failed' };
    if (m.updateType === 'Full') state.list.clear();
    for (const e of items) {
      if (e.idTagInfo) state.list.set(e.idTag, e.idTagInfo);
      else state.list.delete(e.idTag);
    }
    state.version = m.listVersion;
    return { status: 'Accepted' };
  });
  return { id, cp, state };
}

const putTag = (csms: Csms, idTag: string, body: Record<string, unknown>) => csms.api.put(`/id-tags/${encodeURIComponent(idTag)}`, body);
async function storeAsList(csms: Csms) {
  const items: Array<{ idToken: string; type: string; status: string; expiryDate?: string; parentIdTag?: string }> = [];
  let nextToken: string | undefined;
  do {
    const page = await csms.api.get(`/id-tags?limit=500${nextToken ? `&nextToken=${nextToken}` : ''}`);
    items.push(...page.body.items);
    nextToken = page.body.nextToken;
  } while (nextToken);
  return new Map(items.filter((t) => t.type === 'ISO14443').map((t) => [t.idToken, JSON.parse(JSON.stringify({ status: t.status, expiryDate: t.expiryDate, parentIdTag: t.parentIdTag }))]));
}

describe('Send Local Authorization List', () => {
  let csms: Csms;
  beforeAll(async () => {
    csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '20000' } }); // also the budget of a whole sync: ample under load
    const tags = Array.from({ length: 25 }, (_v, i) => `TAG${String(i).padStart(3, '0')}`);
    await Promise.all(tags.map((t, i) => putTag(csms, t, i % 5 === 0 ? { status: 'Blocked' } : i % 7 === 0 ? { status: 'Accepted', parentIdTag: 'FLEET1', expiryDate: '2031-01-01T00:00:00Z' } : { status: 'Accepted' })));
    await putTag(csms, 'eMAID:NL-TNM-000123-4', { status: 'Accepted' }); // a 2.0.1 token kind: not in a 1.6 list
  });
  afterAll(() => csms.close());

  it('brings a charge point up to date with a Full update in chunks of SendLocalListMaxLength (first Full, then Differential), versions counting up', async () => {
    const h = await listHolder(csms, { maxPerMessage: 10 });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'Updated', updateType: 'Full', listVersion: 3, entries: 25 });
    expect(h.state.messages.map((m) => [m.updateType, m.listVersion, m.localAuthorizationList?.length])).toEqual([['Full', 1, 10], ['Differential', 2, 10], ['Differential', 3, 5]]);
    expect(h.state.list).toEqual(await storeAsList(csms));
    expect(h.state.list.get('TAG007')).toEqual({ status: 'Accepted', parentIdTag: 'FLEET1', expiryDate: '2031-01-01T00:00:00.000Z' });
    expect(h.state.list.has('NL-TNM-000123-4')).toBe(false);
    const view = await csms.api.get(`/charge-points/${h.id}/local-list`);
    expect(view.body).toMatchObject({ version: 3, reportedVersion: 3, entries: 25 });

    // Nothing changed: the charge point reports the version we sent, nothing is sent.
    const again = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(again.body).toMatchObject({ status: 'UpToDate', listVersion: 3, messages: [] });
    expect(h.state.messages).toHaveLength(3);

    // Changes travel as one Differential update: updated, deleted (no idTagInfo), added.
    await putTag(csms, 'TAG001', { status: 'Blocked' });
    await csms.api.delete('/id-tags/TAG002');
    await putTag(csms, 'TAG900', { status: 'Accepted' });
    const diff = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(diff.body).toMatchObject({ status: 'Updated', updateType: 'Differential', listVersion: 4 });
    expect(h.state.messages[3]).toEqual({
      listVersion: 4,
      updateType: 'Differential',
      localAuthorizationList: [
        { idTag: 'TAG001', idTagInfo: { status: 'Blocked' } },
        { idTag: 'TAG900', idTagInfo: { status: 'Accepted' } },
        { idTag: 'TAG002' },
      ],
    });
    expect(h.state.list).toEqual(await storeAsList(csms));

    // The operator may force a Full update.
    const forced = await csms.api.post(`/charge-points/${h.id}/local-list/sync`, { updateType: 'Full' });
    expect(forced.body).toMatchObject({ updateType: 'Full', listVersion: 7 });
    await h.cp.close();
  });

  it('sends the whole list when the charge point holds another version than the one we sent', async () => {
    const h = await listHolder(csms, { maxPerMessage: 100, version: 42 });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.body).toMatchObject({ updateType: 'Full', listVersion: 43 });
    expect(h.state.messages).toHaveLength(1);
    h.state.version = 0; // it lost its list (e.g. replaced controller)
    h.state.list.clear();
    const again = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(again.body).toMatchObject({ updateType: 'Full', listVersion: 44 });
    expect(h.state.list).toEqual(await storeAsList(csms));
    await h.cp.close();
  });

  it('retries with a Full update when a Differential one is answered VersionMismatch (§5.15)', async () => {
    let mismatch = false;
    const h = await listHolder(csms, { maxPerMessage: 100, answer: (m) => (mismatch && m.updateType === 'Differential' ? 'VersionMismatch' : undefined) });
    await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    await putTag(csms, 'TAG003', { status: 'Expired' });
    mismatch = true;
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.body.messages.map((m: { updateType: string; status: string }) => `${m.updateType}:${m.status}`)).toEqual(['Differential:VersionMismatch', 'Full:Accepted']);
    expect(h.state.list.get('TAG003')).toEqual({ status: 'Expired' });
    await h.cp.close();
  });

  it('refuses clearly: no list support, a list longer than LocalAuthListMaxLength, offline, unknown, bad body', async () => {
    const unsupported = await listHolder(csms, { version: -1 });
    const r1 = await csms.api.post(`/charge-points/${unsupported.id}/local-list/sync`);
    expect([r1.status, r1.body.error]).toEqual([409, 'NotSupported']);
    const small = await listHolder(csms, { maxLength: 5 });
    const r2 = await csms.api.post(`/charge-points/${small.id}/local-list/sync`);
    expect([r2.status, r2.body.error, r2.body.message]).toEqual([409, 'LocalListTooLong', expect.stringMatching(/at most 5/)]);
    expect(small.state.messages).toEqual([]);
    const rejecting = await listHolder(csms, { answer: () => 'Failed' });
    const r3 = await csms.api.post(`/charge-points/${rejecting.id}/local-list/sync`);
    expect([r3.status, r3.body.error]).toEqual([502, 'SendLocalListFailed']);
    expect((await csms.api.post(`/charge-points/${small.id}/local-list/sync`, { updateType: 'Partial' })).status).toBe(400);
    expect((await csms.api.post('/charge-points/no-such-cp/local-list/sync')).status).toBe(404);
    expect((await csms.api.get('/charge-points/no-such-cp/local-list')).status).toBe(404);
    await small.cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${small.id}`)).body.connected === false);
    const r4 = await csms.api.post(`/charge-points/${small.id}/local-list/sync`);
    expect([r4.status, r4.body.error]).toEqual([409, 'NotConnected']);
    await Promise.all([unsupported.cp.close(), rejecting.cp.close()]);
  });

  it('records the version from GetLocalListVersion / SendLocalList made through the generic calls API', async () => {
    const h = await listHolder(csms, { version: 7 });
    expect((await csms.api.post(`/charge-points/${h.id}/calls/GetLocalListVersion`, {})).body).toEqual({ response: { listVersion: 7 } });
    expect((await csms.api.get(`/charge-points/${h.id}/local-list`)).body).toMatchObject({ reportedVersion: 7 });
    await csms.api.post(`/charge-points/${h.id}/calls/SendLocalList`, { listVersion: 8, updateType: 'Full', localAuthorizationList: [] });
    expect((await csms.api.get(`/charge-points/${h.id}/local-list`)).body).toMatchObject({ reportedVersion: 8 });
    await h.cp.close();
  });
});

describe('a long list stays within the 32 KB WebSocket frame', () => {
  let csms: Csms;
  beforeAll(async () => {
    csms = await bootCsms();
    const tags = Array.from({ length: 600 }, (_v, i) => `LONG-TAG-${String(i).padStart(6, '0')}`);
    for (let i = 0; i < tags.length; i += 100) {
      await Promise.all(tags.slice(i, i + 100).map((t) => putTag(csms, t, { status: 'Accepted', expiryDate: '2031-06-30T12:00:00Z', parentIdTag: 'PARENT-GROUP-00001' })));
    }
  });
  afterAll(() => csms.close());

  it('splits by bytes when SendLocalListMaxLength would allow more', async () => {
    const h = await listHolder(csms, { maxPerMessage: 1000 });
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.body).toMatchObject({ status: 'Updated', entries: 600 });
    expect(h.state.messages.length).toBeGreaterThan(1);
    for (const bytes of h.state.frameBytes) expect(bytes).toBeLessThanOrEqual(32 * 1024);
    expect(h.state.list.size).toBe(600);
    await h.cp.close();
  });
});

describe('a sync within the operator\'s budget', () => {
  let csms: Csms;
  beforeAll(async () => {
    csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '6000' } });
    await Promise.all(Array.from({ length: 25 }, (_v, i) => putTag(csms, `BUDGET${String(i).padStart(3, '0')}`, { status: 'Accepted' })));
  });
  afterAll(() => csms.close());

  it('stays within the operator\'s budget (CSMS_CALL_TIMEOUT_MS = 6 s) with a slow charge point: Partial (202), then the next sync goes on', async () => {
    const h = await listHolder(csms, { maxPerMessage: 5 });
    h.state.delayMs = 2000; // each answer in time, five of them not
    const res = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'Partial', updateType: 'Full' });
    const sent = res.body.messages.length;
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(5);
    expect(h.state.messages).toHaveLength(sent); // nothing went out after the operator was answered
    expect(res.body.listVersion).toBe(sent);
    h.state.delayMs = 0;
    const rest = await csms.api.post(`/charge-points/${h.id}/local-list/sync`);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ status: 'Updated', updateType: 'Differential' });
    expect(h.state.list).toEqual(await storeAsList(csms));
    await h.cp.close();
  });
});
