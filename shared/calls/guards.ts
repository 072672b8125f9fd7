import type { OcppVersion } from '../ocpp/protocol';

/**
 * Pre-send checks of CSMS→charge point calls that a schema cannot express (e.g. "a TxProfile
 * needs an active transaction on that connector"). `sendCall` runs every guard registered for the
 * action after the schema check and before anything is written or sent; a guard that throws
 * `GuardRejection` stops the call, and the operator gets its status (400 unless the guard says 409)
 * with its message; a `CallFailure` (shared/calls/outbound.ts) passes through with its own status
 * (e.g. 504 when a call the guard needed got no answer in time).
 * Domain modules register guards at import time, like effects (shared/calls/all-effects.ts).
 */
export type CallGuard = (chargePointId: string, payload: any, version: OcppVersion, ctx: GuardContext) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `deadline` (epoch ms): when the operator's wait for the guarded call ends. A guard that makes a
 * call of its own (ReserveNow's asks GetConfiguration) passes `nestedCallOptions(ctx)` to it, so
 * the two together stay within the caller's budget and the guarded call keeps time to be answered.
 */
export interface GuardContext {
  deadline: number;
}

/** Half of the time that is left: the rest stays for the guarded call itself. */
export function nestedCallOptions(ctx: GuardContext, now = Date.now()): { deadline: number } {
  return { deadline: now + Math.max(0, ctx.deadline - now) / 2 };
}

/** A call that must not be sent; `message` says why (shown to the operator as is, with `status`). */
export class GuardRejection extends Error {
  constructor(message: string, readonly error = 'InvalidRequest', readonly status: 400 | 409 = 400) {
    super(message);
    this.name = 'GuardRejection';
  }
}

const guards = new Map<string, CallGuard[]>();

/** Several modules may guard one action; guards run in registration order. */
export function registerGuard(action: string, guard: CallGuard): void {
  const list = guards.get(action) ?? [];
  if (!list.includes(guard)) list.push(guard);
  guards.set(action, list);
}

/** Runs the guards of `action`; throws the first rejection. */
export async function runGuards(action: string, chargePointId: string, payload: unknown, version: OcppVersion, ctx: GuardContext = { deadline: Infinity }): Promise<void> {
  for (const guard of guards.get(action) ?? []) await guard(chargePointId, payload, version, ctx);
}
