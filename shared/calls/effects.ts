import { log } from '../log';
import type { OcppVersion } from '../ocpp/protocol';
import { metrics } from '../lambda/metrics';

/**
 * What an accepted answer changes in the CSMS's model (e.g. GetConfiguration stores the
 * configuration, SetChargingProfile Accepted installs the profile). Runs after the answer was
 * validated and recorded, in the Lambda that received it.
 *
 * Delivery is at least once: an effect that throws is retried (EFFECT_ATTEMPTS in all, with a short
 * backoff), so every effect must be idempotent — write what the answer says keyed by what it is
 * about (the charge point, the request's ids, `ctx.messageId`), never "add one more".
 */
export interface EffectContext {
  chargePointId: string;
  version: OcppVersion;
  messageId: string;
  answeredAt: Date;
}
export type CallEffect = (request: any, response: any, ctx: EffectContext) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How the effects of one answer ended: the names of those that failed after every attempt. */
export interface EffectsReport {
  failed: string[];
}

const effects = new Map<string, Array<{ name: string; run: CallEffect }>>();

export const EFFECT_ATTEMPTS = 3;
const BACKOFF_MS = [50, 200];

/**
 * Domain modules register their effects at import time (see shared/calls/all-effects.ts). Several
 * blocks may care about one answer (RequestStartTransaction: remote-start linking and its charging
 * profile): each is run on its own, in registration order, and one failing does not keep the
 * others from running. `name` (default `<action>#<n>`) identifies it in logs and metrics.
 */
export function registerEffect(action: string, effect: CallEffect, name?: string): void {
  const list = effects.get(action) ?? [];
  if (!list.some((e) => e.run === effect)) list.push({ name: name ?? `${action}#${list.length + 1}`, run: effect });
  effects.set(action, list);
}

export interface EffectRunOptions {
  /** Waits between attempts (tests pass a no-op). */
  pause?: (ms: number) => Promise<void>;
}

const pauseFor = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The effects of an action as one runner, or undefined when none is registered. Each effect is
 * attempted up to EFFECT_ATTEMPTS times; one that still fails is logged with its error and counted
 * in the `Failures` metric (kind `AnswerEffect`, shared/lambda/metrics.ts; the log line names the action), and named in the report.
 */
export function effectFor(action: string, opts: EffectRunOptions = {}): ((request: unknown, response: unknown, ctx: EffectContext) => Promise<EffectsReport>) | undefined {
  const list = effects.get(action);
  if (!list?.length) return undefined;
  const pause = opts.pause ?? pauseFor;
  return async (request, response, ctx) => {
    const failed: string[] = [];
    for (const effect of list) {
      for (let attempt = 1; ; attempt++) {
        try {
          await effect.run(request, response, ctx);
          break;
        } catch (e) {
          if (attempt < EFFECT_ATTEMPTS) {
            log.warn('an effect of a call failed; retrying', { action, effect: effect.name, attempt, chargePointId: ctx.chargePointId, messageId: ctx.messageId, error: String(e) });
            await pause(BACKOFF_MS[attempt - 1] ?? BACKOFF_MS.at(-1)!);
            continue;
          }
          log.error('an effect of a call failed', {
            action, effect: effect.name, attempts: attempt, chargePointId: ctx.chargePointId, messageId: ctx.messageId, error: String((e as Error)?.stack ?? e),
          });
          metrics.countFailure('AnswerEffect');
          failed.push(effect.name);
          break;
        }
      }
    }
    return { failed };
  };
}
