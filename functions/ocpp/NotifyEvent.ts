// OCPP 2.0.1 N07 Alert Event / N08 Periodic Event
import { NotifyEvent } from '../../shared/monitoring/events';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyEvent';

export const handler = routeHandler('NotifyEvent', NotifyEvent, validators);
