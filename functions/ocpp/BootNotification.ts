// OCPP 1.6 §4.2 Boot Notification · OCPP 2.0.1 B01–B03 Cold Boot
import { BootNotification } from '../../shared/provisioning/boot-notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/BootNotification';

export const handler = routeHandler('BootNotification', BootNotification, validators);
