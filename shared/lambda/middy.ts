// Must run before @middy/core is required (CommonJS runners only): see the module.
import './esm-only';
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger, setLogKeys, startLogKeys } from '../log';
import { flushMetrics } from './metrics';
import { tracingMiddlewares } from './tracing';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMiddleware = MiddlewareObj<any, any, any, any, any>;

/** What the stack deploys: the dashboard groups handler latency by these roles. */
export type LambdaRole = 'route' | 'router' | 'soap' | 'authorizer' | 'connect' | 'disconnect' | 'api' | 'upload' | 'commands' | 'composite-schedule' | 'workflow';

export interface LambdaOptions {
  /** Middlewares that apply to this Lambda, outermost first, inside Logger and Metrics. */
  middlewares?: AnyMiddleware[];
  /**
   * Answer before the Lambda times out: the handler races `context.getRemainingTimeInMillis()`
   * minus this margin (middy's `timeoutEarlyInMillis`) and `onDeadline` is thrown into the
   * error middlewares when it loses. Without it the handler simply runs until Lambda stops it.
   */
  deadline?: { marginMs: number; onDeadline: () => Error };
}

/** Thrown into the pipeline when a handler is still running at its deadline. */
export class DeadlineExceeded extends Error {
  constructor(role: string) {
    super(`${role} handler still running at its deadline`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * The logger middleware of every Lambda: a fresh per-invocation key set (charge point id and
 * the like, filled in by inner middlewares), Powertools' Lambda context injection (function
 * name, request id, cold start) and its per-invocation draw of sampled debug logging.
 */
function logging(role: LambdaRole): MiddlewareObj {
  const powertools = injectLambdaContext(logger, { resetKeys: true });
  return {
    before: (request) => {
      startLogKeys();
      setLogKeys({ role });
      return powertools.before?.(request);
    },
    after: powertools.after,
    onError: powertools.onError,
  };
}

/** Writes the invocation's metrics (EMF), whatever the outcome. */
const metricsFlush: MiddlewareObj = {
  after: () => flushMetrics(),
  onError: () => flushMetrics(),
};

/**
 * The one factory of every Lambda entry in functions/: a middy handler with, outermost first,
 * the Powertools Logger, the Tracer (when the stack traces: ./tracing.ts), the Metrics flush, and the middlewares that apply to it. The local
 * runtime (infra/local) invokes exactly these handlers.
 */
export function lambda<TEvent, TResult>(
  role: LambdaRole,
  handler: (event: TEvent, context: Context) => Promise<TResult> | TResult,
  opts: LambdaOptions = {},
) {
  const h = middy<TEvent, TResult>(handler as never, {
    timeoutEarlyInMillis: opts.deadline?.marginMs ?? 0,
    ...(opts.deadline ? { timeoutEarlyResponse: () => { throw opts.deadline!.onDeadline(); } } : {}),
  })
    .use(logging(role))
    .use(tracingMiddlewares())
    .use(metricsFlush)
    .use(opts.middlewares ?? []);
  // Lambda always passes a context; callers in tests and scripts may leave it out.
  return h as typeof h & ((event: TEvent, context?: Context) => Promise<TResult>);
}
