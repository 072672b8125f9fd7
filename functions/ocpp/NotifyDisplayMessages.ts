// OCPP 2.0.1 O03 Get All DisplayMessages / O04 Get Specific DisplayMessages: parts → report progress (kind display-messages)
import { NotifyDisplayMessages } from '../../shared/provisioning/reports';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyDisplayMessages';

export const handler = routeHandler('NotifyDisplayMessages', NotifyDisplayMessages, validators);
