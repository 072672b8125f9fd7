// OCPP 2.0.1 B07 Get Base Report / B08 Get Custom Report: NotifyReport parts → device model
import { NotifyReport } from '../../shared/provisioning/reports';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyReport';

export const handler = routeHandler('NotifyReport', NotifyReport, validators);
