import { chargePointComposite, chargingProfiles, chargingProfilesReport, statelessComposite } from '../../smart-charging/queries';
import type { Route } from '../http';

/** Smart charging (docs/smart-charging.md "Operator API"): composite schedules and the CSMS's model of installed profiles. */
export const smartChargingRoutes: Route[] = [
  {
    // DESIGN §5: stateless composite of the given profiles.
    method: 'POST',
    path: '/api/composite-schedule',
    handle: async ({ body }) => statelessComposite(body),
  },
  {
    // DESIGN §5: composite over the profiles the CSMS has installed on that charge point (compare=true: vs. what it reported).
    method: 'GET',
    path: '/api/charge-points/{id}/composite-schedule',
    handle: async ({ params, query }) => chargePointComposite(params.id, query, true),
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/charging-profiles',
    handle: async ({ params, query }) => chargingProfiles(params.id, query),
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/charging-profiles/reports/{requestId}',
    handle: async ({ params }) => chargingProfilesReport(params.id, params.requestId),
  },
];
