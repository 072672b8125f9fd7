// OCPP 2.0.1 K09 Get Charging Profiles (the station's ReportChargingProfiles)
import { ReportChargingProfiles } from '../../shared/smart-charging/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/ReportChargingProfiles';

export const handler = routeHandler('ReportChargingProfiles', ReportChargingProfiles, validators);
