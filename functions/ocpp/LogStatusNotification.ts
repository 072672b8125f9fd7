// OCPP 2.0.1 N01 Retrieve Log Information · OCPP 1.6 security extension — LogStatusNotification
import { LogStatusNotification } from '../../shared/diagnostics/notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/LogStatusNotification';

export const handler = routeHandler('LogStatusNotification', LogStatusNotification, validators);
