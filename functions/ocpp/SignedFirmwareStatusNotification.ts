// OCPP 1.6 security extension (Security whitepaper ed. 2) — SignedFirmwareStatusNotification
import { SignedFirmwareStatusNotification } from '../../shared/firmware/notification';
import { routeHandler } from '../../shared/lambda/websocket';
import validators from '../../shared/ocpp/validators/SignedFirmwareStatusNotification';

export const handler = routeHandler('SignedFirmwareStatusNotification', SignedFirmwareStatusNotification, validators);
