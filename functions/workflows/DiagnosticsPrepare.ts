// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: checks the request and issues the upload target.
import { prepareDiagnostics } from '../../shared/diagnostics/tasks';

export const handler = (event: Parameters<typeof prepareDiagnostics>[0]) => prepareDiagnostics(event);
