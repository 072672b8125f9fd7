/**
 * OCPP 1.6 over SOAP, CSMS → station, the rest of the ChargePointService: every operation of the
 * official WSDL that test/integration/soap-calls-16.test.ts does not exercise, end to end through
 * POST /api/charge-points/{id}/calls/{Action} to the `soap` library's server built from the WSDL.
 * Each case checks what the station received (as the library decoded it from our XML), the API's
 * answer (as we decoded it from the library's XML) and, where the CSMS keeps state from the
 * answer, that state through the API.
 */
import { bootCsms } from '../support/local';
import { newId } from '../support/clients';
import { soapStation, soapStationServer, CP_WSDL } from '../support/soap-station';
import { readFileSync } from 'node:fs';

let csms: Awaited<ReturnType<typeof bootCsms>>;
let soapUrl: string;
let server: Awaited<ReturnType<typeof soapStationServer>>;
const held = new Set<number>();
const at = (s: number) => new Date(Date.UTC(2030, 0, 1) + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

beforeAll(async () => {
  csms = await bootCsms();
  soapUrl = `http://127.0.0.1:${csms.port}/ocpp/soap`;
  server = await soapStationServer({
    ChangeConfiguration: (a) => ({ status: a.key === 'HeartbeatInterval' ? 'Accepted' : a.key === 'MeterValueSampleInterval' ? 'RebootRequired' : 'NotSupported' }),
    ClearCache: () => ({ status: 'Accepted' }),
    GetDiagnostics: (a) => ({ fileName: `diag-${a.retries}.zip` }),
    GetLocalListVersion: () => ({ listVersion: 41 }),
    SendLocalList: (a) => ({ status: a.updateType === 'Full' ? 'Accepted' : 'VersionMismatch' }),
    ReserveNow: (a) => {
      held.add(a.reservationId);
      return { status: 'Accepted' };
    },
    CancelReservation: (a) => ({ status: held.delete(a.reservationId) ? 'Accepted' : 'Rejected' }),
    DataTransfer: (a) => ({ status: 'Accepted', data: `echo:${a.data}` }),
    SetChargingProfile: () => ({ status: 'Accepted' }),
    ClearChargingProfile: () => ({ status: 'Accepted' }),
    GetCompositeSchedule: (a) => ({
      status: 'Accepted', connectorId: a.connectorId, scheduleStart: at(1800),
      chargingSchedule: { duration: a.duration, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 8.5 }] },
    }),
    TriggerMessage: (a) => ({ status: a.requestedMessage === 'Heartbeat' ? 'Accepted' : 'NotImplemented' }),
  });
});
afterAll(async () => {
  await server.close();
  await csms.close();
});

async function bootedSoapStation() {
  const id = newId('SOAPOP');
  const st = await soapStation(soapUrl, id, { from: server.url });
  await st.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'S-22' });
  return { id, st };
}
const lastRequest = (operation: string, id: string) =>
  [...server.received].reverse().find((r) => r.operation === operation && r.headers.chargeBoxIdentity === id);
