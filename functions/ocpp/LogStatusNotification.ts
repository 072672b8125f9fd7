// OCPP 2.0.1 N01 Retrieve Log Information — LogStatusNotification
import { LogStatusNotification } from '../../shared/diagnostics/notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/LogStatusNotification';

export const handler = routeHandler('LogStatusNotification', LogStatusNotification, validators);
