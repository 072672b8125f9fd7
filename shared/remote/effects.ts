import { markTransaction } from '../store/transactions';
import { registerEffect } from '../calls/effects';
import { putRemoteStart } from './remote-starts';

/**
 * What the answers to remote commands change in the CSMS's knowledge. RemoteStartTransaction (1.6)
 * needs nothing here: the StartTransaction that follows is the record (its charging profile is
 * smart charging's); Reset answers are kept by provisioning (shared/provisioning/reset.ts).
 * UnlockConnector, ClearCache and DataTransfer change nothing on our side.
 */

/** OCPP 1.6 §5.12 Remote Stop Transaction: Accepted → the stop was asked for (the StopTransaction follows). */
registerEffect('RemoteStopTransaction', async (req: { transactionId: number }, res: { status: string }, ctx) => {
  if (res.status === 'Accepted') await markTransaction(ctx.chargePointId, String(req.transactionId), { stopRequestedAt: ctx.answeredAt.toISOString() });
});

/** OCPP 2.0.1 F03 Remote Stop Transaction: as above. */
registerEffect('RequestStopTransaction', async (req: { transactionId: string }, res: { status: string }, ctx) => {
  if (res.status === 'Accepted') await markTransaction(ctx.chargePointId, req.transactionId, { stopRequestedAt: ctx.answeredAt.toISOString() });
});

/**
 * OCPP 2.0.1 F01/F02 Remote Start Transaction: Accepted → remember the remoteStartId so the
 * TransactionEvent carrying it links up; F01 (cable first): the answer names the running
 * transaction, which gets the remoteStartId at once.
 */
registerEffect('RequestStartTransaction', async (req: { remoteStartId: number; idToken: { idToken: string; type: string }; evseId?: number },
  res: { status: string; transactionId?: string }, ctx) => {
  if (res.status !== 'Accepted') return;
  await putRemoteStart({
    chargePointId: ctx.chargePointId, remoteStartId: req.remoteStartId, idToken: req.idToken, evseId: req.evseId,
    requestedAt: ctx.answeredAt.toISOString(), status: res.status, transactionId: res.transactionId,
  });
  if (res.transactionId) await markTransaction(ctx.chargePointId, res.transactionId, { remoteStartId: req.remoteStartId });
});
