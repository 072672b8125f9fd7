import { registerEffect } from '../calls/effects';
import { mergeChargePointState } from '../workflows/jobs';
import { LOCAL_LIST_STATE } from './sync';

/**
 * 1.6 §5.10 GetLocalListVersion / §5.15 SendLocalList (2.0.1 D01/D02): whoever sent the call (the
 * sync, or the generic calls API), the version the charge point holds is noted.
 */
registerEffect('GetLocalListVersion', async (_req, res: { listVersion?: number; versionNumber?: number }, ctx) => {
  await mergeChargePointState(ctx.chargePointId, LOCAL_LIST_STATE, { reportedVersion: res.listVersion ?? res.versionNumber, reportedAt: ctx.answeredAt.toISOString() });
});

registerEffect('SendLocalList', async (req: { listVersion?: number; versionNumber?: number }, res: { status: string }, ctx) => {
  if (res.status === 'Accepted') await mergeChargePointState(ctx.chargePointId, LOCAL_LIST_STATE, { reportedVersion: req.listVersion ?? req.versionNumber, reportedAt: ctx.answeredAt.toISOString() });
});
