// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: records a request that could not even be prepared.
import { failDiagnostics } from '../../shared/diagnostics/tasks';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof failDiagnostics>[0]) => failDiagnostics(event));
