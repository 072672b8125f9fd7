/**
 * OCPP 1.6 block C (remote commands) and the remote start/stop use cases of block B, driven by an
 * operator through the API against strict 1.6 charge points.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };
let seq = 0;
const newTag = () => `R${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);
type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function station(id = newId()) {
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  const boot = await cp.call('BootNotification', boot16);
  const status = (connectorId: number, s: string) => cp.call('StatusNotification', { connectorId, errorCode: 'NoError', status: s });
  return { id, cp, status, boot };
}
async function acceptedTag() {
  const tag = newTag();
  await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
  return tag;
}
const call = (id: string, action: string, payload: unknown) => csms.api.post(`/charge-points/${id}/calls/${action}`, payload);
const now = () => new Date().toISOString();

describe('Remote start/stop transaction (1.6 §5.11, §5.12)', () => {
  it('remote start first: RemoteStart, Authorize, Preparing, StartTransaction; then RemoteStop ends it with reason Remote', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    const asked: Params[] = [];
    cp.handle('RemoteStartTransaction', async ({ params }) => {
      asked.push(params!);
      return { status: 'Accepted' };
    });
    cp.handle('RemoteStopTransaction', async ({ params }) => {
      asked.push(params!);
      return { status: 'Accepted' };
    });
    const res = await call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: tag });
    expect(res).toEqual({ status: 200, body: { response: { status: 'Accepted' } } });
    expect(asked).toEqual([{ connectorId: 1, idTag: tag }]);
    // AuthorizeRemoteTxRequests=true: the station checks the tag first.
    expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted');
    await status(1, 'Preparing');
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: now() });
    await status(1, 'Charging');

    expect((await call(id, 'RemoteStopTransaction', { transactionId })).body.response.status).toBe('Accepted');
    expect(asked[1]).toEqual({ transactionId });
    const requested = (await csms.api.get(`/transactions/${transactionId}`)).body;
    expect(requested).toMatchObject({ active: true });
    expect(Date.parse(requested.stopRequestedAt)).not.toBeNaN();
    await cp.call('StopTransaction', { transactionId, idTag: tag, meterStop: 3000, timestamp: now(), reason: 'Remote' });
    await status(1, 'Finishing');
    expect((await csms.api.get(`/transactions/${transactionId}`)).body).toMatchObject({ active: false, stopReason: 'Remote', energyWh: 3000 });
    await cp.close();
  });

  it('cable plugin first: Preparing, then RemoteStart (with a charging profile), StartTransaction', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    await status(1, 'Preparing');
    let received: Params | undefined;
    cp.handle('RemoteStartTransaction', async ({ params }) => {
      received = params;
      return { status: 'Accepted' };
    });
    const chargingProfile = {
      chargingProfileId: 7, stackLevel: 0, chargingProfilePurpose: 'TxProfile', chargingProfileKind: 'Relative',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    };
    const res = await call(id, 'RemoteStartTransaction', { connectorId: 1, idTag: tag, chargingProfile });
    expect(res.status).toBe(200);
    expect(received).toEqual({ connectorId: 1, idTag: tag, chargingProfile });
    const { transactionId, idTagInfo } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: now() });
    expect(idTagInfo.status).toBe('Accepted');
    await status(1, 'Charging');
    expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([expect.objectContaining({ transactionId, connectorId: 1 })]);
    await cp.close();
  });

  it('a Rejected remote start changes nothing; an invalid payload is refused before sending', async () => {
    const { id, cp } = await station();
    cp.handle('RemoteStartTransaction', async () => ({ status: 'Rejected' }));
    expect((await call(id, 'RemoteStartTransaction', { idTag: newTag() })).body.response.status).toBe('Rejected');
    const bad = await call(id, 'RemoteStartTransaction', { connectorId: 1 });
    expect([bad.status, bad.body.error]).toEqual([400, 'InvalidPayload']);
    expect((await csms.api.get(`/transactions?chargePointId=${id}`)).body.items).toEqual([]);
    await cp.close();
  });

  it('not while Pending (§4.2): RemoteStart/RemoteStop get 409; other commands still go through', async () => {
    const id = newId();
    await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' });
    const { cp, boot } = await station(id);
    expect(boot.status).toBe('Pending');
    let asked = 0;
    cp.handle('RemoteStartTransaction', async () => (asked++, { status: 'Accepted' }));
    cp.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '300' }] }));
    const start = await call(id, 'RemoteStartTransaction', { idTag: newTag() });
    expect(start.status).toBe(409);
    expect(start.body).toMatchObject({ error: 'Pending', message: expect.stringMatching(/not allowed while .* Pending/) });
    expect((await call(id, 'RemoteStopTransaction', { transactionId: 1 })).status).toBe(409);
    expect(asked).toBe(0);
    expect((await call(id, 'GetConfiguration', {})).status).toBe(200);
    await cp.close();
  });
});

describe('Unlock connector (1.6 §5.18)', () => {
  it('without a transaction: Unlocked', async () => {
    const { id, cp } = await station();
    cp.handle('UnlockConnector', async ({ params }) => ({ status: params!.connectorId === 1 ? 'Unlocked' : 'NotSupported' }));
    expect((await call(id, 'UnlockConnector', { connectorId: 1 })).body).toEqual({ response: { status: 'Unlocked' } });
    expect((await call(id, 'UnlockConnector', { connectorId: 2 })).body).toEqual({ response: { status: 'NotSupported' } });
    await cp.close();
  });

  it('with a transaction: the station stops it (reason UnlockCommand) and unlocks', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 100, timestamp: now() });
    await status(1, 'Charging');
    cp.handle('UnlockConnector', async () => ({ status: 'Unlocked' }));
    expect((await call(id, 'UnlockConnector', { connectorId: 1 })).body.response.status).toBe('Unlocked');
    await cp.call('StopTransaction', { transactionId, meterStop: 150, timestamp: now(), reason: 'UnlockCommand' });
    await status(1, 'Available');
    expect((await csms.api.get(`/transactions/${transactionId}`)).body).toMatchObject({ active: false, stopReason: 'UnlockCommand', energyWh: 50 });
    expect((await csms.api.get(`/charge-points/${id}`)).body.activeTransactions).toEqual([]);
    await cp.close();
  });
});

describe('Reset (1.6 §5.14)', () => {
  it('without a transaction: Soft reset accepted, the station reboots and boots again', async () => {
    const { id, cp } = await station();
    cp.handle('Reset', async () => ({ status: 'Accepted' }));
    expect((await call(id, 'Reset', { type: 'Soft' })).body.response.status).toBe('Accepted');
    await cp.close();
    const again = await station(id);
    expect(again.boot.status).toBe('Accepted');
    await again.cp.close();
  });

  it('with a transaction: the station ends it (reason HardReset) before rebooting', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    const { transactionId } = await cp.call('StartTransaction', { connectorId: 1, idTag: tag, meterStart: 0, timestamp: now() });
    await status(1, 'Charging');
    cp.handle('Reset', async ({ params }) => ({ status: params!.type === 'Hard' ? 'Accepted' : 'Rejected' }));
    expect((await call(id, 'Reset', { type: 'Hard' })).body.response.status).toBe('Accepted');
    await cp.call('StopTransaction', { transactionId, meterStop: 900, timestamp: now(), reason: 'HardReset' });
    await cp.close();
    const again = await station(id);
    await again.status(1, 'Available');
    expect((await csms.api.get(`/transactions/${transactionId}`)).body).toMatchObject({ active: false, stopReason: 'HardReset', energyWh: 900 });
    await again.cp.close();
  });
});

describe('Change availability, clear cache, data transfer, configuration (1.6 §5.2, §5.4, §5.6, §5.3/§5.8)', () => {
  it('records every ChangeAvailability answer (Accepted / Scheduled / Rejected) on the charge point', async () => {
    const { id, cp, status } = await station();
    const tag = await acceptedTag();
    await cp.call('StartTransaction', { connectorId: 2, idTag: tag, meterStart: 0, timestamp: now() });
    await status(2, 'Charging');
    cp.handle('ChangeAvailability', async ({ params }) => ({ status: params!.connectorId === 2 ? 'Scheduled' : params!.connectorId === 0 ? 'Rejected' : 'Accepted' }));
    expect((await call(id, 'ChangeAvailability', { connectorId: 1, type: 'Inoperative' })).body.response.status).toBe('Accepted');
    expect((await call(id, 'ChangeAvailability', { connectorId: 2, type: 'Inoperative' })).body.response.status).toBe('Scheduled');
    expect((await call(id, 'ChangeAvailability', { connectorId: 0, type: 'Operative' })).body.response.status).toBe('Rejected');
    await status(1, 'Unavailable');
    const view = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(view.availability).toMatchObject({
      0: { type: 'Operative', status: 'Rejected' },
      1: { type: 'Inoperative', status: 'Accepted' },
      2: { type: 'Inoperative', status: 'Scheduled' },
    });
    expect(view.connectors['1'].status).toBe('Unavailable');
    // A later answer replaces the earlier one.
    expect((await call(id, 'ChangeAvailability', { connectorId: 1, type: 'Operative' })).status).toBe(200);
    expect((await csms.api.get(`/charge-points/${id}`)).body.availability['1']).toMatchObject({ type: 'Operative', status: 'Accepted' });
    await cp.close();
  });

  it('ClearCache, DataTransfer and ChangeConfiguration/GetConfiguration go through the calls API', async () => {
    const { id, cp } = await station();
    cp.handle('ClearCache', async () => ({ status: 'Accepted' }));
    cp.handle('DataTransfer', async ({ params }) => (params!.vendorId === 'com.acme' ? { status: 'Accepted', data: `pong:${params!.data}` } : { status: 'UnknownVendorId' }));
    cp.handle('ChangeConfiguration', async () => ({ status: 'Accepted' }));
    cp.handle('GetConfiguration', async () => ({ configurationKey: [{ key: 'MeterValueSampleInterval', readonly: false, value: '60' }] }));
    expect((await call(id, 'ClearCache', {})).body).toEqual({ response: { status: 'Accepted' } });
    expect((await call(id, 'DataTransfer', { vendorId: 'com.acme', messageId: 'Ping', data: 'x' })).body).toEqual({ response: { status: 'Accepted', data: 'pong:x' } });
    expect((await call(id, 'DataTransfer', { vendorId: 'com.other' })).body.response.status).toBe('UnknownVendorId');
    expect((await call(id, 'ChangeConfiguration', { key: 'MeterValueSampleInterval', value: '30' })).body.response.status).toBe('Accepted');
    await eventually(async () => (await csms.api.get(`/charge-points/${id}/configuration`)).body.items.find((v: { variableKey: string; value: string }) => v.variableKey === 'MeterValueSampleInterval' && v.value === '30'));
    await cp.close();
  });
});
