import { registerEffect } from '../calls/effects';
import { recordAvailability } from './availability';

interface ChangeAvailability16 { connectorId: number; type: 'Operative' | 'Inoperative' }
interface ChangeAvailability201 { operationalStatus: 'Operative' | 'Inoperative'; evse?: { id: number; connectorId?: number } }

/**
 * OCPP 1.6 §5.2 Change Availability (connectorId 0 = the whole charge point; Scheduled = after the
 * running transaction) · 2.0.1 G03/G04 Change Availability EVSE / Charging Station: every answer,
 * Rejected included, is recorded as the CSMS's knowledge of the availability it asked for.
 */
registerEffect('ChangeAvailability', async (req: ChangeAvailability16 & ChangeAvailability201, res: { status: 'Accepted' | 'Rejected' | 'Scheduled' }, ctx) => {
  const is16 = ctx.version === '1.6';
  const key = is16
    ? String(req.connectorId)
    : req.evse ? (req.evse.connectorId !== undefined ? `${req.evse.id}/${req.evse.connectorId}` : String(req.evse.id)) : '0';
  await recordAvailability(ctx.chargePointId, key, { type: is16 ? req.type : req.operationalStatus, status: res.status, requestedAt: ctx.answeredAt.toISOString() });
});
