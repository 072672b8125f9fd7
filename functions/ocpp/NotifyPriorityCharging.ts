// OCPP 2.1 NotifyPriorityCharging
import { NotifyPriorityCharging } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyPriorityCharging';

export const handler = routeHandler('NotifyPriorityCharging', NotifyPriorityCharging, validators);
