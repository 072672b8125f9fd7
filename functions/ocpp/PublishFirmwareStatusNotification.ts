// OCPP 2.0.1 L03 Publish Firmware file on Local Controller: statuses → events (kind firmware-publish)
import { PublishFirmwareStatusNotification } from '../../shared/monitoring/notifications';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/PublishFirmwareStatusNotification';

export const handler = routeHandler('PublishFirmwareStatusNotification', PublishFirmwareStatusNotification, validators);
