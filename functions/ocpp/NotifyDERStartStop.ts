// OCPP 2.1 NotifyDERStartStop
import { NotifyDERStartStop } from '../../shared/der/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyDERStartStop';

export const handler = routeHandler('NotifyDERStartStop', NotifyDERStartStop, validators);
