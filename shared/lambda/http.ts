import type { MiddlewareObj } from '@middy/core';
import { metrics } from './metrics';

/** Counts the operator API's 4xx and 5xx answers (ApiErrors by class); an unhandled failure is a 5xx. */
export const apiErrorCounts: MiddlewareObj = {
  after: (request) => metrics.apiError(Number((request.response as { statusCode?: number } | undefined)?.statusCode ?? 200)),
  onError: () => metrics.apiError(500),
};
