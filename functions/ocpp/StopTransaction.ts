// OCPP 1.6 §4.10 Stop Transaction
import { StopTransaction } from '../../shared/transactions/actions-16';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/StopTransaction';

export const handler = routeHandler('StopTransaction', StopTransaction, validators);