/** What the station was sent, with the WS-Addressing Action the request carried. */
async function call(id: string, action: string, payload: unknown) {
  const r = await csms.api.post(`/charge-points/${id}/calls/${action}`, payload);
  const req = lastRequest(action, id);
  expect(req).toBeDefined();
  expect(req!.headers.Action.$value ?? req!.headers.Action).toBe(`/${action}`);
  return { status: r.status, body: r.body, args: req!.args };
}
const arr = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe('every ChargePointService operation to a SOAP station through the calls API', () => {
  it('the WSDL has exactly the operations exercised here and in soap-calls-16', () => {
    const ops = new Set([...readFileSync(CP_WSDL, 'utf8').matchAll(/<wsdl:operation name="(\w+)">/g)].map((m) => m[1]));
    const here = ['ChangeConfiguration', 'ClearCache', 'GetDiagnostics', 'GetLocalListVersion', 'SendLocalList', 'ReserveNow', 'CancelReservation',
      'DataTransfer', 'SetChargingProfile', 'ClearChargingProfile', 'GetCompositeSchedule', 'TriggerMessage'];
    const there = ['Reset', 'GetConfiguration', 'RemoteStartTransaction', 'RemoteStopTransaction', 'UnlockConnector', 'ChangeAvailability', 'UpdateFirmware'];
    expect([...ops].sort()).toEqual([...here, ...there].sort());
  });

  it('ChangeConfiguration: Accepted and RebootRequired update the stored configuration, NotSupported does not', async () => {
    const { id } = await bootedSoapStation();
    const ok = await call(id, 'ChangeConfiguration', { key: 'HeartbeatInterval', value: '120' });
    expect([ok.status, ok.body]).toEqual([200, { response: { status: 'Accepted' } }]);
    expect(ok.args).toEqual({ key: 'HeartbeatInterval', value: '120' });
    const reboot = await call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' });
    expect(reboot.body).toEqual({ response: { status: 'RebootRequired' } });
    const no = await call(id, 'ChangeConfiguration', { key: 'Nope', value: 'x' });
    expect(no.body).toEqual({ response: { status: 'NotSupported' } });
    const items = (await csms.api.get(`/charge-points/${id}/configuration`)).body.items as Array<{ variableKey: string; value: string; pendingReboot?: boolean }>;
    expect(items.find((v) => v.variableKey === 'HeartbeatInterval')).toMatchObject({ value: '120' });
    expect(items.find((v) => v.variableKey === 'MeterValueSampleInterval')).toMatchObject({ value: '30', pendingReboot: true });
    expect(items.find((v) => v.variableKey === 'Nope')).toBeUndefined();
  });

  it('ClearCache: an empty request element, the status back', async () => {
    const { id } = await bootedSoapStation();
    const r = await call(id, 'ClearCache', {});
    expect([r.status, r.body]).toEqual([200, { response: { status: 'Accepted' } }]);
    expect(r.args ?? {}).toEqual({});
  });

  it('GetDiagnostics: anyURI, ints and dateTimes go over as the WSDL types them; the fileName comes back', async () => {
    const { id } = await bootedSoapStation();
    const payload = { location: 'ftp://diag.example.com/up/', retries: 3, retryInterval: 60, startTime: at(0), stopTime: at(3600) };
    const r = await call(id, 'GetDiagnostics', payload);
    expect([r.status, r.body]).toEqual([200, { response: { fileName: 'diag-3.zip' } }]);
    expect(r.args).toEqual({ ...payload, startTime: new Date(payload.startTime), stopTime: new Date(payload.stopTime) });
  });

  it('GetLocalListVersion and SendLocalList: the version the station holds is recorded', async () => {
    const { id } = await bootedSoapStation();
    const v = await call(id, 'GetLocalListVersion', {});
    expect([v.status, v.body]).toEqual([200, { response: { listVersion: 41 } }]);
    expect((await csms.api.get(`/charge-points/${id}/local-list`)).body).toMatchObject({ reportedVersion: 41 });

    const list = [
      { idTag: 'SOAPTAG1', idTagInfo: { status: 'Accepted', expiryDate: at(86400), parentIdTag: 'GROUP1' } },
      { idTag: 'SOAPTAG2', idTagInfo: { status: 'Blocked' } },
    ];
    const sent = await call(id, 'SendLocalList', { listVersion: 42, updateType: 'Full', localAuthorizationList: list });
    expect(sent.body).toEqual({ response: { status: 'Accepted' } });
    expect(sent.args.listVersion).toBe(42);
    expect(sent.args.updateType).toBe('Full');
    expect(arr(sent.args.localAuthorizationList)).toEqual([
      { idTag: 'SOAPTAG1', idTagInfo: { status: 'Accepted', expiryDate: new Date(at(86400)), parentIdTag: 'GROUP1' } },
      { idTag: 'SOAPTAG2', idTagInfo: { status: 'Blocked' } },
    ]);
    expect((await csms.api.get(`/charge-points/${id}/local-list`)).body).toMatchObject({ reportedVersion: 42 });

    // Not Accepted: the recorded version stays.
    const mismatch = await call(id, 'SendLocalList', { listVersion: 43, updateType: 'Differential', localAuthorizationList: [list[1]] });
    expect(mismatch.body).toEqual({ response: { status: 'VersionMismatch' } });
    expect((await csms.api.get(`/charge-points/${id}/local-list`)).body).toMatchObject({ reportedVersion: 42 });
  });

  it('ReserveNow then CancelReservation: the reservation is Active, then Cancelled; cancelling again is Rejected', async () => {
    const { id } = await bootedSoapStation();
    const reservationId = 700_000 + Math.floor(Math.random() * 100_000);
    const expiryDate = inMinutes(30);
    const r = await call(id, 'ReserveNow', { connectorId: 1, expiryDate, idTag: 'SOAPRES', parentIdTag: 'SOAPGRP', reservationId });
    expect([r.status, r.body]).toEqual([200, { response: { status: 'Accepted' } }]);
    expect(r.args).toEqual({ connectorId: 1, expiryDate: new Date(expiryDate), idTag: 'SOAPRES', parentIdTag: 'SOAPGRP', reservationId });
    const reservations = async () => (await csms.api.get(`/reservations?chargePointId=${encodeURIComponent(id)}`)).body.items;
    expect(await reservations()).toEqual([expect.objectContaining({ reservationId, connectorId: 1, idTag: 'SOAPRES', expiryDate, status: 'Active' })]);

    const c = await call(id, 'CancelReservation', { reservationId });
    expect(c.body).toEqual({ response: { status: 'Accepted' } });
    expect(c.args).toEqual({ reservationId });
    expect(await reservations()).toEqual([expect.objectContaining({ reservationId, status: 'Cancelled' })]);
    expect((await call(id, 'CancelReservation', { reservationId })).body).toEqual({ response: { status: 'Rejected' } });
  });

  it('DataTransfer: vendorId, messageId and data there, status and data back', async () => {
    const { id } = await bootedSoapStation();
    const r = await call(id, 'DataTransfer', { vendorId: 'com.acme', messageId: 'Ping', data: '<not xml> & "quoted"' });
    expect([r.status, r.body]).toEqual([200, { response: { status: 'Accepted', data: 'echo:<not xml> & "quoted"' } }]);
    expect(r.args).toEqual({ vendorId: 'com.acme', messageId: 'Ping', data: '<not xml> & "quoted"' });
  });

  it('SetChargingProfile, GetCompositeSchedule, ClearChargingProfile: the nested profile goes over, the model and the report follow', async () => {
    const { id } = await bootedSoapStation();
    const profile = {
      chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { startSchedule: at(0), chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 3600, limit: 8.5 }] },
    };
    const set = await call(id, 'SetChargingProfile', { connectorId: 1, csChargingProfiles: profile });
    expect([set.status, set.body]).toEqual([200, { response: { status: 'Accepted' } }]);
    expect(set.args.connectorId).toBe(1);
    const got = set.args.csChargingProfiles;
    expect(got).toMatchObject({ chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute' });
    expect(got.chargingSchedule.startSchedule).toEqual(new Date(at(0)));
    expect(got.chargingSchedule.chargingRateUnit).toBe('A');
    expect(arr(got.chargingSchedule.chargingSchedulePeriod).map((p: { startPeriod: unknown; limit: unknown }) => [Number(p.startPeriod), Number(p.limit)])).toEqual([[0, 16], [3600, 8.5]]);
    const profiles = async () => (await csms.api.get(`/charge-points/${id}/charging-profiles`)).body.items as Array<{ chargingProfileId: number }>;
    expect((await profiles()).map((p) => p.chargingProfileId)).toEqual([7]);

    const g = await call(id, 'GetCompositeSchedule', { connectorId: 1, duration: 7200, chargingRateUnit: 'A' });
    expect([g.status, g.body]).toEqual([200, { response: {
      status: 'Accepted', connectorId: 1, scheduleStart: at(1800),
      chargingSchedule: { duration: 7200, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }, { startPeriod: 1800, limit: 8.5 }] },
    } }]);
    expect(g.args).toEqual({ connectorId: 1, duration: 7200, chargingRateUnit: 'A' });
    const report = (await csms.api.get(`/charge-points/${id}/composite-schedule?connectorId=1&compare=true`)).body;
    expect(report).toMatchObject({ connectorId: 1, request: { connectorId: 1, duration: 7200, chargingRateUnit: 'A' }, reported: g.body.response });

    const clear = await call(id, 'ClearChargingProfile', { id: 7 });
    expect(clear.body).toEqual({ response: { status: 'Accepted' } });
    expect(clear.args).toEqual({ id: 7 });
    expect(await profiles()).toEqual([]);
  });

  it('TriggerMessage: the requested message and connector there, the status back', async () => {
    const { id } = await bootedSoapStation();
    const ok = await call(id, 'TriggerMessage', { requestedMessage: 'Heartbeat' });
    expect([ok.status, ok.body]).toEqual([200, { response: { status: 'Accepted' } }]);
    expect(ok.args).toEqual({ requestedMessage: 'Heartbeat' });
    const other = await call(id, 'TriggerMessage', { requestedMessage: 'MeterValues', connectorId: 2 });
    expect(other.body).toEqual({ response: { status: 'NotImplemented' } });
    expect(other.args).toEqual({ requestedMessage: 'MeterValues', connectorId: 2 });
  });
});
