import { bootCsms } from '../support/local';
import { newId, strictClient } from '../support/clients';

/** The operator API of OCPI 2.2.1 tariffs (docs/tariffs.md). */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(() => csms?.close());

const simple = {
  currency: 'EUR',
  tariff_alt_text: [{ language: 'en', text: '0.25 EUR/kWh incl. 10% VAT excluded' }],
  elements: [{ price_components: [{ type: 'ENERGY', price: 0.25, vat: 10, step_size: 1 }] }],
};

it('PUT creates (201) then replaces (200) a tariff; GET shows it; GET /api/tariffs lists it; DELETE removes it', async () => {
  const api = csms.api;
  const created = await api.put('/tariffs/T-API-1', simple);
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ tariffId: 'T-API-1', id: 'T-API-1', currency: 'EUR', elements: simple.elements });
  expect(typeof created.body.last_updated).toBe('string');
  const replaced = await api.put('/tariffs/T-API-1', { ...simple, max_price: { excl_vat: 10, incl_vat: 11 } });
  expect([replaced.status, replaced.body.max_price, replaced.body.createdAt]).toEqual([200, { excl_vat: 10, incl_vat: 11 }, created.body.createdAt]);
  const got = await api.get('/tariffs/T-API-1');
  expect([got.status, got.body.max_price]).toEqual([200, { excl_vat: 10, incl_vat: 11 }]);
  const list = await api.get('/tariffs?limit=100');
  expect(list.status).toBe(200);
  expect(list.body.items.map((t: { tariffId: string }) => t.tariffId)).toContain('T-API-1');
  expect((await api.delete('/tariffs/T-API-1')).status).toBe(204);
  expect((await api.get('/tariffs/T-API-1')).status).toBe(404);
  expect((await api.delete('/tariffs/T-API-1')).status).toBe(404);
});

it('refuses invalid tariffs with 400 and a message naming the problem', async () => {
  const api = csms.api;
  const cases: Array<[unknown, RegExp]> = [
    [{ ...simple, currency: 'euro' }, /currency/],
    [{ ...simple, elements: [] }, /elements/],
    [{ ...simple, elements: [{ price_components: [{ type: 'KWH', price: 1, step_size: 1 }] }] }, /type/],
    [{ ...simple, elements: [{ price_components: [{ type: 'ENERGY', price: -1, step_size: 1 }] }] }, /price/],
    [{ ...simple, elements: [{ price_components: [{ type: 'ENERGY', price: 1, step_size: 1 }], tariff_restrictions: { max_kwh: 1 } }] }, /unknown field.*tariff_restrictions/],
    [{ ...simple, elements: [{ price_components: [{ type: 'TIME', price: 1, step_size: 60 }], restrictions: { start_time: '25:00' } }] }, /start_time/],
    [{ ...simple, time_zone: 'Mars/Olympus' }, /time_zone/],
    [{ ...simple, id: 'OTHER' }, /id/],
    [[1, 2], /object/],
  ];
  for (const [body, message] of cases) {
    const res = await api.put('/tariffs/T-BAD', body);
    expect([res.status, res.body.error]).toEqual([400, 'BadRequest']);
    expect(res.body.message).toMatch(message);
  }
  expect((await api.get('/tariffs/T-BAD')).status).toBe(404);
  expect((await api.get('/tariffs/with%20space')).status).toBe(400);
});

describe('which tariff a session gets (fixed at its start)', () => {
  const energy = (price: number) => ({ currency: 'EUR', elements: [{ price_components: [{ type: 'ENERGY', price, step_size: 1 }] }] });
  let seq = 0;
  const tag = () => `TT${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 6)}`.toUpperCase().slice(0, 20);
  async function start16(cpId: string, idTag: string) {
    const cp = await strictClient(csms.chargePointUrl, cpId, 'ocpp1.6');
    expect((await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC' })).status).toBe('Accepted');
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag, meterStart: 0, timestamp: new Date().toISOString() });
    return { cp, transactionId: transactionId as number };
  }
  const txOf = async (id: number) => (await csms.api.get(`/transactions/${id}`)).body;

  it('the id tag\'s tariff, else the charge point\'s, else "default"; none → no tariff', async () => {
    const api = csms.api;
    await api.put('/tariffs/CARD', energy(0.2));
    await api.put('/tariffs/SITE', energy(0.4));
    const cardTag = tag(), plainTag = tag();
    expect((await api.put(`/id-tags/${cardTag}`, { status: 'Accepted', tariffId: 'CARD' })).body.tariffId).toBe('CARD');
    await api.put(`/id-tags/${plainTag}`, { status: 'Accepted' });
    const siteCp = newId(), plainCp = newId();
    expect((await api.put(`/charge-points/${siteCp}`, { tariffId: 'SITE' })).body.tariffId).toBe('SITE');

    const a = await start16(siteCp, cardTag);
    expect(await txOf(a.transactionId)).toMatchObject({ tariffId: 'CARD', tariffSource: 'idTag' });
    const b = await start16(siteCp, plainTag);
    expect(await txOf(b.transactionId)).toMatchObject({ tariffId: 'SITE', tariffSource: 'chargePoint' });
    const c = await start16(plainCp, plainTag);
    expect((await txOf(c.transactionId)).tariffId).toBeUndefined();
    await c.cp.close();

    await api.put('/tariffs/default', energy(0.3));
    const d = await start16(plainCp, plainTag);
    expect(await txOf(d.transactionId)).toMatchObject({ tariffId: 'default', tariffSource: 'default' });
    // A tag naming a tariff that does not exist falls back as if it named none.
    const ghostTag = tag();
    await api.put(`/id-tags/${ghostTag}`, { status: 'Accepted', tariffId: 'NO-SUCH' });
    await d.cp.close();
    const e = await start16(siteCp, ghostTag);
    expect(await txOf(e.transactionId)).toMatchObject({ tariffId: 'SITE', tariffSource: 'chargePoint' });

    // A change of the tag's tariff applies to the next session, not the running one.
    await api.put(`/id-tags/${cardTag}`, { status: 'Accepted', tariffId: 'SITE' });
    // (the newest connection of that charge point is e's)
    await e.cp.call('MeterValues', { connectorId: 1, transactionId: a.transactionId, meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: '10' }] }] });
    await e.cp.call('StopTransaction', { transactionId: a.transactionId, meterStop: 100, timestamp: new Date().toISOString() });
    expect(await txOf(a.transactionId)).toMatchObject({ tariffId: 'CARD', tariffSource: 'idTag' });
    for (const x of [a, b, e]) await x.cp.close().catch(() => undefined);
  });

  it('refuses a malformed tariffId on id tags and charge points', async () => {
    expect((await csms.api.put(`/id-tags/${tag()}`, { status: 'Accepted', tariffId: 'a/b' })).status).toBe(400);
    expect((await csms.api.put(`/charge-points/${newId()}`, { tariffId: 42 })).status).toBe(400);
  });
});
