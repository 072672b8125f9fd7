// OCPP 1.6 §4.2 Boot Notification · OCPP 2.0.1 B01–B03 Cold Boot
import { BootNotification } from '../../shared/provisioning/boot-notification';
import { routeHandler } from '../../shared/lambda/websocket';

export const handler = routeHandler('BootNotification', BootNotification);
