// OCPP 1.6 §4.4 Diagnostics Status Notification
import { DiagnosticsStatusNotification } from '../../shared/diagnostics/notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/DiagnosticsStatusNotification';

export const handler = routeHandler('DiagnosticsStatusNotification', DiagnosticsStatusNotification, validators);
