// OCPP 2.1 NotifySettlement
import { NotifySettlement } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifySettlement';

export const handler = routeHandler('NotifySettlement', NotifySettlement, validators);
