// Operator HTTP API (IAM-authenticated HTTP API in the cloud, /api locally): docs/operator-api.md.
import { handleApiEvent } from '../shared/api';
import { apiErrorCounts } from '../shared/lambda/http';
import { lambda } from '../shared/lambda/middy';

export const handler = lambda('api', handleApiEvent, { middlewares: [apiErrorCounts] });
