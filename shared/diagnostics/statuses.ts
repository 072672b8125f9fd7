/**
 * Upload statuses of both generations (1.6 §7.24 DiagnosticsStatus; 2.0.1 UploadLogStatusEnumType)
 * and what each means for the request waiting for them.
 */
export const UPLOAD_SUCCESS = new Set(['Uploaded']);
export const UPLOAD_FAILURES = new Set(['UploadFailed', 'UploadFailure', 'BadMessage', 'NotSupportedOperation', 'PermissionDenied']);

export function uploadVerdict(status: string): 'succeeded' | 'failed' | 'progress' {
  if (UPLOAD_SUCCESS.has(status)) return 'succeeded';
  if (UPLOAD_FAILURES.has(status)) return 'failed';
  return 'progress';
}

export const uploadErrorName = (status: string) => `Diagnostics.${status}`;
