import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

/**
 * Trigger Message (OCPP 1.6 §5.17) through the calls mechanism (POST
 * /api/charge-points/{id}/calls/TriggerMessage) for every MessageTrigger value, with and without
 * connectorId: the charge point answers first, then sends the requested message, which the CSMS
 * handles like any other.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms({ env: { CSMS_CALL_TIMEOUT_MS: '2000' } });
});
afterAll(async () => {
  await csms.close();
});

type Answer = { action: string; request: Record<string, unknown>; response: Record<string, unknown> };

/** A strict 1.6 charge point with two connectors that does what TriggerMessage asks, after answering. */
async function triggerableCp(status: 'Accepted' | 'Rejected' | 'NotImplemented' = 'Accepted') {
  const id = newId('TRG');
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '1.0' });
  const answers: Answer[] = [];
  const send = async (action: string, request: Record<string, unknown>) => {
    answers.push({ action, request, response: await cp.call(action, request) });
  };
  const now = () => new Date().toISOString();
  const messagesFor: Record<string, (connectorId?: number) => Array<[string, Record<string, unknown>]>> = {
    BootNotification: () => [['BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22', firmwareVersion: '1.1' }]],
    DiagnosticsStatusNotification: () => [['DiagnosticsStatusNotification', { status: 'Idle' }]],
    FirmwareStatusNotification: () => [['FirmwareStatusNotification', { status: 'Idle' }]],
    Heartbeat: () => [['Heartbeat', {}]],
    // §5.17: "the most recent measurements"; the connector is leading when given, else every connector.
    MeterValues: (c) => (c === undefined ? [1, 2] : [c]).map((connectorId) => ['MeterValues', { connectorId, meterValue: [{ timestamp: now(), sampledValue: [{ value: String(1000 * connectorId), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }] }]),
    // §5.17: without connectorId, "the notification for the Charge Point itself and a notification for each of its connectors".
    StatusNotification: (c) => (c === undefined ? [0, 1, 2] : [c]).map((connectorId) => ['StatusNotification', { connectorId, errorCode: 'NoError', status: connectorId === 2 ? 'Preparing' : 'Available', timestamp: now() }]),
  };
  const triggers: Array<Record<string, unknown>> = [];
  cp.handle('TriggerMessage', async ({ params }) => {
    const p = params as { requestedMessage: string; connectorId?: number };
    triggers.push(p);
    // §5.17: "The Charge Point SHALL first send the TriggerMessage response, before sending the requested message."
    if (status === 'Accepted') setImmediate(() => messagesFor[p.requestedMessage](p.connectorId).reduce((prev, [action, request]) => prev.then(() => send(action, request)), Promise.resolve()));
    return { status };
  });
  return { id, cp, answers, triggers };
}

const trigger = (id: string, body: Record<string, unknown>) => csms.api.post(`/charge-points/${id}/calls/TriggerMessage`, body);

const CASES: Array<[string, number | undefined]> = [
  'BootNotification', 'DiagnosticsStatusNotification', 'FirmwareStatusNotification', 'Heartbeat', 'MeterValues', 'StatusNotification',
].flatMap((m) => [[m, undefined], [m, 1]] as Array<[string, number | undefined]>);

describe('TriggerMessage for every MessageTrigger (1.6 §5.17)', () => {
  it.each(CASES)('%s, connectorId %p: Accepted, then the requested message is sent and answered', async (requestedMessage, connectorId) => {
    const t = await triggerableCp();
    const body = connectorId === undefined ? { requestedMessage } : { requestedMessage, connectorId };
    const res = await trigger(t.id, body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ response: { status: 'Accepted' } });
    expect(t.triggers).toEqual([body]);

    const expectedCount = requestedMessage === 'StatusNotification' && connectorId === undefined ? 3 : requestedMessage === 'MeterValues' && connectorId === undefined ? 2 : 1;
    await eventually(async () => t.answers.length === expectedCount);
    for (const a of t.answers) expect(a.action).toBe(requestedMessage);

    switch (requestedMessage) {
      case 'BootNotification':
        expect(t.answers[0].response).toMatchObject({ status: 'Accepted', interval: expect.any(Number) });
        expect((await csms.api.get(`/charge-points/${t.id}`)).body.boot.firmwareVersion).toBe('1.1');
        break;
      case 'Heartbeat':
        expect(Date.parse(t.answers[0].response.currentTime as string)).not.toBeNaN();
        break;
      case 'StatusNotification': {
        const connectors = (await csms.api.get(`/charge-points/${t.id}`)).body.connectors;
        expect(Object.keys(connectors).sort()).toEqual(connectorId === undefined ? ['0', '1', '2'] : ['1']);
        if (connectorId === undefined) expect(connectors['2'].status).toBe('Preparing');
        for (const a of t.answers) expect(a.response).toEqual({});
        break;
      }
      default:
        for (const a of t.answers) expect(a.response).toEqual({});
    }
    // The exchange is in the charge point's message log: our TriggerMessage, then its message
    // (heartbeats are not logged: last-seen records them).
    const log = await csms.api.get(`/charge-points/${t.id}/messages?limit=20`);
    const actions = log.body.items.map((m: { direction: string; action: string }) => `${m.direction}:${m.action}`);
    expect(actions).toEqual(expect.arrayContaining(['out:TriggerMessage', ...(requestedMessage === 'Heartbeat' ? [] : [`in:${requestedMessage}`])]));
    await t.cp.close();
  });
});

describe('TriggerMessage answers and failures', () => {
  it('passes Rejected and NotImplemented back to the operator; nothing follows', async () => {
    for (const status of ['Rejected', 'NotImplemented'] as const) {
      const t = await triggerableCp(status);
      expect((await trigger(t.id, { requestedMessage: 'Heartbeat' })).body).toEqual({ response: { status } });
      await new Promise((r) => setTimeout(r, 100));
      expect(t.answers).toEqual([]);
      await t.cp.close();
    }
  });

  it('refuses an invalid request before sending (schema), and answers unknown / offline charge points', async () => {
    const t = await triggerableCp();
    const bad = await trigger(t.id, { requestedMessage: 'StartTransaction' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('InvalidPayload');
    expect((await trigger(t.id, { requestedMessage: 'Heartbeat', connectorId: 'one' })).status).toBe(400);
    expect(t.triggers).toEqual([]);
    expect((await trigger('no-such-cp', { requestedMessage: 'Heartbeat' })).status).toBe(404);
    await t.cp.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${t.id}`)).body.connected === false);
    const offline = await trigger(t.id, { requestedMessage: 'Heartbeat' });
    expect([offline.status, offline.body.error]).toEqual([409, 'NotConnected']);
  });

  it('reports a CALLERROR answer as 502, and no answer as 504', async () => {
    const id = newId('TRG');
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'AC-22' });
    cp.handle('TriggerMessage', async () => {
      throw Object.assign(new Error('busy'), { rpcErrorCode: 'InternalError' });
    });
    const failed = await trigger(id, { requestedMessage: 'Heartbeat' });
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ error: 'CallError', code: 'InternalError' });
    cp.handle('TriggerMessage', () => new Promise(() => undefined));
    const silent = await csms.api.post(`/charge-points/${id}/calls/TriggerMessage?timeoutMs=300`, { requestedMessage: 'Heartbeat' });
    expect(silent.status).toBe(504);
    await cp.close({ force: true });
  });
});
