// OCPP 2.0.1 N09 Get Customer Information / N10 Clear Customer Information: parts → report progress (kind customer-information)
import { NotifyCustomerInformation } from '../../shared/provisioning/reports';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyCustomerInformation';

export const handler = routeHandler('NotifyCustomerInformation', NotifyCustomerInformation, validators);
