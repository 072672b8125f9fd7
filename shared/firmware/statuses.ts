/**
 * Firmware statuses of both generations (1.6 §7.25 FirmwareStatus; 2.0.1 L01/L02
 * FirmwareStatusEnumType) and what each means for the update that is waiting for them:
 * - final, success: Installed;
 * - final, failure: DownloadFailed, InstallationFailed (both); InstallVerificationFailed,
 *   InvalidSignature (2.0.1 L01: the signature or the installed image did not verify);
 * - intermediate (recorded in the history, the wait goes on): Downloading, Downloaded, Installing,
 *   Idle (both); DownloadScheduled, DownloadPaused, SignatureVerified (L01), InstallScheduled,
 *   InstallRebooting (2.0.1: the station reboots and reconnects, then reports Installed).
 * The 2.0.1 UpdateFirmware answer is checked before any of these: Rejected, InvalidCertificate and
 * RevokedCertificate fail the update (FirmwareUpdateRejected); AcceptedCanceled (an ongoing update
 * was cancelled for ours) proceeds like Accepted.
 * The OCPP 1.6 security extension (SignedUpdateFirmware + SignedFirmwareStatusNotification) uses
 * exactly the 2.0.1 answer statuses and FirmwareStatusEnumType, so the same sets decide for it.
 */
export const FIRMWARE_SUCCESS = new Set(['Installed']);
export const FIRMWARE_FAILURES = new Set(['DownloadFailed', 'InstallationFailed', 'InstallVerificationFailed', 'InvalidSignature']);
export const FIRMWARE_PROGRESS = new Set([
  'Downloading', 'Downloaded', 'Installing', 'Idle', 'DownloadScheduled', 'DownloadPaused', 'SignatureVerified', 'InstallScheduled', 'InstallRebooting',
]);

export type FirmwareVerdict = 'succeeded' | 'failed' | 'progress';

export function firmwareVerdict(status: string): FirmwareVerdict {
  if (FIRMWARE_SUCCESS.has(status)) return 'succeeded';
  if (FIRMWARE_FAILURES.has(status)) return 'failed';
  return 'progress';
}

/** The Step Functions error a failure status fails the waiting task with. */
export const firmwareErrorName = (status: string) => `Firmware.${status}`;
