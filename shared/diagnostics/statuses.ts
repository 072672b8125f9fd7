/**
 * Upload statuses of both generations (1.6 §7.24 DiagnosticsStatus; 2.0.1 N01 UploadLogStatusEnumType)
 * and what each means for the request waiting for them:
 * - final, success: Uploaded (then the file must be in our storage, unless the operator gave a location);
 * - final, failure: UploadFailed (1.6), UploadFailure, BadMessage, NotSupportedOperation (the upload
 *   server does not support the operation), PermissionDenied (2.0.1);
 * - intermediate (recorded in the history, the wait goes on): Uploading; AcceptedCanceled (2.0.1:
 *   this request was accepted and an ongoing upload cancelled for it — our upload is still to
 *   come); Idle (sent only when triggered: recorded, but it neither ends nor fails the request, the
 *   workflow's timeout does). Anything else is treated as intermediate.
 */
export const UPLOAD_SUCCESS = new Set(['Uploaded']);
export const UPLOAD_FAILURES = new Set(['UploadFailed', 'UploadFailure', 'BadMessage', 'NotSupportedOperation', 'PermissionDenied']);
export const UPLOAD_PROGRESS = new Set(['Uploading', 'AcceptedCanceled', 'Idle']);

export function uploadVerdict(status: string): 'succeeded' | 'failed' | 'progress' {
  if (UPLOAD_SUCCESS.has(status)) return 'succeeded';
  if (UPLOAD_FAILURES.has(status)) return 'failed';
  return 'progress';
}

export const uploadErrorName = (status: string) => `Diagnostics.${status}`;
