// OCPP 2.0.1 E01–E15 TransactionEvent
import { TransactionEvent } from '../../shared/transactions/transaction-event';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/TransactionEvent';

export const handler = routeHandler('TransactionEvent', TransactionEvent, validators);
