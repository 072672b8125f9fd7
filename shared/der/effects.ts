import { registerEffect } from '../calls/effects';
import { deleteControls, putControl, readDer } from './state';

/** The setting fields of SetDERControlRequest / ReportDERControlRequest (2.1 R), one per kind of control. */
export const SETTING_FIELDS = ['curve', 'enterService', 'fixedPFAbsorb', 'fixedPFInject', 'fixedVar', 'freqDroop', 'gradient', 'limitMaxDischarge'] as const;

type SetReq = { isDefault: boolean; controlId: string; controlType: string } & Record<string, unknown>;
type Status = { status: 'Accepted' | 'Rejected' | 'NotSupported' | 'NotFound'; supersededIds?: string[] };

/** What a control of a request or report holds: its setting field(s), nothing else. */
export const settingOf = (p: Record<string, unknown>) => Object.fromEntries(SETTING_FIELDS.filter((f) => p[f] !== undefined).map((f) => [f, p[f]]));

/**
 * SetDERControl through the calls API (2.1 R01/R02: set a DER control, default or scheduled):
 * Accepted stores the control as sent; the controls the station names in supersededIds are gone
 * from its state. Any other status changes nothing (the answer is in the message log).
 */
registerEffect('SetDERControl', async (req: SetReq, res: Status, ctx) => {
  if (res.status !== 'Accepted') return;
  await putControl(ctx.chargePointId, { controlId: req.controlId, controlType: req.controlType, isDefault: req.isDefault, setting: settingOf(req), source: 'SetDERControl', updatedAt: ctx.answeredAt.toISOString() });
  if (res.supersededIds?.length) await deleteControls(ctx.chargePointId, res.supersededIds.filter((id) => id !== req.controlId));
});

/**
 * ClearDERControl Accepted: the control `controlId`, else every control of `controlType`, else
 * every control — of the requested kind (isDefault true: default controls, false: scheduled) — is
 * removed from the stored state.
 */
export function clearedBy(req: { isDefault: boolean; controlType?: string; controlId?: string }, c: { controlId: string; controlType: string; isDefault: boolean }): boolean {
  if (req.controlId !== undefined) return c.controlId === req.controlId;
  return c.isDefault === req.isDefault && (req.controlType === undefined || c.controlType === req.controlType);
}
registerEffect('ClearDERControl', async (req: { isDefault: boolean; controlType?: string; controlId?: string }, res: Status, ctx) => {
  if (res.status !== 'Accepted') return;
  const { controls } = await readDer(ctx.chargePointId);
  await deleteControls(ctx.chargePointId, controls.filter((c) => clearedBy(req, c)).map((c) => c.controlId));
});
