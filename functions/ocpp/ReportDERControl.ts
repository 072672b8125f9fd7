// OCPP 2.1 ReportDERControl
import { ReportDERControl } from '../../shared/der/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/ReportDERControl';

export const handler = routeHandler('ReportDERControl', ReportDERControl, validators);
