import { hashPassword } from '../../auth/password';
import { rotationStatus } from '../../security/rotation';
import { securityProfileOf, type SecurityProfile } from '../../security/profiles';
import { isValidIdentity } from '../../auth/identity';
import { closeConnection, connectionActivity } from '../../lambda/post';
import {
  deleteChargePoint, getChargePoint, listChargePoints, liveConnectionId, REGISTRATION_STATUSES, upsertChargePoint,
  type ChargePoint, type RegistrationStatus,
} from '../../store/charge-points';
import { isSoapConnection } from '../../soap/liveness';
import { listVariables } from '../../store/device-model';
import { listMessages } from '../../store/message-log';
import { listActiveTransactions } from '../../store/transactions';
import { transactionView } from '../../transactions/view';
import { isTariffId } from '../../tariffs/model';
import { badRequest, CHARGE_POINT_ID, decodeToken, encodeToken, limitParam, NO_QUERY, notFound, object, ok, PAGE_QUERY, requireObject, type Route } from '../http';

const ID = object({ id: CHARGE_POINT_ID });
const CHARGE_POINT_BODY = object({
  password: { type: ['string', 'null'], description: 'password must be a string of 8 to 40 characters (or null to remove it)' },
  registrationStatus: { type: 'string', description: `registrationStatus must be one of ${REGISTRATION_STATUSES.join(', ')}` },
  settings: { type: 'object', description: 'settings must be an object' },
  securityProfile: { type: 'integer', minimum: 0, maximum: 3, description: 'securityProfile must be 0, 1, 2 or 3 (docs/security.md)' },
  tariffId: { type: ['string', 'null'], description: 'tariffId must be the id of a tariff (1 to 36 characters) or null' },
}, [], { description: 'Body must be a JSON object' });

/** What an operator sees of a charge point: never the password hash. */
export function chargePointView(cp: ChargePoint) {
  return {
    chargePointId: cp.chargePointId,
    registrationStatus: cp.registrationStatus,
    hasPassword: !!cp.passwordHash,
    /** A password change in progress (shared/security/rotation.ts): Sent, AwaitingReconnect. */
    passwordRotation: rotationStatus(cp),
    /** 0-3, or absent: Basic auth when a password is set (shared/security/profiles.ts). */
    securityProfile: securityProfileOf(cp),
    connected: !!liveConnectionId(cp),
    protocol: cp.protocol,
    /** `soap` for an OCPP 1.6 SOAP station, with its endpoint (docs/soap.md); `websocket` otherwise. */
    transport: isSoapConnection(cp.connectionId) ? 'soap' : 'websocket',
    soapEndpoint: cp.soapEndpoint,
    connectedAt: cp.connectedAt,
    disconnectedAt: cp.disconnectedAt,
    lastSeen: latest(cp.lastSeen, cp.disconnectedAt),
    boot: cp.boot,
    bootedAt: cp.bootedAt,
    connectors: cp.statuses ?? {},
    settings: cp.settings ?? {},
    tariffId: cp.tariffId,
    /** Availability the CSMS asked for and the answers (shared/availability). */
    availability: (cp as ChargePoint & { availability?: Record<string, unknown> }).availability ?? {},
    createdAt: cp.createdAt,
  };
}

const latest = (...times: Array<string | undefined>) => times.filter((t): t is string => !!t).sort().at(-1);

/**
 * The single-charge-point view asks the gateway when the connection last carried a message
 * (GetConnection's LastActiveAt): exact last-seen with no write per Heartbeat, and a connection
 * whose `$disconnect` was lost shows as disconnected.
 */
async function liveView(cp: ChargePoint) {
  const view = chargePointView(cp);
  const connectionId = liveConnectionId(cp);
  // A SOAP station has no gateway connection: its last message is lastSeen (docs/soap.md).
  if (!connectionId || isSoapConnection(connectionId)) return view;
  const activity = await connectionActivity(connectionId);
  if (!activity) return { ...view, connected: false };
  return { ...view, lastSeen: latest(view.lastSeen, activity.lastActiveAt) };
}

async function mustGet(id: string): Promise<ChargePoint> {
  const cp = await getChargePoint(id);
  if (!cp) throw notFound(`Charge point ${id} is not registered`);
  return cp;
}

