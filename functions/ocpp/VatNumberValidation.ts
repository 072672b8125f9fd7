// OCPP 2.1 VatNumberValidation
import { VatNumberValidation } from '../../shared/ocpp21/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/VatNumberValidation';

export const handler = routeHandler('VatNumberValidation', VatNumberValidation, validators);
