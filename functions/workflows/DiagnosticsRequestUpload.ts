// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: sends GetDiagnostics / GetLog with a task token.
import { requestUpload } from '../../shared/diagnostics/tasks';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof requestUpload>[0]) => requestUpload(event));
