// OCPP 2.0.1 K15 / K17 NotifyEVChargingSchedule (K16): schedule → events (kind ev-charging-schedule), Accepted
import { NotifyEVChargingSchedule } from '../../shared/monitoring/notifications';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyEVChargingSchedule';

export const handler = routeHandler('NotifyEVChargingSchedule', NotifyEVChargingSchedule, validators);
