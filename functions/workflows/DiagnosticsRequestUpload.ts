// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: sends GetDiagnostics / GetLog with a task token.
import { requestUpload } from '../../shared/diagnostics/tasks';

export const handler = (event: Parameters<typeof requestUpload>[0]) => requestUpload(event);
