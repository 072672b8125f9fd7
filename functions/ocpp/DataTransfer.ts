// OCPP 1.6 §4.3 Data Transfer · OCPP 2.0.1 P02 Data Transfer
import { DataTransfer } from '../../shared/data-transfer/data-transfer-action';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/DataTransfer';

export const handler = routeHandler('DataTransfer', DataTransfer, validators);
