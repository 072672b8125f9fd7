/**
 * Firmware statuses of both generations (1.6 §7.25 FirmwareStatus; 2.0.1 FirmwareStatusEnumType)
 * and what each means for the update that is waiting for them.
 */
export const FIRMWARE_SUCCESS = new Set(['Installed']);
export const FIRMWARE_FAILURES = new Set(['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature']);

export type FirmwareVerdict = 'succeeded' | 'failed' | 'progress';

export function firmwareVerdict(status: string): FirmwareVerdict {
  if (FIRMWARE_SUCCESS.has(status)) return 'succeeded';
  if (FIRMWARE_FAILURES.has(status)) return 'failed';
  return 'progress';
}

/** The Step Functions error a failure status fails the waiting task with. */
export const firmwareErrorName = (status: string) => `Firmware.${status}`;
