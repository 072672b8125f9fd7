// OCPP 1.6 §4.9 Status Notification · OCPP 2.0.1 G01 Status Notification
import { StatusNotification } from '../../shared/provisioning/status-notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/StatusNotification';

export const handler = routeHandler('StatusNotification', StatusNotification, validators);
