// OCPP 2.0.1 K11/K12 Set / Update External Charging Limit (NotifyChargingLimit)
import { NotifyChargingLimit } from '../../shared/smart-charging/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyChargingLimit';

export const handler = routeHandler('NotifyChargingLimit', NotifyChargingLimit, validators);
