// OCPP 2.0.1 E01–E15 TransactionEvent
import { TransactionEvent } from '../../shared/transactions/transaction-event';
import { routeHandler } from '../../shared/lambda/websocket';

export const handler = routeHandler('TransactionEvent', TransactionEvent);
