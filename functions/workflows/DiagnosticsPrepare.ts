// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: checks the request and issues the upload target.
import { prepareDiagnostics } from '../../shared/diagnostics/tasks';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof prepareDiagnostics>[0]) => prepareDiagnostics(event));
