import { createRouter, type Route } from './http';
import { firmwareUpdateRoutes } from './routes/firmware-updates';
import { diagnosticsRoutes } from './routes/diagnostics';
import { reservationRoutes } from './routes/reservations';
import { localListRoutes } from './routes/local-list';
import { callRoutes } from './routes/calls';
import { chargePointRoutes } from './routes/charge-points';
import { idTagRoutes } from './routes/id-tags';
import { transactionRoutes } from './routes/transactions';
import { deviceModelRoutes } from './routes/device-model';
import { eventRoutes } from './routes/events';
import { smartChargingRoutes } from './routes/smart-charging';
import { periodicStreamRoutes } from './routes/periodic-streams';
import { derRoutes } from './routes/der';
import { securityRoutes } from './routes/security';
import { certificateRoutes } from './routes/certificates';
import { tariffRoutes } from './routes/tariffs';
import { cdrRoutes } from './routes/cdrs';
import { displayMessageRoutes } from './routes/display-messages';
import { siteRoutes } from './routes/sites';

/** Every operator API route; each functional block adds its own module here. */
export const API_ROUTES: Route[] = [...chargePointRoutes, ...callRoutes, ...idTagRoutes, ...transactionRoutes, ...deviceModelRoutes, ...eventRoutes, ...smartChargingRoutes, ...firmwareUpdateRoutes, ...diagnosticsRoutes, ...reservationRoutes, ...localListRoutes, ...periodicStreamRoutes, ...derRoutes, ...securityRoutes, ...certificateRoutes, ...tariffRoutes, ...cdrRoutes, ...displayMessageRoutes, ...siteRoutes];

export const handleApiEvent = createRouter(API_ROUTES);
