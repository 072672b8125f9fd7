import { bootCsms } from '../support/local';
import { newId, rawClient } from '../support/clients';

// Malformed input from a charge point: every frame with a readable id gets a CALLERROR, nothing crashes.
let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
});

describe.each(['ocpp1.6', 'ocpp2.0.1'] as const)('broken frames over %s', (protocol) => {
  const v16 = protocol === 'ocpp1.6';
  let ws: Awaited<ReturnType<typeof rawClient>>;
  beforeAll(async () => {
    ws = await rawClient(`${csms.chargePointUrl}/${newId()}`, protocol);
  });
  afterAll(async () => ws.close());

  it('answers broken JSON under the id it can still read', async () => {
    expect(await ws.exchange('[2,"j1","Heartbeat",{')).toEqual([4, 'j1', v16 ? 'ProtocolError' : 'RpcFrameworkError', 'Message is not valid JSON', {}]);
  });

  it('answers an unknown message type', async () => {
    const [t, id, code] = await ws.exchange([7, 'm1', 'Heartbeat', {}]);
    expect([t, id, code]).toEqual([4, 'm1', v16 ? 'NotSupported' : 'MessageTypeNotSupported']);
  });

  it('answers a CALL without payload or with a non-object payload', async () => {
    expect((await ws.exchange([2, 'p1', 'Heartbeat']))[2]).toBe(v16 ? 'FormationViolation' : 'FormatViolation');
    expect((await ws.exchange([2, 'p2', 'Heartbeat', 'hello']))[2]).toBe(v16 ? 'FormationViolation' : 'FormatViolation');
  });

  it('answers wrong field types and unknown fields with the specific code', async () => {
    const status = v16
      ? { connectorId: 'one', errorCode: 'NoError', status: 'Available' }
      : { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 'one', connectorId: 1 };
    const [, id, code, description] = await ws.exchange([2, 't1', 'StatusNotification', status]);
    expect([id, code]).toEqual(['t1', 'TypeConstraintViolation']);
    expect(description).toMatch(/evseId|connectorId/);
    expect((await ws.exchange([2, 't2', 'Heartbeat', { extra: 1 }]))[2]).toBe(v16 ? 'FormationViolation' : 'FormatViolation');
  });

  it('answers unknown actions with NotImplemented and known-but-unsupported ones with NotSupported', async () => {
    expect((await ws.exchange([2, 'u1', 'MakeCoffee', {}]))[2]).toBe('NotImplemented');
    // An action of the other generation is unknown to this one.
    expect((await ws.exchange([2, 'u2', v16 ? 'TransactionEvent' : 'StartTransaction', {}]))[2]).toBe('NotImplemented');
    // A CSMS→charge point action sent the wrong way round is known but not supported here.
    expect((await ws.exchange([2, 'u3', 'Reset', { type: 'Soft' }]))[2]).toBe('NotSupported');
  });

  it('keeps serving the connection afterwards', async () => {
    const [t, id, payload] = await ws.exchange([2, 'ok1', 'Heartbeat', {}]);
    expect([t, id]).toEqual([3, 'ok1']);
    expect(payload.currentTime).toBeDefined();
  });
});

describe('frames that cannot be answered', () => {
  it('answers an unreadable id with "-1" in 2.0.1 and stays silent in 1.6', async () => {
    const ws201 = await rawClient(`${csms.chargePointUrl}/${newId()}`, 'ocpp2.0.1');
    expect(await ws201.exchange('}{')).toEqual([4, '-1', 'RpcFrameworkError', 'Message is not valid JSON', {}]);
    await ws201.close();
    const ws16 = await rawClient(`${csms.chargePointUrl}/${newId()}`, 'ocpp1.6');
    ws16.send('}{');
    ws16.send([3, 'nobody-asked', {}]); // an answer to no call is dropped, not answered
    const [t, id] = await ws16.exchange([2, 'after', 'Heartbeat', {}]);
    expect([t, id]).toEqual([3, 'after']);
    await ws16.close();
  });

  it('closes the connection on a message over API Gateway\'s 128 KB limit', async () => {
    const ws = await rawClient(`${csms.chargePointUrl}/${newId()}`, 'ocpp1.6');
    const closed = new Promise<number>((r) => ws.ws.once('close', (code) => r(code)));
    ws.send([2, 'big', 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(130 * 1024) }]);
    expect(await closed).toBe(1009);
  });
});
