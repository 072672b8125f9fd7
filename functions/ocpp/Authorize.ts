// OCPP 1.6 §4.1 Authorize · OCPP 2.0.1 C01/C06/C09/C10 Authorize
import { Authorize } from '../../shared/authorization/authorize-action';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/Authorize';

export const handler = routeHandler('Authorize', Authorize, validators);
