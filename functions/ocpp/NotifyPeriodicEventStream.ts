// OCPP 2.1 N: periodic event streams (NotifyPeriodicEventStream, a SEND)
import { NotifyPeriodicEventStream } from '../../shared/periodic-streams/actions';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyPeriodicEventStream';

export const handler = routeHandler('NotifyPeriodicEventStream', NotifyPeriodicEventStream, validators);
