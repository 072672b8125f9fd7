/**
 * OCPP 2.1 part 4's two new message types, on raw frames, in both routing modes: SEND (6:
 * processed, never answered) and CALLRESULTERROR (5: recorded, logged, never answered); and the
 * periodic event streams that use SEND (Open/Close from the station, Adjust/Get through the calls
 * API, NotifyPeriodicEventStream stored per stream and read back through the API).
 */
import { bootCsms, eventually } from '../support/local';
import { newId, rawClient } from '../support/clients';

type Csms = Awaited<ReturnType<typeof bootCsms>>;
const now = () => new Date().toISOString();

async function callErrors(csms: Csms): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${csms.port}/metrics`);
  const { metrics } = (await res.json()) as { metrics: Array<{ name: string; sum: number }> };
  return metrics.filter((m) => m.name === 'CallErrors').reduce((a, m) => a + m.sum, 0);
}

describe.each(['routes', 'dispatcher'] as const)('routing=%s', (routing) => {
  let csms: Csms;
  beforeAll(async () => {
    csms = await bootCsms({ routing });
  });
  afterAll(async () => {
    await csms.close();
  });

  async function station() {
    const id = newId('V21');
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, ['ocpp2.1']);
    expect(ws.ws.protocol).toBe('ocpp2.1');
    const boot = await ws.exchange([2, 'b1', 'BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } }]);
    expect([boot[0], boot[1], boot[2].status]).toEqual([3, 'b1', 'Accepted']);
    return { id, ws };
  }
  /** The next frame answers this Heartbeat: nothing was sent back for what came before it. */
  const nothingElseThenHeartbeat = async (ws: Awaited<ReturnType<typeof rawClient>>) => {
    const hb = await ws.exchange([2, 'hb', 'Heartbeat', {}]);
    expect([hb[0], hb[1]]).toEqual([3, 'hb']);
  };

  it('periodic event stream: opened by the station, SENDs stored per stream and never answered, adjusted and listed through the calls API, closed', async () => {
    const { id, ws } = await station();
    const open = await ws.exchange([2, 'o1', 'OpenPeriodicEventStream', { constantStreamData: { id: 7, variableMonitoringId: 3, params: { interval: 5, values: 2 } } }]);
    expect(open).toEqual([3, 'o1', { status: 'Accepted' }]);

    const t0 = '2026-03-01T10:00:00.000Z';
    const t1 = '2026-03-01T10:00:10.000Z';
    ws.send([6, 's1', 'NotifyPeriodicEventStream', { id: 7, pending: 1, basetime: t0, data: [{ t: 0, v: '230.1' }, { t: 5, v: '229.8' }] }]);
    ws.send([6, 's2', 'NotifyPeriodicEventStream', { id: 7, pending: 0, basetime: t1, data: [{ t: 0, v: '231' }] }]);
    const data = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/periodic-event-streams/7/data`);
      return r.status === 200 && r.body.items.length === 2 && r.body.items;
    });
    expect(data).toEqual([
      expect.objectContaining({ basetime: t0, pending: 1, data: [{ t: 0, v: '230.1' }, { t: 5, v: '229.8' }], messageId: 's1' }),
      expect.objectContaining({ basetime: t1, pending: 0, data: [{ t: 0, v: '231' }], messageId: 's2' }),
    ]);
    await nothingElseThenHeartbeat(ws);

    // AdjustPeriodicEventStream through the calls API, validated against the 2.1 schema.
    expect((await csms.api.post(`/charge-points/${id}/calls/AdjustPeriodicEventStream`, { id: 7, params: { interval: -1 } })).status).toBe(400);
    const adjusting = csms.api.post(`/charge-points/${id}/calls/AdjustPeriodicEventStream`, { id: 7, params: { interval: 60 } });
    const adjust = await ws.next();
    expect([adjust[0], adjust[2], adjust[3]]).toEqual([2, 'AdjustPeriodicEventStream', { id: 7, params: { interval: 60 } }]);
    ws.send([3, adjust[1], { status: 'Accepted' }]);
    expect((await adjusting).body).toEqual({ response: { status: 'Accepted' } });

    const listing = csms.api.post(`/charge-points/${id}/calls/GetPeriodicEventStream`, {});
    const get = await ws.next();
    expect([get[0], get[2]]).toEqual([2, 'GetPeriodicEventStream']);
    ws.send([3, get[1], { constantStreamData: [{ id: 7, variableMonitoringId: 3, params: { interval: 60 } }, { id: 8, variableMonitoringId: 4, params: {} }] }]);
    expect((await listing).status).toBe(200);
    const streams = await csms.api.get(`/charge-points/${id}/periodic-event-streams`);
    expect(streams.body.items).toEqual([
      expect.objectContaining({ id: 7, variableMonitoringId: 3, params: { interval: 60 }, open: true }),
      expect.objectContaining({ id: 8, variableMonitoringId: 4, params: {}, open: true }),
    ]);

    expect(await ws.exchange([2, 'c1', 'ClosePeriodicEventStream', { id: 7 }])).toEqual([3, 'c1', {}]);
    const closed = await csms.api.get(`/charge-points/${id}/periodic-event-streams`);
    expect(closed.body.items[0]).toMatchObject({ id: 7, open: false, closedAt: expect.any(String) });
    expect((await csms.api.get(`/charge-points/${id}/periodic-event-streams/x/data`)).status).toBe(400);
    expect((await csms.api.get(`/charge-points/nobody-${id}/periodic-event-streams`)).status).toBe(404);
    await ws.close();
  });

  it('never answers a malformed SEND, a SEND of an unknown action, or a CALL action sent as SEND; a SEND action sent as CALL gets a CALLERROR', async () => {
    const { id, ws } = await station();
    const before = await callErrors(csms);
    const bad = [
      [6, 'm1', 'NotifyPeriodicEventStream', { id: 1 }], // invalid payload (2.1 schema)
      [6, 'm2', 'NotifyPeriodicEventStream'], // no payload
      [6, 'm3', 'NotifyPeriodicEventStream', 'text'], // payload not an object
      [6, 'm4', 'NoSuchAction', {}], // unknown action
      [6, 'm5', 'Heartbeat', {}], // a CALL action
      [6, 42, 'NotifyPeriodicEventStream', {}], // no readable id
      '[6,"m6","NotifyPeriodicEventStream",{', // broken JSON
    ];
    for (const f of bad) ws.send(f);
    // Each refusal is counted (CallErrors) though nothing is sent.
    await eventually(async () => (await callErrors(csms)) - before >= bad.length - 1 || undefined);
    await nothingElseThenHeartbeat(ws);
    const asCall = await ws.exchange([2, 'c2', 'NotifyPeriodicEventStream', { id: 1, pending: 0, basetime: now(), data: [{ t: 0, v: '1' }] }]);
    expect([asCall[0], asCall[1], asCall[2]]).toEqual([4, 'c2', 'ProtocolError']);
    expect((await csms.api.get(`/charge-points/${id}/periodic-event-streams/1/data`)).body.items).toEqual([]);
    await ws.close();
  });

  it('records a CALLRESULTERROR without answering it, well-formed or not', async () => {
    const { id, ws } = await station();
    ws.send([5, 'b1', 'FormatViolation', 'your BootNotification answer was not understood', { at: 'interval' }]);
    ws.send([5, 'short']);
    ws.send([5, 'b1x']);
    const events = await eventually(async () => {
      const r = await csms.api.get(`/charge-points/${id}/events?kind=CallResultError`);
      return r.body.items?.length === 1 && r.body.items;
    });
    expect(events[0]).toMatchObject({ kind: 'CallResultError', messageId: 'b1', errorCode: 'FormatViolation', errorDescription: 'your BootNotification answer was not understood', errorDetails: { at: 'interval' } });
    await nothingElseThenHeartbeat(ws);
    await ws.close();
  });

  it('keeps types 5 and 6 unknown on 2.0.1 connections (MessageTypeNotSupported)', async () => {
    const ws = await rawClient(`${csms.chargePointUrl}/${newId('V201')}`, ['ocpp2.0.1']);
    expect((await ws.exchange([6, 'x1', 'NotifyPeriodicEventStream', {}])).slice(0, 3)).toEqual([4, 'x1', 'MessageTypeNotSupported']);
    expect((await ws.exchange([5, 'x2', 'FormatViolation', '', {}])).slice(0, 3)).toEqual([4, 'x2', 'MessageTypeNotSupported']);
    await ws.close();
  });
});
