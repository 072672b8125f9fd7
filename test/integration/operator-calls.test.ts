import { RPCError } from 'ocpp-rpc/lib/errors';
import { bootCsms, eventually } from '../support/local';
import { newId, rawClient, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };

describe('operator reads and changes a 1.6 charge point configuration through the API', () => {
  it('GetConfiguration: the answer is returned and kept as the CSMS view of the configuration', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    await cp.call('BootNotification', boot16);
    const seen: unknown[] = [];
    cp.handle('GetConfiguration', ({ params }: { params: unknown }) => {
      seen.push(params);
      return {
        configurationKey: [
          { key: 'HeartbeatInterval', readonly: false, value: '300' },
          { key: 'NumberOfConnectors', readonly: true, value: '2' },
        ],
        unknownKey: ['Nope'],
      };
    });
    const res = await csms.api.post(`/charge-points/${id}/calls/GetConfiguration`, { key: ['HeartbeatInterval', 'NumberOfConnectors', 'Nope'] });
    expect(res.status).toBe(200);
    expect(res.body.response.unknownKey).toEqual(['Nope']);
    expect(seen).toEqual([{ key: ['HeartbeatInterval', 'NumberOfConnectors', 'Nope'] }]);
    const config = await csms.api.get(`/charge-points/${id}/configuration`);
    expect(config.body.items).toEqual(expect.arrayContaining([
      expect.objectContaining({ variableKey: 'HeartbeatInterval', value: '300', readonly: false }),
      expect.objectContaining({ variableKey: 'NumberOfConnectors', value: '2', readonly: true }),
    ]));

    cp.handle('ChangeConfiguration', () => ({ status: 'Accepted' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/ChangeConfiguration`, { key: 'HeartbeatInterval', value: '120' })).body).toEqual({ response: { status: 'Accepted' } });
    const after = await csms.api.get(`/charge-points/${id}/configuration`);
    expect(after.body.items.find((v: { variableKey: string }) => v.variableKey === 'HeartbeatInterval').value).toBe('120');

    cp.handle('Reset', ({ params }: { params: { type: string } }) => ({ status: params.type === 'Soft' ? 'Accepted' : 'Rejected' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' })).body.response.status).toBe('Accepted');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Hard' })).body.response.status).toBe('Rejected');

    await cp.call('Heartbeat', {});
    // Every frame in and out is in the audit log, newest first — except heartbeats (last-seen records those).
    const log = await csms.api.get(`/charge-points/${id}/messages?limit=50`);
    const actions = log.body.items.map((m: { direction: string; action: string }) => `${m.direction}:${m.action}`);
    expect(actions).toEqual(expect.arrayContaining(['in:BootNotification', 'out:BootNotification', 'out:GetConfiguration', 'in:GetConfiguration', 'out:Reset']));
    expect(actions).not.toContain('in:Heartbeat');
    expect(log.body.items[0].frame).toEqual([3, expect.any(String), { status: 'Rejected' }]); // the last Reset answer
    await cp.close();
  });
});

describe('operator reads and sets 2.0.1 variables', () => {
  it('GetVariables / SetVariables round-trip and update the device model', async () => {
    const id = newId();
    const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    await cs.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    cs.handle('GetVariables', ({ params }: { params: { getVariableData: Array<{ component: { name: string }; variable: { name: string } }> } }) => ({
      getVariableResult: params.getVariableData.map((d) => ({ attributeStatus: 'Accepted', attributeValue: '300', component: d.component, variable: d.variable })),
    }));
    const get = await csms.api.post(`/charge-points/${id}/calls/GetVariables`, {
      getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
    });
    expect(get.status).toBe(200);
    expect(get.body.response.getVariableResult[0]).toMatchObject({ attributeStatus: 'Accepted', attributeValue: '300' });
    cs.handle('SetVariables', ({ params }: { params: { setVariableData: Array<{ component: unknown; variable: unknown }> } }) => ({
      setVariableResult: params.setVariableData.map((d) => ({ attributeStatus: 'Accepted', component: d.component, variable: d.variable })),
    }));
    const set = await csms.api.post(`/charge-points/${id}/calls/SetVariables`, {
      setVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' }],
    });
    expect(set.status).toBe(200);
    const model = await csms.api.get(`/charge-points/${id}/configuration`);
    expect(model.body.items).toEqual([expect.objectContaining({ variableKey: 'OCPPCommCtrlr/HeartbeatInterval/Actual', value: '120' })]);

    cs.handle('Reset', () => ({ status: 'Scheduled' }));
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'OnIdle' })).body.response.status).toBe('Scheduled');
    await cs.close();
  });
});

describe('calls that cannot succeed say why', () => {
  it('400 for a payload invalid for the charge point\'s version; nothing is sent', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    let calls = 0;
    cp.handle(() => {
      calls++;
      return {};
    });
    const bad = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Immediate' }); // a 2.0.1 value
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'InvalidPayload' });
    expect(bad.body.message).toMatch(/Hard, Soft/);
    const unknown = await csms.api.post(`/charge-points/${id}/calls/RequestStartTransaction`, {});
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toBe('UnknownAction');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, '{not json')).status).toBe(400);
    expect(calls).toBe(0);
    await cp.close();
  });

  it('404 for an unknown charge point, 409 for one that is not connected', async () => {
    expect((await csms.api.post(`/charge-points/${newId()}/calls/Reset`, { type: 'Soft' })).status).toBe(404);
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, {});
    const res = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' });
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('NotConnected');
  });

  it('502 CallError when the charge point answers with a CALLERROR', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    cp.handle('Reset', () => {
      throw new RPCError('Reset is disabled on this unit');
    });
    const res = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Hard' });
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'CallError', code: 'GenericError', description: 'Reset is disabled on this unit' });
    await cp.close();
  });

  it('502 InvalidResponse when the answer fails the response schema, 504 when none comes, 409 while a call is outstanding', async () => {
    const id = newId();
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, 'ocpp1.6');
    const pending = csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' });
    const [type, msgId, action, payload] = await ws.next();
    expect([type, action, payload]).toEqual([2, 'Reset', { type: 'Soft' }]);
    // One outstanding call per charge point.
    const busy = await csms.api.post(`/charge-points/${id}/calls/ClearCache`, {});
    expect(busy.status).toBe(409);
    expect(busy.body.error).toBe('Busy');
    ws.send([3, msgId, { status: 'Maybe' }]);
    const res = await pending;
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: 'InvalidResponse', response: { status: 'Maybe' } });

    const timedOut = await csms.api.post(`/charge-points/${id}/calls/ClearCache?timeoutMs=300`, {});
    expect(timedOut.status).toBe(504);
    await ws.next(); // the ClearCache call that went unanswered
    // The slot is free again after the timeout.
    const again = csms.api.post(`/charge-points/${id}/calls/ClearCache`, {});
    const [, againId] = await ws.next();
    ws.send([3, againId, { status: 'Accepted' }]);
    expect((await again).body).toEqual({ response: { status: 'Accepted' } });
    await ws.close();
  });
});

describe('charge point registry', () => {
  it('creates, lists, updates, and deletes charge points with clear errors', async () => {
    const id = newId();
    expect((await csms.api.put(`/charge-points/${id}`, { password: 'short' })).status).toBe(400);
    expect((await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Maybe' })).status).toBe(400);
    expect((await csms.api.put(`/charge-points/${id}`, { colour: 'red' })).body).toMatchObject({ error: 'BadRequest', message: expect.stringMatching(/colour/) });
    expect((await csms.api.put(`/charge-points/bad:id`, {})).status).toBe(400);
    const created = await csms.api.put(`/charge-points/${id}`, { password: 'a-good-password', registrationStatus: 'Pending' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ chargePointId: id, hasPassword: true, registrationStatus: 'Pending', connected: false });
    expect((await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Accepted' })).status).toBe(200);
    const list = await csms.api.get('/charge-points?limit=500');
    expect(list.body.items.map((c: { chargePointId: string }) => c.chargePointId)).toContain(id);
    expect((await csms.api.get('/charge-points?limit=0')).status).toBe(400);
    expect((await csms.api.get('/charge-points?nextToken=%%%')).status).toBe(400);
    expect((await csms.api.delete(`/charge-points/${id}`)).status).toBe(204);
    expect((await csms.api.get(`/charge-points/${id}`)).status).toBe(404);
    expect((await csms.api.delete(`/charge-points/${id}`)).status).toBe(404);
    expect((await csms.api.get('/nothing-here')).status).toBe(404);
    expect((await csms.api.delete('/charge-points')).status).toBe(405);
  });

  it('closes the socket of a deleted charge point', async () => {
    const id = newId();
    const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
    const closed = new Promise((r) => cp.once('close', r));
    await csms.api.delete(`/charge-points/${id}`);
    await closed;
    await eventually(async () => (await csms.api.get(`/charge-points/${id}`)).status === 404);
  });
});
