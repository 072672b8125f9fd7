/**
 * OCPP 1.6 over SOAP, CSMS → station: operator calls to a SOAP station go to its endpoint (the
 * wsa:From of its messages) as ChargePointService requests; the station is the `soap` library's
 * server built from the official WSDL. Answers come back as for a JSON station, with their effects.
 */
import { bootCsms, eventually } from '../support/local';
import { newId } from '../support/clients';
import { soapStation, soapStationServer } from '../support/soap-station';

let csms: Awaited<ReturnType<typeof bootCsms>>;
let soapUrl: string;
let server: Awaited<ReturnType<typeof soapStationServer>>;
let release: (() => void) | undefined;
let firmwareWaiters: Array<(args: Record<string, unknown>) => void> = [];
const nextUpdateFirmware = () => new Promise<Record<string, unknown>>((r) => firmwareWaiters.push(r));
beforeAll(async () => {
  csms = await bootCsms();
  soapUrl = `http://127.0.0.1:${csms.port}/ocpp/soap`;
  server = await soapStationServer({
    Reset: (args) => ({ status: args.type === 'Soft' ? 'Accepted' : 'Rejected' }),
    GetConfiguration: (args) => ({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'NumberOfConnectors', readonly: true, value: '2' }],
      unknownKey: ([] as string[]).concat(args.key ?? []).filter((k) => !['HeartbeatInterval', 'NumberOfConnectors'].includes(k)),
    }),
    RemoteStartTransaction: () => ({ status: 'Accepted' }),
    RemoteStopTransaction: () => ({ status: 'Accepted' }),
    UpdateFirmware: (args) => {
      const w = firmwareWaiters;
      firmwareWaiters = [];
      // Answer first (this return), then the test drives the notifications.
      setImmediate(() => w.forEach((f) => f(args)));
      return {};
    },
    UnlockConnector: () => {
      throw { Fault: { Code: { Value: 'soap:Sender', Subcode: { Value: 'cp:NotSupported' } }, Reason: { Text: 'this station has a fixed cable' }, statusCode: 400 } };
    },
    ChangeAvailability: () => new Promise((resolve) => (release = () => resolve({ status: 'Accepted' }))),
  });
});
afterAll(async () => {
  release?.();
  await server.close();
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'S-22' };
async function bootedSoapStation(from = server.url) {
  const id = newId('SOAPCP');
  await (await soapStation(soapUrl, id, { from })).call('BootNotification', boot16);
  return id;
}
const lastRequest = (operation: string) => [...server.received].reverse().find((r) => r.operation === operation);

describe('operator calls to a SOAP station', () => {
  it('Reset: sent to the station\'s endpoint with its chargeBoxIdentity, the answer as for a JSON station', async () => {
    const id = await bootedSoapStation();
    const r = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' });
    expect(r).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });
    const req = lastRequest('Reset')!;
    expect(req.args).toEqual({ type: 'Soft' });
    expect(req.headers.chargeBoxIdentity).toBe(id);
    expect(req.headers.Action.$value ?? req.headers.Action).toBe('/Reset');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Hard' })).body).toEqual({ response: { status: 'Rejected' } });
  });

  it('GetConfiguration: repeated keys and booleans map back to JSON, and the answer\'s effect stores the configuration', async () => {
    const id = await bootedSoapStation();
    const r = await csms.api.post(`/charge-points/${id}/calls/GetConfiguration`, { key: ['HeartbeatInterval', 'NumberOfConnectors', 'Nope'] });
    expect(r.status).toBe(200);
    expect(r.body.response).toEqual({
      configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }, { key: 'NumberOfConnectors', readonly: true, value: '2' }],
      unknownKey: ['Nope'],
    });
    expect(lastRequest('GetConfiguration')!.args.key).toEqual(['HeartbeatInterval', 'NumberOfConnectors', 'Nope']);
    const stored = (await csms.api.get(`/charge-points/${id}/configuration`)).body.items as Array<Record<string, unknown>>;
    expect(JSON.stringify(stored)).toContain('NumberOfConnectors');
  });

  it('RemoteStartTransaction, then the station starts the session over SOAP', async () => {
    const id = await bootedSoapStation();
    const tag = `R${Date.now().toString(36)}`.toUpperCase().slice(0, 20);
    await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
    expect((await csms.api.post(`/charge-points/${id}/calls/RemoteStartTransaction`, { connectorId: 1, idTag: tag })).body).toEqual({ response: { status: 'Accepted' } });
    expect(lastRequest('RemoteStartTransaction')!.args).toEqual({ connectorId: 1, idTag: tag });
    const st = await soapStation(soapUrl, id);
    const start = await st.call('StartTransaction', { connectorId: 1, idTag: tag, timestamp: new Date().toISOString(), meterStart: 0 });
    expect(start.result.idTagInfo.status).toBe('Accepted');
    const active = (await csms.api.get(`/charge-points/${id}`)).body.activeTransactions;
    expect(active.map((t: { transactionId: number }) => t.transactionId)).toEqual([start.result.transactionId]);
  });

  it('a SOAP Fault from the station → 502 CallError with its subcode', async () => {
    const id = await bootedSoapStation();
    const r = await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { connectorId: 1 });
    expect(r.status).toBe(502);
    expect(r.body).toMatchObject({ error: 'CallError', code: 'NotSupported', description: 'this station has a fixed cable' });
  });

  it('an unreachable endpoint → 409 NotConnected with the cause; nothing stays pending', async () => {
    const dead = await soapStationServer({});
    const url = dead.url;
    await dead.close();
    const id = await bootedSoapStation(url);
    const r = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' });
    expect(r.status).toBe(409);
    expect(r.body.error).toBe('NotConnected');
    expect(r.body.message).toContain('ECONNREFUSED');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' })).status).toBe(409);
  });

  it('no answer in time → 504, and the slot is free again', async () => {
    const id = await bootedSoapStation();
    const r = await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability?timeoutMs=1000`, { connectorId: 0, type: 'Inoperative' });
    expect(r.status).toBe(504);
    expect(r.body.error).toBe('Timeout');
    release?.();
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' })).status).toBe(200);
  });

  it('what the ChargePointService WSDL has no operation for → 400, nothing sent; bad payloads → 400 as for JSON', async () => {
    const id = await bootedSoapStation();
    const before = server.received.length;
    const ext = await csms.api.post(`/charge-points/${id}/calls/ExtendedTriggerMessage`, { requestedMessage: 'Heartbeat' });
    expect(ext.status).toBe(400);
    expect(ext.body.error).toBe('UnknownAction');
    expect((await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Sideways' })).status).toBe(400);
    expect(server.received.length).toBe(before);
  });

  it('a SOAP station that sent no From yet → 409 NotConnected', async () => {
    const id = newId('SOAPCP');
    await (await soapStation(soapUrl, id)).call('BootNotification', boot16);
    const r = await csms.api.post(`/charge-points/${id}/calls/Reset`, { type: 'Soft' });
    expect(r.status).toBe(409);
    expect(r.body.message).toContain('wsa:From');
  });

  it('RemoteStopTransaction of a session the station runs over SOAP', async () => {
    const id = await bootedSoapStation();
    const st = await soapStation(soapUrl, id);
    const tag = `Q${Date.now().toString(36)}`.toUpperCase().slice(0, 20);
    await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
    const start = (await st.call('StartTransaction', { connectorId: 1, idTag: tag, timestamp: new Date().toISOString(), meterStart: 0 })).result;
    const r = await csms.api.post(`/charge-points/${id}/calls/RemoteStopTransaction`, { transactionId: start.transactionId });
    expect(r.body).toEqual({ response: { status: 'Accepted' } });
    expect(lastRequest('RemoteStopTransaction')!.args).toEqual({ transactionId: start.transactionId });
    await st.call('StopTransaction', { transactionId: start.transactionId, timestamp: new Date().toISOString(), meterStop: 500, reason: 'Remote' });
    expect((await csms.api.get(`/transactions/${start.transactionId}`)).body).toMatchObject({ active: false, stopReason: 'Remote', energyWh: 500 });
  });

  it('the firmware-update workflow runs unchanged for a SOAP station: UpdateFirmware over SOAP, its SOAP notifications finish the job', async () => {
    const id = newId('SOAPFW');
    const st = await soapStation(soapUrl, id, { from: server.url });
    await st.call('BootNotification', { ...boot16, firmwareVersion: '1.0.0' });
    const location = 'https://firmware.example.com/acme/s22-2.0.0.bin';
    const retrieveDate = new Date().toISOString();
    const requested = nextUpdateFirmware();
    const started = await csms.api.post('/firmware-updates', { chargePointIds: [id], location, retrieveDate });
    expect(started.status).toBe(202);
    // The soap library hands xsd:dateTime over as a Date.
    expect(await requested).toEqual({ location, retrieveDate: new Date(retrieveDate) });
    expect(lastRequest('UpdateFirmware')!.headers.chargeBoxIdentity).toBe(id);
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) await st.call('FirmwareStatusNotification', { status });
    const done = await eventually(async () => {
      const v = (await csms.api.get(`/firmware-updates/${started.body.id}`)).body;
      return v.status !== 'Running' ? v : undefined;
    }, 10_000);
    expect(done).toMatchObject({ status: 'Succeeded', summary: { total: 1, succeeded: 1 } });
    expect(done.chargePoints[0].history.map((h: { status: string }) => h.status)).toEqual(['Downloading', 'Downloaded', 'Installing', 'Installed']);
  });
});
