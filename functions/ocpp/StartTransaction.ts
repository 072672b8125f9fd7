// OCPP 1.6 §4.8 Start Transaction
import { StartTransaction } from '../../shared/transactions/actions-16';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/StartTransaction';

export const handler = routeHandler('StartTransaction', StartTransaction, validators);
