import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The operator request a call is made for, as far as the host can tell: the local HTTP API aborts
 * this signal when the client goes away before its answer, so the waiting call gives up and frees
 * the charge point's slot at once. In the cloud nothing tells a Lambda that its HTTP client left
 * (the call then holds the slot until its own timeout).
 */
const caller = new AsyncLocalStorage<AbortSignal>();

export function withCallerSignal<T>(signal: AbortSignal, fn: () => T): T {
  return caller.run(signal, fn);
}

export function callerSignal(): AbortSignal | undefined {
  return caller.getStore();
}
