import { registerEffect } from '../calls/effects';
import { putEvent } from '../store/events';

/**
 * OCPP 2.0.1 B11/B12 Reset (Immediate | OnIdle, optional evseId; answer Accepted | Rejected |
 * Scheduled) · OCPP 1.6 §5.13 Reset (Hard | Soft). The command goes out through the operator
 * calls API; its answer is kept as a `reset` event so an operator can see that a reset is
 * scheduled (B12: OnIdle with a transaction ongoing) or was refused. Ending the transactions a
 * reset interrupts is the charge point's part (TransactionEvent Ended, triggerReason
 * ResetCommand / StopTransaction reason HardReset|SoftReset), handled by the transactions module.
 */
export const RESET = 'reset';

// OCPP 2.0.1 B11/B12 · OCPP 1.6 §5.13: record the answer to a Reset.
registerEffect('Reset', async (req: { type: string; evseId?: number }, res: { status: string; statusInfo?: unknown }, ctx) => {
  await putEvent(ctx.chargePointId, RESET, ctx.answeredAt, {
    resetType: req.type,
    evseId: req.evseId,
    status: res.status,
    statusInfo: res.statusInfo,
    messageId: ctx.messageId,
  }, ctx.messageId);
});
