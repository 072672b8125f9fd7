// OCPP 2.0.1 K15 Charging with load leveling based on High Level Communication (NotifyEVChargingNeeds)
import { NotifyEVChargingNeeds } from '../../shared/smart-charging/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyEVChargingNeeds';

export const handler = routeHandler('NotifyEVChargingNeeds', NotifyEVChargingNeeds, validators);
