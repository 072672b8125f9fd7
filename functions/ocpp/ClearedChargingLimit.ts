// OCPP 2.0.1 K13 Reset / Release External Charging Limit (ClearedChargingLimit)
import { ClearedChargingLimit } from '../../shared/smart-charging/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/ClearedChargingLimit';

export const handler = routeHandler('ClearedChargingLimit', ClearedChargingLimit, validators);
