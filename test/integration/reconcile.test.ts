/**
 * Ghost transactions (issue 11 item 6): transactions the CSMS holds active although the station no
 * longer runs them are closed with a recorded reason when the station boots or reports the
 * connector free, when a 2.0.1 station says it has no such transaction (GetTransactionStatus), or
 * by an operator; a late real stop still completes them with its own values. Strict clients
 * against the real local runtime.
 */
import { bootCsms, eventually } from '../support/local';
import { newId, strictClient, type StrictClient } from '../support/clients';

let csms: Awaited<ReturnType<typeof bootCsms>>;
beforeAll(async () => {
  csms = await bootCsms();
});
afterAll(async () => {
  await csms.close();
  delete process.env.CSMS_ALLOW_CONCURRENT_TX;
});

let seq = 0;
const newTag = () => `R${process.pid % 1000}${++seq}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);
const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'AC-22' };
const boot201 = { reason: 'PowerUp', chargingStation: { model: 'DC-150', vendorName: 'Acme' } };

async function station16(id = newId('RC16')) {
  const cp = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
  expect((await cp.call('BootNotification', boot16)).status).toBe('Accepted');
  return { id, cp };
}
async function station201(id = newId('RC201')) {
  const cs = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
  expect((await cs.call('BootNotification', boot201)).status).toBe('Accepted');
  return { id, cs };
}
async function acceptedTag() {
  const tag = newTag();
  await csms.api.put(`/id-tags/${tag}`, { status: 'Accepted' });
  return tag;
}
const start16 = async (cp: StrictClient, connectorId: number, tag: string, secondsAgo = 60) =>
  (await cp.call('StartTransaction', { connectorId, idTag: tag, meterStart: 1000, timestamp: ago(secondsAgo) })).transactionId as number;
const started201 = (cs: StrictClient, transactionId: string, evseId: number, tag: string, secondsAgo = 60) =>
  cs.call('TransactionEvent', {
    eventType: 'Started', timestamp: ago(secondsAgo), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId, chargingState: 'Charging' },
    evse: { id: evseId, connectorId: 1 }, idToken: { idToken: tag, type: 'ISO14443' },
    meterValue: [{ timestamp: ago(secondsAgo), sampledValue: [{ value: 500, context: 'Transaction.Begin' }] }],
  });
const tx = async (id: number | string, chargePointId?: string) => (await csms.api.get(`/transactions/${id}${chargePointId ? `?chargePointId=${chargePointId}` : ''}`)).body;
const activeIds = async (chargePointId: string) =>
  (await csms.api.get(`/transactions?chargePointId=${chargePointId}&active=true`)).body.items.map((t: { transactionId: number | string }) => t.transactionId);

describe('1.6: a boot or a free connector closes what the station no longer runs', () => {
  it('a BootNotification closes the transactions that started before it (Reconciled:Boot); the queued StopTransaction then completes them', async () => {
    process.env.CSMS_ALLOW_CONCURRENT_TX = 'false';
    try {
      const { id, cp } = await station16();
      const tag = await acceptedTag();
      const t = await start16(cp, 1, tag);
      expect((await cp.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('ConcurrentTx');
      await cp.close();

      // Power loss: the station comes back and boots.
      const again = await strictClient(csms.chargePointUrl, id, 'ocpp1.6');
      expect((await again.call('BootNotification', boot16)).status).toBe('Accepted');
      expect(await tx(t)).toMatchObject({ active: false, stopReason: 'Reconciled:Boot', suspect: true, reconciliation: { reason: 'Reconciled:Boot' } });
      expect(await activeIds(id)).toEqual([]);
      // The ghost no longer blocks the card.
      expect((await again.call('Authorize', { idTag: tag })).idTagInfo.status).toBe('Accepted');
      // Nor does its group claim: a new start of the card is Accepted (then stopped again).
      const next = await again.call('StartTransaction', { connectorId: 2, idTag: tag, meterStart: 0, timestamp: new Date().toISOString() });
      expect(next.idTagInfo.status).toBe('Accepted');
      await again.call('StopTransaction', { transactionId: next.transactionId, meterStop: 10, timestamp: new Date().toISOString() });

      // The StopTransaction the station had queued arrives: its real values win.
      const stopAt = ago(30);
      await again.call('StopTransaction', { transactionId: t, meterStop: 4200, timestamp: stopAt, reason: 'PowerLoss' });
      const done = await tx(t);
      expect(done).toMatchObject({ active: false, stopReason: 'PowerLoss', meterStop: 4200, energyWh: 3200, stoppedAt: stopAt });
      expect(done.suspect).toBeUndefined();
      expect(done.reconciliation).toMatchObject({ reason: 'Reconciled:Boot' });
      await again.close();
    } finally {
      delete process.env.CSMS_ALLOW_CONCURRENT_TX;
    }
  });

  it('StatusNotification Available / Preparing closes the transaction of that connector only, not one that started after the status; connector 0 closes nothing', async () => {
    const { id, cp } = await station16();
    const [t1, t2, t3] = [await start16(cp, 1, await acceptedTag()), await start16(cp, 2, await acceptedTag()), await start16(cp, 3, await acceptedTag(), 5)];
    await cp.call('StatusNotification', { connectorId: 0, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    expect((await activeIds(id)).sort()).toEqual([t1, t2, t3].sort());
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: new Date().toISOString() });
    // A status older than the transaction (delivered late) says nothing about it.
    await cp.call('StatusNotification', { connectorId: 3, errorCode: 'NoError', status: 'Preparing', timestamp: ago(30) });
    expect((await activeIds(id)).sort()).toEqual([t2, t3].sort());
    expect(await tx(t1)).toMatchObject({ active: false, stopReason: 'Reconciled:Available', suspect: true });
    await cp.call('StatusNotification', { connectorId: 2, errorCode: 'NoError', status: 'Preparing' });
    expect(await activeIds(id)).toEqual([t3]);
    expect(await tx(t2)).toMatchObject({ active: false, stopReason: 'Reconciled:Preparing' });
    await cp.close();
  });
});

describe('2.0.1: a boot, the station\'s own answer to GetTransactionStatus; Available flags', () => {
  it('StatusNotification Available only flags the EVSE\'s transaction (2.0.1 runs transactions on Available connectors, E10); its next event clears the flag', async () => {
    const { id, cs } = await station201();
    const tag = await acceptedTag();
    await started201(cs, 'A1', 1, tag);
    await started201(cs, 'B1', 2, tag);
    await cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 });
    expect((await tx('A1', id)).suspect).toBeUndefined();
    await cs.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Available', evseId: 1, connectorId: 1 });
    expect((await activeIds(id)).sort()).toEqual(['A1', 'B1']);
    expect(await tx('A1', id)).toMatchObject({ active: true, suspect: true, suspicion: { reason: 'Available', note: 'StatusNotification Available' } });
    expect((await tx('B1', id)).suspect).toBeUndefined();
    const listed = await csms.api.get(`/transactions?chargePointId=${id}&suspect=true`);
    expect(listed.body.items.map((t: { transactionId: string }) => t.transactionId)).toEqual(['A1']);

    // The station still reports on it: it runs.
    await cs.call('TransactionEvent', { eventType: 'Updated', timestamp: new Date().toISOString(), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'A1' },
      meterValue: [{ timestamp: new Date().toISOString(), sampledValue: [{ value: 900 }] }] });
    const cleared = await tx('A1', id);
    expect([cleared.active, cleared.suspect, cleared.suspicion]).toEqual([true, undefined, undefined]);
    await cs.close();
  });

  it('a transaction closed by reconciliation is completed by a later Ended; a later Updated cannot reopen it', async () => {
    const { id, cs } = await station201();
    await started201(cs, 'C1', 1, await acceptedTag());
    expect((await csms.api.post(`/transactions/C1/close?chargePointId=${id}`, { reason: 'test' })).status).toBe(200);
    await cs.call('TransactionEvent', { eventType: 'Updated', timestamp: ago(20), triggerReason: 'MeterValuePeriodic', seqNo: 1, transactionInfo: { transactionId: 'C1' },
      meterValue: [{ timestamp: ago(20), sampledValue: [{ value: 900 }] }] });
    expect(await activeIds(id)).toEqual([]);
    expect(await tx('C1', id)).toMatchObject({ active: false, suspect: true, stopReason: 'Closed:Operator' });
    await cs.call('TransactionEvent', { eventType: 'Ended', timestamp: ago(10), triggerReason: 'EVDeparted', seqNo: 2, transactionInfo: { transactionId: 'C1', stoppedReason: 'EVDisconnected' },
      meterValue: [{ timestamp: ago(10), sampledValue: [{ value: 1500, context: 'Transaction.End' }] }] });
    expect(await tx('C1', id)).toMatchObject({ active: false, stopReason: 'EVDisconnected', meterStop: 1500, energyWh: 1000, reconciliation: { reason: 'Closed:Operator' } });
    expect((await tx('C1', id)).suspect).toBeUndefined();
    await cs.close();
  });

  it('a BootNotification closes the transactions held active (Reconciled:Boot)', async () => {
    const { id, cs } = await station201();
    await started201(cs, 'BOOT-1', 1, await acceptedTag());
    await cs.close();
    const again = await strictClient(csms.chargePointUrl, id, 'ocpp2.0.1');
    expect((await again.call('BootNotification', { ...boot201, reason: 'Watchdog' })).status).toBe('Accepted');
    expect(await tx('BOOT-1', id)).toMatchObject({ active: false, stopReason: 'Reconciled:Boot', suspect: true });
    await again.close();
  });

  it('E14: POST /charge-points/{id}/transactions/reconcile asks GetTransactionStatus for each active transaction; not ongoing and nothing queued → closed (Reconciled:NotOngoing)', async () => {
    const { id, cs } = await station201();
    const tag = await acceptedTag();
    await started201(cs, 'GHOST', 1, tag);
    await started201(cs, 'REAL', 2, tag);
    await started201(cs, 'QUEUED', 3, tag);
    const asked: string[] = [];
    cs.handle('GetTransactionStatus', async ({ params }) => {
      asked.push(params.transactionId);
      if (params.transactionId === 'GHOST') return { ongoingIndicator: false, messagesInQueue: false };
      if (params.transactionId === 'QUEUED') return { ongoingIndicator: false, messagesInQueue: true };
      return { ongoingIndicator: true, messagesInQueue: false };
    });
    const res = await csms.api.post(`/charge-points/${id}/transactions/reconcile`, {});
    expect(res.status).toBe(200);
    expect(asked.sort()).toEqual(['GHOST', 'QUEUED', 'REAL']);
    expect(res.body.items).toEqual(expect.arrayContaining([
      { transactionId: 'GHOST', outcome: 'Closed', response: { ongoingIndicator: false, messagesInQueue: false } },
      { transactionId: 'REAL', outcome: 'Ongoing', response: { ongoingIndicator: true, messagesInQueue: false } },
      { transactionId: 'QUEUED', outcome: 'MessagesQueued', response: { ongoingIndicator: false, messagesInQueue: true } },
    ]));
    expect(await tx('GHOST', id)).toMatchObject({ active: false, stopReason: 'Reconciled:NotOngoing', suspect: true });
    expect((await activeIds(id)).sort()).toEqual(['QUEUED', 'REAL']);

    // The same answer through the generic calls API has the same effect.
    cs.handle('GetTransactionStatus', async () => ({ ongoingIndicator: false, messagesInQueue: false }));
    expect((await csms.api.post(`/charge-points/${id}/calls/GetTransactionStatus`, { transactionId: 'QUEUED' })).status).toBe(200);
    expect(await tx('QUEUED', id)).toMatchObject({ active: false, stopReason: 'Reconciled:NotOngoing' });
    expect(await activeIds(id)).toEqual(['REAL']);
    await cs.close();
  });

  it('reconcile needs a connected 2.0.1 station: 1.6 → 409 NotSupported, offline → 409 NotConnected, unknown → 404', async () => {
    const { id, cp } = await station16();
    const r16 = await csms.api.post(`/charge-points/${id}/transactions/reconcile`, {});
    expect([r16.status, r16.body.error]).toEqual([409, 'NotSupported']);
    await cp.close();
    const { id: id201, cs } = await station201();
    await cs.close();
    await eventually(async () => (await csms.api.get(`/charge-points/${id201}`)).body.connected === false);
    expect((await csms.api.post(`/charge-points/${id201}/transactions/reconcile`, {})).body.error).toBe('NotConnected');
    expect((await csms.api.post(`/charge-points/${newId('NOPE')}/transactions/reconcile`, {})).status).toBe(404);
  });
});

describe('operator: close with a reason, list the suspect ones', () => {
  it('POST /transactions/{id}/close { reason } closes an active transaction once; suspect ones are listed with ?suspect=true', async () => {
    const { id, cp } = await station16();
    const [t1, t2] = [await start16(cp, 1, await acceptedTag()), await start16(cp, 2, await acceptedTag())];
    const closed = await csms.api.post(`/transactions/${t1}/close`, { reason: 'Station replaced; session billed manually' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ transactionId: t1, active: false, stopReason: 'Closed:Operator', suspect: true,
      reconciliation: { reason: 'Closed:Operator', note: 'Station replaced; session billed manually' } });
    expect(await activeIds(id)).toEqual([t2]);

    const twice = await csms.api.post(`/transactions/${t1}/close`, { reason: 'again' });
    expect([twice.status, twice.body.error]).toEqual([409, 'NotActive']);
    expect((await csms.api.post(`/transactions/${t2}/close`, {})).status).toBe(400);
    expect((await csms.api.post(`/transactions/${t2}/close`, { reason: 'x'.repeat(501) })).status).toBe(400);
    expect((await csms.api.post('/transactions/999999999/close', { reason: 'gone' })).status).toBe(404);

    await cp.call('StopTransaction', { transactionId: t2, meterStop: 2000, timestamp: new Date().toISOString() });
    const suspect = await csms.api.get(`/transactions?chargePointId=${id}&suspect=true`);
    expect(suspect.body.items.map((t: { transactionId: number }) => t.transactionId)).toEqual([t1]);
    const all: number[] = [];
    let next: string | undefined;
    do {
      const page = await csms.api.get(`/transactions?suspect=true&limit=500${next ? `&nextToken=${next}` : ''}`);
      all.push(...page.body.items.map((t: { transactionId: number }) => t.transactionId));
      next = page.body.nextToken;
    } while (next);
    expect(all).toContain(t1);
    expect(all).not.toContain(t2);
    expect((await csms.api.get('/transactions?suspect=maybe')).status).toBe(400);
    await cp.close();
  });
});
