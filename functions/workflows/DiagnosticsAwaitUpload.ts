// OCPP 1.6 §5.9 Get Diagnostics / 2.0.1 N01 — diagnostics-upload workflow task: waits for Uploaded / UploadFailed.
import { awaitUpload } from '../../shared/diagnostics/tasks';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof awaitUpload>[0]) => awaitUpload(event));
