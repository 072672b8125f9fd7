import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON log lines through Powertools Logger (CloudWatch Logs parses them).
 * - Level: `POWERTOOLS_LOG_LEVEL` or `LOG_LEVEL` (debug|info|warn|error|silent; Lambda's
 *   `AWS_LAMBDA_LOG_LEVEL` wins when set); default info, silent under jest unless one is set.
 * - Sampled debug: `POWERTOOLS_LOGGER_SAMPLE_RATE` (0..1) turns debug on for that share of
 *   invocations (re-drawn per invocation by the Lambda factory, shared/lambda/middy.ts).
 * - The Lambda context (function name, request id, cold start) is injected by the factory.
 * - Per-invocation keys (charge point id, message id, action, protocol) are set by the OCPP
 *   pipeline with `setLogKeys` and ride on every line of that invocation. They live in an
 *   AsyncLocalStorage, not in the Logger's process-wide keys, so the local runtime, which runs
 *   many invocations at once in one process, never mixes them up.
 *
 * `log.info(message, fields)` etc. keep the call sites of the earlier hand-written logger.
 */
function level(): string {
  const fromEnv = process.env.POWERTOOLS_LOG_LEVEL ?? process.env.LOG_LEVEL;
  if (fromEnv) return fromEnv.toUpperCase();
  return process.env.JEST_WORKER_ID ? 'SILENT' : 'INFO';
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csms',
  logLevel: level() as 'INFO',
});

const invocationKeys = new AsyncLocalStorage<Record<string, unknown>>();

/** Starts the key set of one invocation (called first thing by the Lambda factory). */
export function startLogKeys(): void {
  invocationKeys.enterWith({});
}

/** Adds keys to every later line of the current invocation. */
export function setLogKeys(keys: Record<string, unknown>): void {
  const store = invocationKeys.getStore();
  if (!store) return;
  for (const [k, v] of Object.entries(keys)) if (v !== undefined && v !== '') store[k] = v;
}

type Fields = Record<string, unknown>;
const withKeys = (f?: Fields): Fields => ({ ...invocationKeys.getStore(), ...f });

export const log = {
  debug: (m: string, f?: Fields) => logger.debug(m, withKeys(f)),
  info: (m: string, f?: Fields) => logger.info(m, withKeys(f)),
  warn: (m: string, f?: Fields) => logger.warn(m, withKeys(f)),
  error: (m: string, f?: Fields) => logger.error(m, withKeys(f)),
};
