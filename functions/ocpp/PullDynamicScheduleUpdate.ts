// OCPP 2.1 PullDynamicScheduleUpdate
import { PullDynamicScheduleUpdate } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/PullDynamicScheduleUpdate';

export const handler = routeHandler('PullDynamicScheduleUpdate', PullDynamicScheduleUpdate, validators);
