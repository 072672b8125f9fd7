import { registerEffect } from '../calls/effects';
import { mergeVariables, putVariables, type DeviceVariable } from '../store/device-model';

/**
 * Effects of provisioning calls on the CSMS's view of the charge point's settings:
 * 1.6 §5.8 GetConfiguration / §5.3 ChangeConfiguration; 2.0.1 B06 GetVariables / B05 SetVariables.
 */
interface KeyValue16 { key: string; readonly: boolean; value?: string }

registerEffect('GetConfiguration', async (_req, res: { configurationKey?: KeyValue16[]; unknownKey?: string[] }, ctx) => {
  const at = ctx.answeredAt.toISOString();
  await putVariables(ctx.chargePointId, (res.configurationKey ?? []).map((k) => ({ variableKey: k.key, value: k.value, readonly: k.readonly, reportedAt: at })));
});

registerEffect('ChangeConfiguration', async (req: { key: string; value: string }, res: { status: string }, ctx) => {
  if (res.status !== 'Accepted' && res.status !== 'RebootRequired') return;
  await mergeVariables(ctx.chargePointId, [{ variableKey: req.key, value: req.value, reportedAt: ctx.answeredAt.toISOString(), pendingReboot: res.status === 'RebootRequired' }]);
});

interface Component201 { name: string; instance?: string; evse?: { id: number; connectorId?: number } }
interface Variable201 { name: string; instance?: string }

/** One stable key per component/variable/attribute of the 2.0.1 device model. */
export function variableKey(component: Component201, variable: Variable201, attributeType = 'Actual'): string {
  const evse = component.evse ? `[${component.evse.id}${component.evse.connectorId !== undefined ? `.${component.evse.connectorId}` : ''}]` : '';
  const ci = component.instance ? `;${component.instance}` : '';
  const vi = variable.instance ? `;${variable.instance}` : '';
  return `${component.name}${evse}${ci}/${variable.name}${vi}/${attributeType}`;
}

interface GetVariableResult201 { attributeStatus: string; attributeType?: string; attributeValue?: string; component: Component201; variable: Variable201 }
registerEffect('GetVariables', async (_req, res: { getVariableResult: GetVariableResult201[] }, ctx) => {
  const at = ctx.answeredAt.toISOString();
  const vars: DeviceVariable[] = res.getVariableResult
    .filter((r) => r.attributeStatus === 'Accepted')
    .map((r) => ({ variableKey: variableKey(r.component, r.variable, r.attributeType), value: r.attributeValue, component: r.component, variable: r.variable, attributeType: r.attributeType ?? 'Actual', reportedAt: at }));
  await mergeVariables(ctx.chargePointId, vars);
});

interface SetVariableData201 { attributeType?: string; attributeValue: string; component: Component201; variable: Variable201 }
interface SetVariableResult201 { attributeStatus: string; attributeType?: string; component: Component201; variable: Variable201 }
registerEffect('SetVariables', async (req: { setVariableData: SetVariableData201[] }, res: { setVariableResult: SetVariableResult201[] }, ctx) => {
  const at = ctx.answeredAt.toISOString();
  const vars: DeviceVariable[] = [];
  for (const r of res.setVariableResult) {
    if (r.attributeStatus !== 'Accepted' && r.attributeStatus !== 'RebootRequired') continue;
    const key = variableKey(r.component, r.variable, r.attributeType);
    const sent = req.setVariableData.find((d) => variableKey(d.component, d.variable, d.attributeType) === key);
    if (sent) vars.push({ variableKey: key, value: sent.attributeValue, component: r.component, variable: r.variable, attributeType: r.attributeType ?? 'Actual', reportedAt: at, pendingReboot: r.attributeStatus === 'RebootRequired' });
  }
  await mergeVariables(ctx.chargePointId, vars);
});
