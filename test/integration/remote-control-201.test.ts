import { handlersFor } from '../../shared/ocpp/routes';
import { bootCsms, eventually } from '../support/local';
import { newId, protocol2x, rawClient, strictClient } from '../support/clients';

/**
 * OCPP 2.0.1 remote control through the operator API with strict 2.0.1 charge points:
 * F05 Remotely Unlock Connector, F06 Trigger Message (every requestedMessage value, and the
 * triggered message answered), G03/G04 Change Availability of an EVSE / the whole station.
 */
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

type Station = Awaited<ReturnType<typeof strictClient>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const on = (cs: Station, action: string, fn: (params: any) => unknown) => (cs.handle as any)(action, ({ params }: { params: unknown }) => fn(params));
const now = () => new Date().toISOString();
const bootPayload = (reason = 'PowerUp') => ({ reason, chargingStation: { model: 'DC-150', vendorName: 'Acme' } });

async function station(): Promise<{ id: string; cs: Station }> {
  const id = newId('RC');
  const cs = await strictClient(csms.chargePointUrl, id, protocol2x());
  expect((await cs.call('BootNotification', bootPayload())).status).toBe('Accepted');
  return { id, cs };
}

describe('F05 Remotely Unlock Connector', () => {
  it('sends evseId + connectorId and returns each answer the station can give', async () => {
    const { id, cs } = await station();
    const seen: unknown[] = [];
    on(cs, 'UnlockConnector', (p) => {
      seen.push(p);
      if (p.evseId === 9) return { status: 'UnknownConnector' };
      if (p.evseId === 2) return { status: 'OngoingAuthorizedTransaction', statusInfo: { reasonCode: 'TxInProgress' } };
      return { status: p.connectorId === 1 ? 'Unlocked' : 'UnlockFailed' };
    });
    expect((await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { evseId: 1, connectorId: 1 })).body).toEqual({ response: { status: 'Unlocked' } });
    expect((await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { evseId: 1, connectorId: 2 })).body.response.status).toBe('UnlockFailed');
    expect((await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { evseId: 2, connectorId: 1 })).body.response).toEqual({ status: 'OngoingAuthorizedTransaction', statusInfo: { reasonCode: 'TxInProgress' } });
    expect((await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { evseId: 9, connectorId: 1 })).body.response.status).toBe('UnknownConnector');
    expect(seen).toEqual([{ evseId: 1, connectorId: 1 }, { evseId: 1, connectorId: 2 }, { evseId: 2, connectorId: 1 }, { evseId: 9, connectorId: 1 }]);

    // 1.6 shape, missing connector: refused before anything is sent.
    const bad = await csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { connectorId: 1 });
    expect([bad.status, bad.body.error]).toEqual([400, 'InvalidPayload']);
    expect(seen).toHaveLength(4);
    await cs.close();
  });

  it('502 InvalidResponse when the station answers with a status 2.0.1 does not have', async () => {
    const id = newId('RC');
    const ws = await rawClient(`${csms.chargePointUrl}/${id}`, [protocol2x()]);
    await ws.exchange([2, 'b', 'BootNotification', bootPayload()]);
    const pending = csms.api.post(`/charge-points/${id}/calls/UnlockConnector`, { evseId: 1, connectorId: 1 });
    const [, msgId, action] = await ws.next();
    expect(action).toBe('UnlockConnector');
    ws.send([3, msgId, { status: 'NotSupported' }]); // the 1.6 value
    const res = await pending;
    expect([res.status, res.body.error]).toEqual([502, 'InvalidResponse']);
    await ws.close();
  });
});

