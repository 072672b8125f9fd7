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

const effects = new Map<string, CallEffect>();

/** Domain modules register their effects at import time (see shared/calls/all-effects.ts). */
export function registerEffect(action: string, effect: CallEffect): void {
  effects.set(action, effect);
}

export function effectFor(action: string): CallEffect | undefined {
  return effects.get(action);
}
