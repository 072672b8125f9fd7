// OCPP 2.1 NotifyAllowedEnergyTransfer
import { NotifyAllowedEnergyTransfer } from '../../shared/der/station';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/NotifyAllowedEnergyTransfer';

export const handler = routeHandler('NotifyAllowedEnergyTransfer', NotifyAllowedEnergyTransfer, validators);
