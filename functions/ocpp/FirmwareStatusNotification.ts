// OCPP 1.6 §4.5 Firmware Status Notification · OCPP 2.0.1 L01 FirmwareStatusNotification
import { FirmwareStatusNotification } from '../../shared/firmware/notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/FirmwareStatusNotification';

export const handler = routeHandler('FirmwareStatusNotification', FirmwareStatusNotification, validators);
