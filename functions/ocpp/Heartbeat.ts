// OCPP 1.6 §4.6 Heartbeat · OCPP 2.0.1 G02 Heartbeat
import { Heartbeat } from '../../shared/provisioning/heartbeat';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/Heartbeat';

export const handler = routeHandler('Heartbeat', Heartbeat, validators);
