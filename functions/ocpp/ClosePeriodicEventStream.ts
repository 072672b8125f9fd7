// OCPP 2.1 N: periodic event streams (ClosePeriodicEventStream)
import { ClosePeriodicEventStream } from '../../shared/periodic-streams/actions';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/ClosePeriodicEventStream';

export const handler = routeHandler('ClosePeriodicEventStream', ClosePeriodicEventStream, validators);
