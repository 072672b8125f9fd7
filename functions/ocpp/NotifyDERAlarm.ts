// OCPP 2.1 NotifyDERAlarm
import { NotifyDERAlarm } from '../../shared/der/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyDERAlarm';

export const handler = routeHandler('NotifyDERAlarm', NotifyDERAlarm, validators);
