import { registerEffect } from '../calls/effects';
import { openStream, setStreamParams } from './store';

type Params = { interval?: number; values?: number };

/** 2.1 AdjustPeriodicEventStream through the calls API: an Accepted answer updates the stored params. */
registerEffect('AdjustPeriodicEventStream', async (req: { id: number; params: Params }, res: { status: 'Accepted' | 'Rejected' }, ctx) => {
  if (res.status === 'Accepted') await setStreamParams(ctx.chargePointId, req.id, req.params);
});

/**
 * 2.1 GetPeriodicEventStream: the station lists its open streams; each is (re)stored as open
 * with the parameters it reports (idempotent), so the CSMS learns streams opened while it did not listen.
 */
registerEffect('GetPeriodicEventStream', async (_req: unknown, res: { constantStreamData?: Array<{ id: number; variableMonitoringId: number; params: Params }> }, ctx) => {
  for (const s of res.constantStreamData ?? []) await openStream(ctx.chargePointId, s, ctx.answeredAt);
});
