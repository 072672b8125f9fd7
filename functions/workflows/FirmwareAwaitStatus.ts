// OCPP 1.6 §5.19 Update Firmware / 2.0.1 L01 — firmware-update workflow task: waits for the final FirmwareStatusNotification.
import { awaitFirmwareStatus } from '../../shared/firmware/tasks';
import { lambda } from '../../shared/lambda/middy';

export const handler = lambda('workflow', (event: Parameters<typeof awaitFirmwareStatus>[0]) => awaitFirmwareStatus(event));
