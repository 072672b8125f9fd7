import { chargePointComposite, chargingProfiles, chargingProfilesReport, statelessComposite } from '../../smart-charging/queries';
import { ANY_OBJECT, CHARGE_POINT_ID, INTEGER, NO_QUERY, object, text, type Route } from '../http';

const ID = object({ id: CHARGE_POINT_ID });
/** The values are parsed (with messages naming each rule) by shared/smart-charging/queries.ts. */
const COMPOSITE_QUERY = object(Object.fromEntries(['connectorId', 'evseId', 'start', 'duration', 'chargingRateUnit', 'compare'].map((k) => [k, text(40)])));

/** Smart charging (docs/smart-charging.md "Operator API"): composite schedules and the CSMS's model of installed profiles. */
export const smartChargingRoutes: Route[] = [
  {
    // docs/operator-api.md: stateless composite of the given profiles.
    method: 'POST',
    path: '/api/composite-schedule',
    schema: { query: NO_QUERY, body: ANY_OBJECT },
    handle: async ({ body }) => statelessComposite(body),
  },
  {
    // docs/operator-api.md: composite over the profiles the CSMS has installed on that charge point (compare=true: vs. what it reported).
    method: 'GET',
    path: '/api/charge-points/{id}/composite-schedule',
    schema: { path: ID, query: COMPOSITE_QUERY },
    handle: async ({ params, query }) => chargePointComposite(params.id, query, true),
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/charging-profiles',
    schema: { path: ID, query: object({ connectorId: text(12), evseId: text(12) }) },
    handle: async ({ params, query }) => chargingProfiles(params.id, query),
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/charging-profiles/reports/{requestId}',
    schema: { path: object({ id: CHARGE_POINT_ID, requestId: { ...INTEGER, description: 'requestId must be an integer' } }), query: NO_QUERY },
    handle: async ({ params }) => chargingProfilesReport(params.id, params.requestId),
  },
];
