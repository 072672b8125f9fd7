// OCPP 2.1 N: periodic event streams (OpenPeriodicEventStream)
import { OpenPeriodicEventStream } from '../../shared/periodic-streams/actions';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/OpenPeriodicEventStream';

export const handler = routeHandler('OpenPeriodicEventStream', OpenPeriodicEventStream, validators);
