// OCPP 2.1 BatterySwap
import { BatterySwap } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/BatterySwap';

export const handler = routeHandler('BatterySwap', BatterySwap, validators);
