/**
 * Smart-charging calls of the CSMS (sent through the calls mechanism, POST
 * /api/charge-points/{id}/calls/{Action}): the checks before they go out (guards) and what an
 * answer changes in the CSMS's model (effects). One service for both versions; requests.ts adapts
 * the wire shapes.
 */
import { GuardRejection, registerGuard } from '../calls/guards';
import type { EffectContext } from '../calls/effects';
import type { OcppVersion } from '../ocpp/protocol';
import { registerEffect } from '../calls/effects';
import { putCompositeReport, putProfilesRequest } from '../store/charging-profiles';
import { listVariables } from '../store/device-model';
import { compareSchedules } from './compare';
import { installProfile } from './install';
import { activeTransactions, clearAccepted, compositeFromModel, installAccepted, loadModel, transactionOn } from './model';
import { fromClearChargingProfile, fromCompositeAnswer, fromRemoteStart, fromSetChargingProfile, type ProfileOrder } from './requests';
import { capabilityFacts, profileProblem } from './rules';

/** The rules of rules.ts, with the facts looked up: the transaction on that connector, the reported capabilities. */
async function checkOrder(chargePointId: string, action: string, order: ProfileOrder): Promise<void> {
  const needsTx = order.via === 'SetChargingProfile' && order.purpose === 'Tx' && order.location !== undefined && order.location > 0;
  const [active, vars] = await Promise.all([needsTx ? activeTransactions(chargePointId) : Promise.resolve([]), listVariables(chargePointId)]);
  const caps = capabilityFacts(new Map(vars.map((v) => [v.variableKey, v.value])));
  let installedAfter: number | undefined;
  if (caps.maxInstalled !== undefined && order.via === 'SetChargingProfile') {
    const model = (await loadModel(chargePointId)).filter((i) => !i.pendingStart).map((i) => i.profile);
    installedAfter = installProfile(model, order.installed).length;
  }
  const problem = profileProblem(order, {
    activeTransactionId: needsTx ? transactionOn(active, order.location!)?.transactionId : undefined,
    ...caps,
    installedAfter,
  });
  if (problem) throw new GuardRejection(`${action} not sent: ${problem}`);
}

// 1.6 §5.16 Set Charging Profile · 2.0.1 K01 SetChargingProfile
registerGuard('SetChargingProfile', (chargePointId, payload, version) => checkOrder(chargePointId, 'SetChargingProfile', fromSetChargingProfile(version, payload)));

// 1.6 §5.11 / §5.16.2 Remote Start Transaction with a charging profile · 2.0.1 K05 RequestStartTransaction with a charging profile
for (const action of ['RemoteStartTransaction', 'RequestStartTransaction']) {
  registerGuard(action, async (chargePointId, payload, version) => {
    const { order } = fromRemoteStart(version, payload);
    if (order) await checkOrder(chargePointId, action, order);
  });
}

const accepted = (res: { status?: string }) => res.status === 'Accepted';

// 1.6 §5.16 "the new charging profile SHALL replace the existing charging profile, otherwise it SHALL be added" · 2.0.1 K01
registerEffect('SetChargingProfile', async (req: unknown, res: { status: string }, ctx: EffectContext) => {
  if (!accepted(res)) return;
  const order = fromSetChargingProfile(ctx.version, req);
  // 1.6 lets a TxProfile omit transactionId: it is for the transaction running on that connector now.
  const transactionId = order.purpose === 'Tx' && order.transactionId === undefined && order.location !== undefined
    ? transactionOn(await activeTransactions(ctx.chargePointId), order.location)?.transactionId
    : undefined;
  await installAccepted(ctx.chargePointId, order, { source: 'SetChargingProfile', at: ctx.answeredAt, messageId: ctx.messageId, transactionId });
});

// 1.6 §5.5 Clear Charging Profile · 2.0.1 K10 ClearChargingProfile ("Unknown": nothing matched, nothing changes)
registerEffect('ClearChargingProfile', async (req: unknown, res: { status: string }, ctx: EffectContext) => {
  if (!accepted(res)) return;
  await clearAccepted(ctx.chargePointId, fromClearChargingProfile(ctx.version, req));
});

// 1.6 §5.16.2 "The Charge Point SHALL apply the given profile to the newly started transaction" · 2.0.1 K05
async function remoteStartEffect(action: 'RemoteStartTransaction' | 'RequestStartTransaction', req: unknown, res: { status: string; transactionId?: string }, ctx: EffectContext) {
  if (!accepted(res)) return;
  const { order, start } = fromRemoteStart(ctx.version, req);
  if (!order) return;
  const meta = { source: action, at: ctx.answeredAt, messageId: ctx.messageId } as const;
  if (res.transactionId !== undefined) {
    // 2.0.1 F01 (cable plugged in first): the answer names the transaction the profile is for.
    const tx = (await activeTransactions(ctx.chargePointId)).find((t) => t.transactionId === res.transactionId);
    const location = order.location ?? tx?.location;
    if (location !== undefined) {
      const located = fromSetChargingProfile(ctx.version, 'chargingProfile' in order.installed
        ? { ...order.installed, evseId: location }
        : { ...order.installed, connectorId: location });
      await installAccepted(ctx.chargePointId, located, { ...meta, transactionId: res.transactionId });
      return;
    }
  }
  await installAccepted(ctx.chargePointId, order, { ...meta, pendingStart: start });
}
registerEffect('RemoteStartTransaction', (req, res, ctx) => remoteStartEffect('RemoteStartTransaction', req, res, ctx));
registerEffect('RequestStartTransaction', (req, res, ctx) => remoteStartEffect('RequestStartTransaction', req, res, ctx));

const wholeSeconds = (d: Date) => new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString();

/**
 * 1.6 §5.7 Get Composite Schedule · 2.0.1 K08: the schedule the charge point reports is kept with
 * the CSMS's own composite for the same window (same start, duration and unit), computed from the
 * model when the answer arrives, and the comparison of the two.
 */
export async function recordCompositeReport(chargePointId: string, version: OcppVersion, req: unknown, res: unknown, answeredAt: Date): Promise<void> {
  const rep = fromCompositeAnswer(version, req, res);
  let csms: unknown;
  let comparison: unknown;
  if (rep.status === 'Accepted' && rep.chargingRateUnit && rep.chargingSchedulePeriod) {
    const start = rep.scheduleStart ?? wholeSeconds(answeredAt);
    const duration = rep.duration ?? (req as { duration: number }).duration;
    const ours = await compositeFromModel(chargePointId, { location: rep.location, start, duration, chargingRateUnit: rep.chargingRateUnit });
    if (ours) {
      csms = ours.chargingSchedule;
      comparison = compareSchedules({ duration, chargingRateUnit: rep.chargingRateUnit, chargingSchedulePeriod: rep.chargingSchedulePeriod }, ours.chargingSchedule);
    }
  }
  await putCompositeReport({ chargePointId, location: rep.location, version, request: req, response: res, answeredAt: answeredAt.toISOString(), csms, comparison });
}
registerEffect('GetCompositeSchedule', (req, res, ctx) => recordCompositeReport(ctx.chargePointId, ctx.version, req, res, ctx.answeredAt));

// 2.0.1 K09 Get Charging Profiles: the request is kept so the reports that follow can be compared with the model.
registerEffect('GetChargingProfiles', async (req: { requestId: number }, res: { status: string }, ctx: EffectContext) => {
  await putProfilesRequest({ chargePointId: ctx.chargePointId, requestId: req.requestId, request: req, status: res.status, answeredAt: ctx.answeredAt.toISOString() });
});
