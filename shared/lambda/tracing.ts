import type { MiddlewareObj } from '@middy/core';

/**
 * X-Ray tracing with Powertools Tracer, only where the stack deploys with `tracing` on.
 *
 * `process.env.CSMS_TRACING` is replaced at bundle time (infra/constructs/csms-function.ts defines
 * it from the stack setting), so with tracing off the branches below are dead code and esbuild
 * leaves the Tracer and the X-Ray SDK out of the bundle (about 100 kB a route Lambda does not carry).
 * With tracing on, every invocation is a segment (Lambda's facade) with a subsegment per handler,
 * and every DynamoDB and API Gateway Management API call a subsegment of it. Responses are not
 * captured: OCPP answers carry id tokens. Locally the variable is unset: no tracing.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tracer = any;
let tracer: Tracer | undefined;

export const tracingOn = (): boolean => process.env.CSMS_TRACING === 'true';

function theTracer(): Tracer {
  if (process.env.CSMS_TRACING === 'true') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Tracer } = require('@aws-lambda-powertools/tracer');
    tracer ??= new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csms', captureHTTPsRequests: false });
  }
  return tracer;
}

/** The AWS SDK v3 client, captured by the Tracer when tracing is on (one subsegment per call). */
export function traced<T>(client: T): T {
  if (process.env.CSMS_TRACING === 'true') return theTracer().captureAWSv3Client(client);
  return client;
}

/** Powertools' handler capture, outermost after the Logger; none when tracing is off. */
export function tracingMiddlewares(): MiddlewareObj[] {
  if (process.env.CSMS_TRACING === 'true') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { captureLambdaHandler } = require('@aws-lambda-powertools/tracer/middleware');
    return [captureLambdaHandler(theTracer(), { captureResponse: false })];
  }
  return [];
}
