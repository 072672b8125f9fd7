// OCPP 1.6 §4.7 Meter Values · OCPP 2.0.1 J01 Meter Values
import { MeterValues } from '../../shared/metering/meter-values-action';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/MeterValues';

export const handler = routeHandler('MeterValues', MeterValues, validators);
