import type { OcppVersion } from '../ocpp/protocol';

/**
 * Pre-send checks of CSMS→charge point calls that a schema cannot express (e.g. "a TxProfile
 * needs an active transaction on that connector"). `sendCall` runs every guard registered for the
 * action after the schema check and before anything is written or sent; a guard that throws
 * `GuardRejection` (or `CallFailure`) stops the call, and the operator gets its status (400 unless
 * the guard says 409) with its message.
 * Domain modules register guards at import time, like effects (shared/calls/all-effects.ts).
 */
export type CallGuard = (chargePointId: string, payload: any, version: OcppVersion) => Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any

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
export async function runGuards(action: string, chargePointId: string, payload: unknown, version: OcppVersion): Promise<void> {
  for (const guard of guards.get(action) ?? []) await guard(chargePointId, payload, version);
}
