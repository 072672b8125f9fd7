import { bootCsms } from '../support/local';

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
