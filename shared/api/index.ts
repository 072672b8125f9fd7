import { createRouter, type Route } from './http';
import { callRoutes } from './routes/calls';
import { chargePointRoutes } from './routes/charge-points';

/** Every operator API route; each functional block adds its own module here. */
export const API_ROUTES: Route[] = [...chargePointRoutes, ...callRoutes];

export const handleApiEvent = createRouter(API_ROUTES);
