/**
 * OCPP 1.6 over SOAP (OCPP-S), station → CSMS: the `soap` library's client, built from the
 * official CentralSystemService WSDL, plays a SOAP-only station against the real local runtime
 * (POST /ocpp/soap); a JSON station runs alongside. Broken input gets a SOAP 1.2 Fault.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient } from '../support/clients';
import { soapStation } from '../support/soap-station';

let csms: Awaited<ReturnType<typeof bootCsms>>;
let soapUrl: string;
beforeAll(async () => {
  csms = await bootCsms();
  soapUrl = `http://127.0.0.1:${csms.port}/ocpp/soap`;
});
afterAll(async () => {
  await csms.close();
});

const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'S-22', firmwareVersion: '1.0.3' };
let tagSeq = 0;
const newTag = () => `S${process.pid % 1000}${++tagSeq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);

/** Posts a raw SOAP 1.2 request (what no WSDL client would send) and returns status and body. */
async function post(body: string, contentType = 'application/soap+xml; charset=utf-8', headers: Record<string, string> = {}) {
  const res = await fetch(soapUrl, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}
const CS = 'urn://Ocpp/Cs/2015/10/';
const envelope = (opts: { id?: string | null; action?: string | null; messageId?: string | null; body: string }) => `<?xml version="1.0"?>
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing" xmlns:cs="${CS}">
  <s:Header>${opts.id === null ? '' : `<cs:chargeBoxIdentity>${opts.id ?? newId('SOAPRAW')}</cs:chargeBoxIdentity>`}
    ${opts.action === null ? '' : `<a:Action>${opts.action ?? '/Heartbeat'}</a:Action>`}
    ${opts.messageId === null ? '' : `<a:MessageID>${opts.messageId ?? 'urn:uuid:1b6a3e1e-4f1c-4b55-9c1e-000000000001'}</a:MessageID>`}</s:Header>
  <s:Body>${opts.body}</s:Body>
</s:Envelope>`;
/** The Fault's Code/Value, Subcode/Value (local names) and Reason text. */
function fault(xml: string) {
  const code = /<s:Code><s:Value>s:(\w+)<\/s:Value>/.exec(xml)?.[1];
  const sub = /<s:Subcode><s:Value[^>]*>sc:([\w]+)<\/s:Value>/.exec(xml)?.[1];
  const ns = /<s:Subcode><s:Value xmlns:sc="([^"]+)"/.exec(xml)?.[1];
  const reason = /<s:Text[^>]*>([^<]*)<\/s:Text>/.exec(xml)?.[1];
  return { code, sub, ns, reason };
}