describe('F06 Trigger Message', () => {
  it('every requestedMessage goes out as asked; the triggered messages are answered', async () => {
    const { id, cs } = await station();
    const asked: unknown[] = [];
    const follow: Record<string, () => Promise<unknown>> = {
      BootNotification: () => cs.call('BootNotification', bootPayload('Triggered')),
      Heartbeat: () => cs.call('Heartbeat', {}),
      StatusNotification: () => cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Unavailable', evseId: 1, connectorId: 1 }),
      MeterValues: () => cs.call('MeterValues', { evseId: 1, meterValue: [{ timestamp: now(), sampledValue: [{ value: 230.1, measurand: 'Voltage', phase: 'L1-N', context: 'Trigger' }] }] }),
      LogStatusNotification: () => cs.call('LogStatusNotification', { status: 'Idle' }),
      FirmwareStatusNotification: () => cs.call('FirmwareStatusNotification', { status: 'Idle' }),
      SignChargingStationCertificate: () => cs.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----', certificateType: 'ChargingStationCertificate' }),
      SignV2GCertificate: () => cs.call('SignCertificate', { csr: '-----BEGIN CERTIFICATE REQUEST-----', certificateType: 'V2GCertificate' }),
    };
    const triggered: Array<Promise<{ message: string; answer?: unknown; error?: string }>> = [];
    on(cs, 'TriggerMessage', (p) => {
      asked.push(p);
      const send = follow[p.requestedMessage];
      if (!send) return { status: 'NotImplemented' };
      // F06.FR.05: the triggered message follows the answer.
      triggered.push(new Promise((r) => setTimeout(r, 5)).then(send).then(
        (answer) => ({ message: p.requestedMessage, answer }),
        (e: { rpcErrorCode?: string }) => ({ message: p.requestedMessage, error: e.rpcErrorCode ?? String(e) }),
      ));
      return { status: 'Accepted' };
    });

    const requests = [
      { requestedMessage: 'BootNotification' },
      { requestedMessage: 'Heartbeat' },
      { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
      { requestedMessage: 'MeterValues', evse: { id: 1 } },
      { requestedMessage: 'LogStatusNotification' },
      { requestedMessage: 'FirmwareStatusNotification' },
      { requestedMessage: 'SignChargingStationCertificate' },
      { requestedMessage: 'SignV2GCertificate' },
      { requestedMessage: 'SignCombinedCertificate' },
      { requestedMessage: 'PublishFirmwareStatusNotification' },
    ];
    for (const req of requests) {
      const res = await csms.api.post(`/charge-points/${id}/calls/TriggerMessage`, req);
      expect([req.requestedMessage, res.status, res.body.response?.status]).toEqual([req.requestedMessage, 200, follow[req.requestedMessage] ? 'Accepted' : 'NotImplemented']);
    }
    expect(asked).toEqual(requests);

    const results = Object.fromEntries((await Promise.all(triggered)).map((r) => [r.message, r]));
    expect(results.BootNotification.answer).toMatchObject({ status: 'Accepted', interval: expect.any(Number) });
    expect(results.Heartbeat.answer).toEqual({ currentTime: expect.any(String) });
    expect(results.StatusNotification.answer).toEqual({});
    expect(results.MeterValues.answer).toEqual({});
    // Messages of blocks this CSMS may not implement for 2.0.1 are still answered: {} or NotSupported, as the route table says.
    for (const [msg, action] of [['LogStatusNotification', 'LogStatusNotification'], ['FirmwareStatusNotification', 'FirmwareStatusNotification'],
      ['SignChargingStationCertificate', 'SignCertificate'], ['SignV2GCertificate', 'SignCertificate']]) {
      const expected = handlersFor(action)?.['2.0.1'] ? { message: msg, answer: expect.anything() } : { message: msg, error: 'NotSupported' };
      expect(results[msg]).toEqual(expected);
    }
    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.boot).toMatchObject({ reason: 'Triggered' });
    expect(view.body.connectors['1/1']).toMatchObject({ status: 'Unavailable' });

    // A value 2.0.1 does not know never reaches the station.
    const bad = await csms.api.post(`/charge-points/${id}/calls/TriggerMessage`, { requestedMessage: 'DiagnosticsStatusNotification' });
    expect([bad.status, bad.body.error]).toEqual([400, 'InvalidPayload']);
    expect(asked).toHaveLength(requests.length);
    await cs.close();
  });

  it('TransactionEvent trigger: the station reports its ongoing transaction (triggerReason Trigger)', async () => {
    const { id, cs } = await station();
    const txId = `TRG-${id}`.slice(0, 36);
    await cs.call('TransactionEvent', {
      eventType: 'Started', timestamp: now(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: txId, chargingState: 'Charging' },
      evse: { id: 1, connectorId: 1 }, idToken: { idToken: 'TRIGGER-TOKEN', type: 'ISO14443' },
    });
    let answered: Promise<unknown> | undefined;
    on(cs, 'TriggerMessage', (p) => {
      answered = new Promise((r) => setTimeout(r, 5)).then(() => cs.call('TransactionEvent', {
        eventType: 'Updated', timestamp: now(), triggerReason: 'Trigger', seqNo: 1, transactionInfo: { transactionId: txId, chargingState: 'SuspendedEV' },
        evse: { id: p.evse.id, connectorId: 1 },
        meterValue: [{ timestamp: now(), sampledValue: [{ value: 4321, measurand: 'Energy.Active.Import.Register', context: 'Trigger' }] }],
      }));
      return { status: 'Accepted' };
    });
    expect((await csms.api.post(`/charge-points/${id}/calls/TriggerMessage`, { requestedMessage: 'TransactionEvent', evse: { id: 1 } })).body.response.status).toBe('Accepted');
    await answered;
    const tx = await eventually(async () => {
      const r = await csms.api.get(`/transactions/${encodeURIComponent(txId)}`);
      return r.status === 200 && r.body;
    });
    expect(tx).toMatchObject({ transactionId: txId, chargePointId: id, active: true });
    expect(JSON.stringify(tx.meterValues)).toContain('4321');
    await cs.close();
  });
});

describe('G03/G04 Change Availability', () => {
  it('EVSE and whole station: the request goes out in 2.0.1 shape and the answer is recorded', async () => {
    const { id, cs } = await station();
    const seen: unknown[] = [];
    on(cs, 'ChangeAvailability', (p) => {
      seen.push(p);
      // G03.FR.05: an EVSE with a transaction going on answers Scheduled.
      return { status: p.evse?.id === 2 ? 'Scheduled' : 'Accepted' };
    });
    expect((await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Inoperative', evse: { id: 1 } })).body.response.status).toBe('Accepted');
    await cs.call('StatusNotification', { timestamp: now(), connectorStatus: 'Unavailable', evseId: 1, connectorId: 1 });
    expect((await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Inoperative', evse: { id: 2 } })).body.response.status).toBe('Scheduled');
    expect((await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { operationalStatus: 'Operative' })).body.response.status).toBe('Accepted');
    expect(seen).toEqual([{ operationalStatus: 'Inoperative', evse: { id: 1 } }, { operationalStatus: 'Inoperative', evse: { id: 2 } }, { operationalStatus: 'Operative' }]);

    const view = await csms.api.get(`/charge-points/${id}`);
    expect(view.body.connectors['1/1']).toMatchObject({ status: 'Unavailable' });
    expect(view.body.availability).toMatchObject({
      1: { type: 'Inoperative', status: 'Accepted' },
      2: { type: 'Inoperative', status: 'Scheduled' },
      0: { type: 'Operative', status: 'Accepted' },
    });
    // The 1.6 shape is refused for a 2.0.1 station.
    expect((await csms.api.post(`/charge-points/${id}/calls/ChangeAvailability`, { connectorId: 0, type: 'Inoperative' })).status).toBe(400);
    await cs.close();
  });
});
