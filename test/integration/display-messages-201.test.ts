/**
 * OCPP 2.0.1 O01–O06 display messages with a strict 2.0.1 station against the real local runtime:
 * the CSMS keeps its copy of each station's messages from the station's answers (set, replace,
 * clear, reported by NotifyDisplayMessages) at GET /api/charge-points/{id}/display-messages.
 */
import { bootCsms } from '../support/local';
import { newId, protocol2x, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(() => csms?.close());

type Station = Awaited<ReturnType<typeof strictClient>>;
const on = (cs: Station, action: string, fn: (params: any) => unknown) => (cs.handle as any)(action, ({ params }: { params: unknown }) => fn(params)); // eslint-disable-line @typescript-eslint/no-explicit-any
async function station() {
  const id = newId();
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'Acme', model: 'DC' } });
  return { id, cs };
}
const message = (id: number, content: string, extra: Record<string, unknown> = {}) => ({ id, priority: 'NormalCycle', message: { format: 'UTF8', language: 'en', content }, ...extra });
const copy = async (id: string) => (await csms.api.get(`/charge-points/${id}/display-messages`)).body.items;

it('O01/O06/O05: set, replace by id, refuse, clear; the copy follows the station\'s answers', async () => {
  const { id, cs } = await station();
  const held = new Map<number, unknown>();
  on(cs, 'SetDisplayMessage', (p) => {
    if (p.message.priority === 'AlwaysFront' && p.message.message.format === 'HTML') return { status: 'NotSupportedMessageFormat' };
    held.set(p.message.id, p.message);
    return { status: 'Accepted' };
  });
  on(cs, 'ClearDisplayMessage', (p) => ({ status: held.delete(p.id) ? 'Accepted' : 'Unknown' }));
  expect(await copy(id)).toEqual([]);

  const set = await csms.api.post(`/charge-points/${id}/display-messages`, message(1, 'Welcome'));
  expect(set).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });
  await csms.api.post(`/charge-points/${id}/display-messages`, message(2, 'Tap card', { state: 'Idle', endDateTime: '2099-01-01T00:00:00.000Z' }));
  expect((await copy(id)).map((m: { id: number; message: { content: string } }) => [m.id, m.message.content])).toEqual([[1, 'Welcome'], [2, 'Tap card']]);
  expect((await copy(id))[1]).toMatchObject({ state: 'Idle', endDateTime: '2099-01-01T00:00:00.000Z', source: 'SetDisplayMessage' });

  // O02: a message for a transaction keeps its transactionId.
  await csms.api.post(`/charge-points/${id}/display-messages`, message(4, 'Your session', { transactionId: 'TX-9' }));
  expect((await copy(id)).find((m: { id: number }) => m.id === 4)).toMatchObject({ transactionId: 'TX-9' });
  await csms.api.delete(`/charge-points/${id}/display-messages/4`);
  // O06: the same id replaces.
  await csms.api.post(`/charge-points/${id}/display-messages`, message(1, 'Welcome back'));
  expect((await copy(id)).map((m: { message: { content: string } }) => m.message.content)).toEqual(['Welcome back', 'Tap card']);

  // Refused by the station: the copy does not change.
  const refused = await csms.api.post(`/charge-points/${id}/display-messages`, { id: 3, priority: 'AlwaysFront', message: { format: 'HTML', content: '<b>x</b>' } });
  expect(refused.body.response).toEqual({ status: 'NotSupportedMessageFormat' });
  expect((await copy(id)).map((m: { id: number }) => m.id)).toEqual([1, 2]);

  // O05: clear; an unknown id is Unknown and removes nothing else.
  expect((await csms.api.delete(`/charge-points/${id}/display-messages/1`)).body).toEqual({ response: { status: 'Accepted' } });
  expect((await csms.api.delete(`/charge-points/${id}/display-messages/77`)).body).toEqual({ response: { status: 'Unknown' } });
  expect((await copy(id)).map((m: { id: number }) => m.id)).toEqual([2]);
  await cs.close();
});

it('O03/O04: messages the station reports in NotifyDisplayMessages join the copy', async () => {
  const { id, cs } = await station();
  on(cs, 'GetDisplayMessages', () => ({ status: 'Accepted' }));
  await csms.api.post(`/charge-points/${id}/calls/GetDisplayMessages`, { requestId: 5 });
  await cs.call('NotifyDisplayMessages', { requestId: 5, tbc: false, messageInfo: [message(7, 'Out of order soon', { state: 'Faulted' }), message(8, 'Free parking')] });
  expect(await copy(id)).toEqual([
    expect.objectContaining({ id: 7, state: 'Faulted', source: 'NotifyDisplayMessages', message: { format: 'UTF8', language: 'en', content: 'Out of order soon' } }),
    expect.objectContaining({ id: 8, source: 'NotifyDisplayMessages' }),
  ]);
  await cs.close();
});

it('bad input: 400 for an invalid message (nothing sent), 404 for an unknown charge point, 409 when not connected', async () => {
  const { id, cs } = await station();
  const bad = await csms.api.post(`/charge-points/${id}/display-messages`, { id: 1, priority: 'Loud', message: { format: 'UTF8', content: 'x' } });
  expect(bad.status).toBe(400);
  expect((await csms.api.delete(`/charge-points/${id}/display-messages/abc`)).status).toBe(400);
  expect((await csms.api.get(`/charge-points/${newId()}/display-messages`)).status).toBe(404);
  await cs.close();
  const offline = await csms.api.post(`/charge-points/${id}/display-messages`, message(1, 'x'));
  expect(offline.status).toBe(409);
});