export const chargePointRoutes: Route[] = [
  {
    method: 'GET',
    path: '/api/charge-points',
    schema: { query: object(PAGE_QUERY) },
    handle: async ({ query }) => {
      const page = await listChargePoints(limitParam(query, 100), decodeToken(query.nextToken, ['chargePointId']));
      return ok({ items: page.items.map(chargePointView), nextToken: encodeToken(page.lastKey) });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}',
    schema: { path: ID, query: NO_QUERY },
    // The connectors' current transactions come from the sparse active-transactions index: no write per message.
    handle: async ({ params }) => {
      const [cp, active] = await Promise.all([mustGet(params.id), listActiveTransactions(params.id)]);
      return ok({ ...(await liveView(cp)), activeTransactions: active.map(transactionView) });
    },
  },
  {
    method: 'PUT',
    path: '/api/charge-points/{id}',
    schema: { path: ID, query: NO_QUERY, body: CHARGE_POINT_BODY },
    handle: async ({ params, body }) => {
      if (!isValidIdentity(params.id)) throw badRequest('Charge point id must be 1-48 printable ASCII characters without ":"');
      const b = requireObject(body);
      const unknown = Object.keys(b).filter((k) => !['password', 'registrationStatus', 'settings', 'securityProfile', 'tariffId'].includes(k));
      if (unknown.length) throw badRequest(`Unknown field(s): ${unknown.join(', ')}`);
      if (b.password !== undefined && b.password !== null && (typeof b.password !== 'string' || b.password.length < 8 || b.password.length > 40)) {
        // 1.6 security whitepaper / 2.0.1 A01: passwords are 16-40 characters; we accept 8+ for legacy stations.
        throw badRequest('password must be a string of 8 to 40 characters (or null to remove it)');
      }
      if (b.registrationStatus !== undefined && !REGISTRATION_STATUSES.includes(b.registrationStatus as RegistrationStatus)) {
        throw badRequest(`registrationStatus must be one of ${REGISTRATION_STATUSES.join(', ')}`);
      }
      if (b.settings !== undefined && (typeof b.settings !== 'object' || b.settings === null || Array.isArray(b.settings))) throw badRequest('settings must be an object');
      if (b.tariffId !== undefined && b.tariffId !== null && !isTariffId(b.tariffId)) throw badRequest('tariffId must be the id of a tariff (1 to 36 characters) or null');
      const before = await getChargePoint(params.id, true);
      const { item, created } = await upsertChargePoint(params.id, {
        passwordHash: b.password === null ? null : typeof b.password === 'string' ? await hashPassword(b.password) : undefined,
        registrationStatus: b.registrationStatus as RegistrationStatus | undefined,
        settings: b.settings as Record<string, unknown> | undefined,
        securityProfile: b.securityProfile as SecurityProfile | undefined,
        tariffId: b.tariffId as string | null | undefined,
      });
      // The registration status travels in the connection's authorizer context: reconnect to apply a change.
      const live = liveConnectionId(before);
      if (live && (before?.registrationStatus !== item.registrationStatus || typeof b.password === 'string' || securityProfileOf(before) !== securityProfileOf(item))) await closeConnection(live);
      return ok(chargePointView(item), created ? 201 : 200);
    },
  },
  {
    method: 'DELETE',
    path: '/api/charge-points/{id}',
    schema: { path: ID, query: NO_QUERY },
    handle: async ({ params }) => {
      const cp = await getChargePoint(params.id, true);
      if (!cp) throw notFound(`Charge point ${params.id} is not registered`);
      const live = liveConnectionId(cp);
      await deleteChargePoint(params.id);
      if (live) await closeConnection(live);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/configuration',
    schema: { path: ID, query: NO_QUERY },
    handle: async ({ params }) => {
      await mustGet(params.id);
      return ok({ items: await listVariables(params.id) });
    },
  },
  {
    method: 'GET',
    path: '/api/charge-points/{id}/messages',
    schema: { path: ID, query: object(PAGE_QUERY) },
    handle: async ({ params, query }) => {
      const startKey = decodeToken(query.nextToken, ['chargePointId', 'logKey'], { chargePointId: params.id });
      await mustGet(params.id);
      const page = await listMessages(params.id, limitParam(query, 50), startKey);
      return ok({ items: page.items, nextToken: encodeToken(page.lastKey) });
    },
  },
];
