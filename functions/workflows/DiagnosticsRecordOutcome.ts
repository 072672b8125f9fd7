// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: records the outcome and the uploaded file.
import { recordDiagnosticsOutcome } from '../../shared/diagnostics/tasks';

export const handler = (event: Parameters<typeof recordDiagnosticsOutcome>[0]) => recordDiagnosticsOutcome(event);
