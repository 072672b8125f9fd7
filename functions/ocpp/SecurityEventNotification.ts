// OCPP 2.0.1 A04 Security Event Notification · OCPP 1.6 security whitepaper SecurityEventNotification
import { SecurityEventNotification } from '../../shared/monitoring/events';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/SecurityEventNotification';

export const handler = routeHandler('SecurityEventNotification', SecurityEventNotification, validators);
