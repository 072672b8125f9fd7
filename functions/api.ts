// Operator HTTP API (IAM-authenticated HTTP API in the cloud, /api locally): docs/operator-api.md.
import { handleApiEvent } from '../shared/api';

export const handler = handleApiEvent;