describe('SOAP station → CSMS (CentralSystemService)', () => {
  it('BootNotification: Accepted with the heartbeat interval, WS-Addressing answer, boot info and the From endpoint kept', async () => {
    const id = newId('SOAP');
    const st = await soapStation(soapUrl, id, { from: 'http://192.0.2.10:8080/ocpp' });
    const r = await st.call('BootNotification', boot16);
    expect(r.result.status).toBe('Accepted');
    expect(r.result.interval).toBe(300);
    expect(Math.abs(Date.parse(r.result.currentTime) - Date.now())).toBeLessThan(60_000);
    // WS-Addressing: the answer's action and RelatesTo name the request.
    expect(r.raw).toContain('<wsa:Action s:mustUnderstand="true">/BootNotificationResponse</wsa:Action>');
    expect(r.raw).toContain(`<wsa:RelatesTo>${r.messageId}</wsa:RelatesTo>`);
    const cp = (await csms.api.get(`/charge-points/${id}`)).body;
    expect(cp).toMatchObject({ transport: 'soap', soapEndpoint: 'http://192.0.2.10:8080/ocpp', connected: true, protocol: 'ocpp1.6', boot: { vendor: 'Acme', model: 'S-22', firmwareVersion: '1.0.3' } });
  });

  it('a later message without From keeps the endpoint; a new From replaces it', async () => {
    const id = newId('SOAP');
    await (await soapStation(soapUrl, id, { from: 'http://192.0.2.11/a' })).call('BootNotification', boot16);
    await (await soapStation(soapUrl, id)).call('Heartbeat', {});
    expect((await csms.api.get(`/charge-points/${id}`)).body.soapEndpoint).toBe('http://192.0.2.11/a');
    await (await soapStation(soapUrl, id, { from: 'https://192.0.2.12/b' })).call('Heartbeat', {});
    expect((await csms.api.get(`/charge-points/${id}`)).body.soapEndpoint).toBe('https://192.0.2.12/b');
  });

  it('a whole session: Heartbeat, StatusNotification, Authorize, StartTransaction, MeterValues, StopTransaction — the same transaction as over JSON', async () => {
    const id = newId('SOAP');
    const st = await soapStation(soapUrl, id, { from: 'http://192.0.2.13/cp' });
    await st.call('BootNotification', boot16);
    const tag = newTag();
    expect((await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' })).status).toBe(201);

    const hb = await st.call('Heartbeat', {});
    expect(Math.abs(Date.parse(hb.result.currentTime) - Date.now())).toBeLessThan(60_000);
    await st.call('StatusNotification', { connectorId: 1, status: 'Preparing', errorCode: 'NoError', timestamp: new Date().toISOString() });
    expect((await csms.api.get(`/charge-points/${id}`)).body.connectors['1']).toMatchObject({ status: 'Preparing', errorCode: 'NoError' });

    expect((await st.call('Authorize', { idTag: tag })).result.idTagInfo.status).toBe('Accepted');
    expect((await st.call('Authorize', { idTag: newTag() })).result.idTagInfo.status).toBe('Invalid');

    const start = (await st.call('StartTransaction', { connectorId: 1, idTag: tag, timestamp: new Date().toISOString(), meterStart: 1000 })).result;
    expect(start.idTagInfo.status).toBe('Accepted');
    expect(Number.isInteger(start.transactionId) && start.transactionId > 0).toBe(true);
    await st.call('StatusNotification', { connectorId: 1, status: 'Charging', errorCode: 'NoError' });
    // Two meter values, repeated elements, decimals as text.
    await st.call('MeterValues', {
      connectorId: 1, transactionId: start.transactionId,
      meterValue: [
        { timestamp: new Date().toISOString(), sampledValue: [{ value: '1500', context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }, { value: '7.2', measurand: 'Power.Active.Import', unit: 'kW' }] },
        { timestamp: new Date().toISOString(), sampledValue: [{ value: '1800', unit: 'Wh' }] },
      ],
    });
    const stop = await st.call('StopTransaction', { transactionId: start.transactionId, idTag: tag, timestamp: new Date().toISOString(), meterStop: 2500, reason: 'Local' });
    expect(stop.result.idTagInfo.status).toBe('Accepted');

    const tx = (await csms.api.get(`/transactions/${start.transactionId}`)).body;
    expect(tx).toMatchObject({ transactionId: start.transactionId, chargePointId: id, connectorId: 1, idTag: tag, meterStart: 1000, meterStop: 2500, energyWh: 1500, active: false, stopReason: 'Local' });
    // Both meterValue elements, in order, each with its sampled values.
    expect(tx.meterValues.map((m: { sampledValue: Array<{ value: string }> }) => m.sampledValue.map((v) => v.value))).toEqual([['1500', '7.2'], ['1800']]);
    // StopTransaction of the same transaction again: the 1.6 domain's idempotency, not a second stop.
    const again = await st.call('StopTransaction', { transactionId: start.transactionId, idTag: tag, timestamp: new Date().toISOString(), meterStop: 2500 });
    expect(again.result.idTagInfo.status).toBe('Accepted');
    expect((await csms.api.get(`/transactions/${start.transactionId}`)).body.meterStop).toBe(2500);
  });

  it('DataTransfer, FirmwareStatusNotification and DiagnosticsStatusNotification are answered', async () => {
    const st = await soapStation(soapUrl, newId('SOAP'));
    await st.call('BootNotification', boot16);
    expect((await st.call('DataTransfer', { vendorId: 'com.example.unknown', data: 'x' })).result.status).toBe('UnknownVendorId');
    await expect(st.call('FirmwareStatusNotification', { status: 'Idle' })).resolves.toBeDefined();
    await expect(st.call('DiagnosticsStatusNotification', { status: 'Idle' })).resolves.toBeDefined();
  });

  it('a SOAP station and a JSON station both appear in GET /api/charge-points, each with its transport', async () => {
    const soapId = newId('SOAP');
    const jsonId = newId('JSON');
    await (await soapStation(soapUrl, soapId, { from: 'http://192.0.2.14/cp' })).call('BootNotification', boot16);
    const ws = await strictClient(csms.chargePointUrl, jsonId, 'ocpp1.6');
    await ws.call('BootNotification', boot16);
    const items = await eventually(async () => {
      const list = (await csms.api.get('/charge-points?limit=500')).body.items as Array<Record<string, unknown>>;
      return list.some((c) => c.chargePointId === soapId) && list.some((c) => c.chargePointId === jsonId) ? list : undefined;
    });
    expect(items.find((c) => c.chargePointId === soapId)).toMatchObject({ transport: 'soap', connected: true, protocol: 'ocpp1.6', soapEndpoint: 'http://192.0.2.14/cp' });
    expect(items.find((c) => c.chargePointId === jsonId)).toMatchObject({ transport: 'websocket', connected: true, protocol: 'ocpp1.6' });
    await ws.close();
  });

  it('a charge point that is not Accepted may send only BootNotification (1.6 §4.2): SecurityError Fault', async () => {
    const id = newId('SOAP');
    expect((await csms.api.put(`/charge-points/${id}`, { registrationStatus: 'Pending' })).status).toBe(201);
    const st = await soapStation(soapUrl, id);
    expect((await st.call('BootNotification', boot16)).result.status).toBe('Pending');
    const err = await st.call('Heartbeat', {}).then(() => undefined, (e: { body?: string }) => e);
    expect(fault(String(err?.body))).toMatchObject({ code: 'Sender', sub: 'SecurityError', ns: CS });
  });

  it('Basic auth when the charge point has a password: wrong or missing → SecurityError Fault (401), right → answered', async () => {
    const id = newId('SOAP');
    expect((await csms.api.put(`/charge-points/${id}`, { password: 'a-long-secret-1' })).status).toBe(201);
    const ok = await soapStation(soapUrl, id, { password: 'a-long-secret-1' });
    expect((await ok.call('BootNotification', boot16)).result.status).toBe('Accepted');
    const wrong = await (await soapStation(soapUrl, id, { password: 'not-the-secret' })).call('Heartbeat', {}).then(() => undefined, (e: { body?: string; response?: { status: number } }) => e);
    expect(wrong?.response?.status).toBe(401);
    expect(fault(String(wrong?.body))).toMatchObject({ code: 'Sender', sub: 'SecurityError' });
    const none = await (await soapStation(soapUrl, id)).call('Heartbeat', {}).then(() => undefined, (e: { body?: string }) => e);
    expect(fault(String(none?.body)).sub).toBe('SecurityError');
    // As the WebSocket authorizer: the reason is logged, never told (it would reveal whether the identity exists).
    expect(fault(String(wrong?.body)).reason).toBe('Unauthorized');
    expect(fault(String(none?.body)).reason).toBe('Unauthorized');
  });
});

describe('broken SOAP input gets a SOAP 1.2 Fault, never a crash', () => {
  const heartbeat = '<cs:heartbeatRequest/>';

  it('malformed XML → Sender / FormationViolation', async () => {
    const r = await post('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><oops></s:Body>');
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/soap\+xml/);
    expect(fault(r.body)).toMatchObject({ code: 'Sender', sub: 'FormationViolation', ns: CS });
  });

  it('a DOCTYPE (entity expansion) is refused', async () => {
    const r = await post('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>');
    expect(fault(r.body)).toMatchObject({ code: 'Sender', sub: 'FormationViolation' });
  });

  it('a SOAP 1.1 envelope or text/xml → VersionMismatch', async () => {
    const r11 = await post('<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>');
    expect(fault(r11.body).code).toBe('VersionMismatch');
    const text = await post(envelope({ body: heartbeat }), 'text/xml; charset=utf-8');
    expect(text.status).toBe(415);
    expect(fault(text.body).code).toBe('VersionMismatch');
  });

  it('missing chargeBoxIdentity → ProtocolError; missing wsa:Action or MessageID → wsa:MessageAddressingHeaderRequired', async () => {
    expect(fault((await post(envelope({ id: null, body: heartbeat }))).body)).toMatchObject({ code: 'Sender', sub: 'ProtocolError' });
    const noAction = fault((await post(envelope({ action: null, body: heartbeat }))).body);
    expect(noAction).toMatchObject({ code: 'Sender', sub: 'MessageAddressingHeaderRequired', ns: 'http://www.w3.org/2005/08/addressing' });
    expect(fault((await post(envelope({ messageId: null, body: heartbeat }))).body).sub).toBe('MessageAddressingHeaderRequired');
  });

  it('an unknown operation → wsa:ActionNotSupported', async () => {
    const r = await post(envelope({ action: '/SelfDestruct', body: '<cs:selfDestructRequest/>' }));
    expect(r.status).toBe(400);
    expect(fault(r.body)).toMatchObject({ code: 'Sender', sub: 'ActionNotSupported' });
  });

  it('a body in the wrong namespace, or not the action\'s element → FormationViolation', async () => {
    const wrongNs = await post(envelope({ body: '<x:heartbeatRequest xmlns:x="urn://Ocpp/Cs/2012/06/"/>' }));
    expect(fault(wrongNs.body)).toMatchObject({ code: 'Sender', sub: 'FormationViolation' });
    expect(fault(wrongNs.body).reason).toContain('urn://Ocpp/Cs/2015/10/');
    const other = await post(envelope({ action: '/Heartbeat', body: '<cs:authorizeRequest><cs:idTag>X</cs:idTag></cs:authorizeRequest>' }));
    expect(fault(other.body).sub).toBe('FormationViolation');
    const childNs = await post(envelope({ action: '/Authorize', body: '<cs:authorizeRequest><idTag>X</idTag></cs:authorizeRequest>' }));
    expect(fault(childNs.body)).toMatchObject({ code: 'Sender', sub: 'FormationViolation' });
  });

  it('payloads that break the 1.6 schema → the OCPP code of the JSON transport', async () => {
    const id = newId('SOAPRAW');
    await (await soapStation(soapUrl, id)).call('BootNotification', boot16);
    const status = (inner: string) => post(envelope({ id, action: '/StatusNotification', body: `<cs:statusNotificationRequest>${inner}</cs:statusNotificationRequest>` }));
    // Not an int.
    expect(fault((await status('<cs:connectorId>one</cs:connectorId><cs:status>Available</cs:status><cs:errorCode>NoError</cs:errorCode>')).body))
      .toMatchObject({ code: 'Sender', sub: 'TypeConstraintViolation' });
    // Not one of the enumeration.
    expect(fault((await status('<cs:connectorId>1</cs:connectorId><cs:status>Sleeping</cs:status><cs:errorCode>NoError</cs:errorCode>')).body).sub).toBe('PropertyConstraintViolation');
    // A required element missing, a single one twice.
    expect(fault((await status('<cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status>')).body).sub).toBe('OccurenceConstraintViolation');
    expect(fault((await status('<cs:connectorId>1</cs:connectorId><cs:connectorId>2</cs:connectorId><cs:status>Available</cs:status><cs:errorCode>NoError</cs:errorCode>')).body).sub).toBe('OccurenceConstraintViolation');
    // An element the type does not have.
    expect(fault((await status('<cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status><cs:errorCode>NoError</cs:errorCode><cs:colour>red</cs:colour>')).body).sub).toBe('FormationViolation');
    // Valid: answered with the empty response element.
    const okay = await status('<cs:connectorId>1</cs:connectorId><cs:status>Available</cs:status><cs:errorCode>NoError</cs:errorCode>');
    expect(okay.status).toBe(200);
    expect(okay.body).toContain('<statusNotificationResponse xmlns="urn://Ocpp/Cs/2015/10/"></statusNotificationResponse>');
  });

  it('a From that is not an http(s) address → ProtocolError', async () => {
    const r = await post(envelope({ body: heartbeat }).replace('</s:Header>', '<a:From><a:Address>file:///etc/passwd</a:Address></a:From></s:Header>'));
    expect(fault(r.body)).toMatchObject({ code: 'Sender', sub: 'ProtocolError' });
  });
});
