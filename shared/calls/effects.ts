import type { OcppVersion } from '../ocpp/protocol';

/**
 * What an accepted answer changes in the CSMS's model (e.g. GetConfiguration stores the
 * configuration, SetChargingProfile Accepted installs the profile). One entry per action; runs
 * after the answer was validated, in the Lambda that received it.
 */
export interface EffectContext {
  chargePointId: string;
  version: OcppVersion;
  messageId: string;
  answeredAt: Date;
}
export type CallEffect = (request: any, response: any, ctx: EffectContext) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

const effects = new Map<string, CallEffect[]>();

/**
 * Domain modules register their effects at import time (see shared/calls/all-effects.ts). Several
 * blocks may care about one answer (RequestStartTransaction: remote-start linking and its charging
 * profile), so effects add up, in registration order.
 */
export function registerEffect(action: string, effect: CallEffect): void {
  const list = effects.get(action) ?? [];
  if (!list.includes(effect)) list.push(effect);
  effects.set(action, list);
}

/** All effects of an action as one, or undefined when none is registered. */
export function effectFor(action: string): CallEffect | undefined {
  const list = effects.get(action);
  if (!list?.length) return undefined;
  return async (request, response, ctx) => {
    for (const effect of list) await effect(request, response, ctx);
  };
}
