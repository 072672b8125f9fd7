// OCPP 2.1 NotifyWebPaymentStarted
import { NotifyWebPaymentStarted } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyWebPaymentStarted';

export const handler = routeHandler('NotifyWebPaymentStarted', NotifyWebPaymentStarted, validators);
