// OCPP 2.0.1 N02 Get Monitoring report: NotifyMonitoringReport parts → report progress (kind monitoring)
import { NotifyMonitoringReport } from '../../shared/provisioning/reports';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyMonitoringReport';

export const handler = routeHandler('NotifyMonitoringReport', NotifyMonitoringReport, validators);
