import { runCommand, type CommandResult } from '../calls/command';
import { GuardRejection, nestedCallOptions, type GuardContext } from '../calls/guards';
import { CallFailure } from '../calls/outbound';
import type { EffectContext } from '../calls/effects';
import { fromIdToken201, parseTokenName, tokenName } from '../authorization/tokens';
import { addToCounter } from '../store/counters';
import { getChargePoint, liveConnectionId } from '../store/charge-points';
import { listVariables } from '../store/device-model';
import { startWorkflow } from '../workflows/start';
import { InvalidRequestError, isDateTime } from '../workflows/validation';
import { getReservation, putReservation, setReservationAttributes, transitionReservation, type Reservation, type ReservationStatus } from './store';

/**
 * Reservations (OCPP 1.6 §5.13 Reserve Now, §5.1 Cancel Reservation, §3.11; 2.0.1 H01–H04
 * through the same functions): the reservation exists in the CSMS once the charge point accepted
 * it; a reservation-expiry workflow marks it Expired at its expiryDate unless it was used or
 * cancelled first; a StartTransaction / TransactionEvent carrying its id (with its idTag or
 * parentIdTag) uses it; a 2.0.1 ReservationStatusUpdate ends it (./status-update.ts).
 * Tokens are named as everywhere in the operator API (docs/transactions.md): `04A2B3C4` (1.6
 * idTag = 2.0.1 ISO14443), `Central:SESSION-42`, `eMAID:…` (2.0.1 idToken type + value).
 */
export interface ReserveInput {
  chargePointId: string;
  /** 1.6: the connector (0 = any, if ReserveConnectorZeroSupported). */
  connectorId?: number;
  /** 2.0.1: the EVSE (omitted: any EVSE), and optionally the connector type wanted. */
  evseId?: number;
  connectorType?: string;
  idTag: string;
  parentIdTag?: string;
  expiryDate: string;
}

/** What an operator sees; an Active reservation past its expiry reads Expired even before the workflow marked it. */
export function reservationView(r: Reservation, now = new Date()) {
  const status: ReservationStatus = r.status === 'Active' && Date.parse(r.expiryDate) <= now.getTime() ? 'Expired' : r.status;
  return {
    reservationId: r.reservationId,
    chargePointId: r.chargePointId,
    // 1.6: connectorId; 2.0.x: evseId (absent = any EVSE) and connectorType.
    connectorId: r.version === '1.6' ? r.connectorId : undefined,
    evseId: r.version === '1.6' ? undefined : r.evseId,
    connectorType: r.connectorType,
    idTag: r.idTag,
    parentIdTag: r.parentIdTag,
    expiryDate: r.expiryDate,
    status,
    createdAt: r.createdAt,
    usedAt: r.usedAt,
    transactionId: r.transactionId,
    cancelledAt: r.cancelledAt,
    expiredAt: r.expiredAt,
    stationStatus: r.stationStatus,
  };
}

const RESERVE_FIELDS = ['chargePointId', 'connectorId', 'evseId', 'connectorType', 'idTag', 'parentIdTag', 'expiryDate'];

/** The checks that do not depend on the charge point's version (those are in checkReserveInput). */
export function parseReserveInput(body: Record<string, unknown>, now = new Date()): ReserveInput {
  const unknown = Object.keys(body).filter((k) => !RESERVE_FIELDS.includes(k));
  if (unknown.length) throw new InvalidRequestError(`Unknown field(s): ${unknown.join(', ')}`);
  if (typeof body.chargePointId !== 'string' || !body.chargePointId) throw new InvalidRequestError('chargePointId is required');
  if (body.connectorId !== undefined && (typeof body.connectorId !== 'number' || !Number.isInteger(body.connectorId) || body.connectorId < 0)) throw new InvalidRequestError('connectorId must be an integer ≥ 0 (0 = any connector)');
  if (body.evseId !== undefined && (typeof body.evseId !== 'number' || !Number.isInteger(body.evseId) || body.evseId < 1)) throw new InvalidRequestError('evseId must be an integer ≥ 1 (leave it out for any EVSE)');
  if (body.connectorType !== undefined && (typeof body.connectorType !== 'string' || !body.connectorType)) throw new InvalidRequestError('connectorType must be a 2.0.1 ConnectorEnumType value, e.g. cType2');
  for (const k of ['idTag', 'parentIdTag']) {
    if (body[k] === undefined && k === 'parentIdTag') continue;
    if (typeof body[k] !== 'string' || !body[k] || (body[k] as string).length > 60) throw new InvalidRequestError(`${k} must be a token name (1.6 idTag of 1 to 20 characters; 2.0.1 also Type:value)`);
  }
  if (!isDateTime(body.expiryDate)) throw new InvalidRequestError('expiryDate must be an ISO 8601 date-time with a time zone');
  if (Date.parse(body.expiryDate) <= now.getTime()) throw new InvalidRequestError('expiryDate must be in the future');
  return JSON.parse(JSON.stringify({
    chargePointId: body.chargePointId, connectorId: body.connectorId, evseId: body.evseId, connectorType: body.connectorType, idTag: body.idTag, parentIdTag: body.parentIdTag, expiryDate: body.expiryDate,
  }));
}

/** What the charge point's version requires of a reservation request (1.6 §6.39 / 2.0.1 H01 ReserveNowRequest). */
export function checkReserveInput(version: '1.6' | '2.0.1', r: ReserveInput): void {
  if (version === '1.6') {
    if (r.evseId !== undefined || r.connectorType !== undefined) throw new InvalidRequestError('evseId and connectorType are for OCPP 2.0.x charge points; a 1.6 charge point reserves a connectorId');
    if (r.connectorId === undefined) throw new InvalidRequestError('connectorId must be an integer ≥ 0 (0 = any connector)');
    if (r.idTag.length > 20) throw new InvalidRequestError('idTag must be a string of 1 to 20 characters');
    if (r.parentIdTag !== undefined && r.parentIdTag.length > 20) throw new InvalidRequestError('parentIdTag must be a string of 1 to 20 characters');
    return;
  }
  if (r.connectorId !== undefined) throw new InvalidRequestError('A 2.0.x charging station reserves an evseId (and optionally a connectorType), not a connectorId');
  for (const k of ['idTag', 'parentIdTag'] as const) {
    if (r[k] !== undefined && parseTokenName(r[k]!).value.length > 36) throw new InvalidRequestError(`${k} must name a 2.0.1 idToken of 1 to 36 characters (optionally Type:value)`);
  }
}

/** OCPP 1.6 §6.39 ReserveNow.req · 2.0.1 H01 ReserveNowRequest (id, expiryDateTime, idToken, evseId, connectorType, groupIdToken). */
export function reserveNowPayload(version: '1.6' | '2.0.1', r: ReserveInput, reservationId: number) {
  if (version === '1.6') return JSON.parse(JSON.stringify({ connectorId: r.connectorId, expiryDate: r.expiryDate, idTag: r.idTag, parentIdTag: r.parentIdTag, reservationId }));
  const token = parseTokenName(r.idTag);
  const group = r.parentIdTag ? parseTokenName(r.parentIdTag) : undefined;
  return JSON.parse(JSON.stringify({
    id: reservationId,
    expiryDateTime: r.expiryDate,
    idToken: { idToken: token.value, type: token.type },
    evseId: r.evseId,
    connectorType: r.connectorType,
    groupIdToken: group ? { idToken: group.value, type: group.type } : undefined,
  }));
}

/** Reservation ids come from one atomic counter: unique across charge points. */
export async function allocateReservationId(): Promise<number> {
  const n = (await addToCounter('reservationId', 1)) % 2_147_483_647; // 1.6 integer
  return n || allocateReservationId();
}

export type ReserveOutcome = { created: ReturnType<typeof reservationView> } | { refused: CommandResult } | { rejected: string };

/** Asks the charge point to reserve; the reservation exists once it answers Accepted (the ReserveNow effect). */
export async function reserve(input: ReserveInput, timeoutMs?: number): Promise<ReserveOutcome> {
  const cp = await getChargePoint(input.chargePointId);
  if (!cp) return { refused: { status: 404, body: { error: 'NotFound', message: `Charge point ${input.chargePointId} is not registered` } } };
  if (!liveConnectionId(cp) || !cp.protocol) return { refused: { status: 409, body: { error: 'NotConnected', message: `Charge point ${input.chargePointId} is not connected` } } };
  const version = cp.protocol === 'ocpp1.6' ? '1.6' : '2.0.1';
  checkReserveInput(version, input); // InvalidRequestError: 400, nothing sent
  const reservationId = await allocateReservationId();
  const result = await runCommand(input.chargePointId, 'ReserveNow', reserveNowPayload(version, input, reservationId), timeoutMs);
  if (result.status !== 200) return { refused: result };
  const status = (result.body.response as { status: string }).status;
  if (status !== 'Accepted') return { rejected: status };
  const r = await getReservation(input.chargePointId, reservationId);
  if (r) return { created: reservationView(r) };
  // Accepted, but the ReserveNow effect that records it is still running (or failed, logged and counted).
  const pending = result.body.effects === 'pending';
  return {
    refused: {
      status: pending ? 202 : 500,
      body: pending
        ? { reservationId, status, message: `Charge point ${input.chargePointId} accepted reservation ${reservationId}; it is still being recorded (GET it shortly)` }
        : { error: 'InternalError', reservationId, message: `Charge point ${input.chargePointId} accepted reservation ${reservationId}, but recording it failed` },
    },
  };
}

/** Asks the charge point to cancel; Accepted → Cancelled (the CancelReservation effect). */
export async function cancel(chargePointId: string, reservationId: number, timeoutMs?: number): Promise<{ result: CommandResult; reservation?: Reservation }> {
  const result = await runCommand(chargePointId, 'CancelReservation', { reservationId }, timeoutMs);
  return { result, reservation: await getReservation(chargePointId, reservationId) };
}

// ---- effects of the charge point's answers -----------------------------------------------------

/** ReserveNow Accepted (1.6 or 2.0.1 request shape): record the reservation and start its expiry workflow. */
export async function reservationAccepted(req: Record<string, any>, ctx: EffectContext): Promise<void> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const now = ctx.answeredAt.toISOString();
  // 2.0.1 H01: the idToken / groupIdToken keep their type, named as the operator API names tokens (consumeReservation keys them back).
  const r: Reservation = ctx.version === '1.6'
    ? { chargePointId: ctx.chargePointId, reservationId: req.reservationId, connectorId: req.connectorId, idTag: req.idTag, parentIdTag: req.parentIdTag, expiryDate: req.expiryDate, status: 'Active', version: '1.6', createdAt: now, updatedAt: now }
    : {
      chargePointId: ctx.chargePointId, reservationId: req.id, evseId: req.evseId, connectorType: req.connectorType, idTag: tokenName(fromIdToken201(req.idToken)),
      parentIdTag: req.groupIdToken ? tokenName(fromIdToken201(req.groupIdToken)) : undefined, expiryDate: req.expiryDateTime, status: 'Active', version: '2.0.1', createdAt: now, updatedAt: now,
    };
  await putReservation(JSON.parse(JSON.stringify(r)));
  // Effects run at least once: the execution is named after the answer, so a retry starts no second one.
  let executionArn: string;
  try {
    ({ executionArn } = await startWorkflow('reservation-expiry', { chargePointId: r.chargePointId, reservationId: r.reservationId, expiryDate: r.expiryDate }, `reservation-${ctx.messageId}`));
  } catch (e) {
    if ((e as { name?: string }).name === 'ExecutionAlreadyExists') return; // started by an earlier attempt, and already over
    throw e;
  }
  await setReservationAttributes(r.chargePointId, r.reservationId, { executionArn });
}

/** CancelReservation Accepted: Active → Cancelled. */
export async function reservationCancelled(reservationId: number, ctx: EffectContext): Promise<void> {
  await transitionReservation(ctx.chargePointId, reservationId, ['Active'], 'Cancelled', { cancelledAt: ctx.answeredAt.toISOString() });
}

/**
 * 1.6 §5.13: connector 0 may be reserved only when the charge point reports
 * ReserveConnectorZeroSupported = true (otherwise it SHALL answer Rejected). Checked before
 * sending; the value is fetched with GetConfiguration when the CSMS has not seen it yet.
 */
export async function guardConnectorZero(chargePointId: string, payload: { connectorId?: number }, version: '1.6' | '2.0.1', ctx: GuardContext): Promise<void> {
  if (version !== '1.6' || payload.connectorId !== 0) return;
  const known = async () => (await listVariables(chargePointId)).find((v) => v.variableKey === 'ReserveConnectorZeroSupported');
  let setting = await known();
  if (!setting) {
    // Within the operator's budget for the ReserveNow, leaving it half of what is left.
    const asked = await runCommand(chargePointId, 'GetConfiguration', { key: ['ReserveConnectorZeroSupported'] }, nestedCallOptions(ctx));
    if (asked.status === 504 || asked.status === 409) {
      throw new CallFailure(asked.status, String(asked.body.error), `ReserveNow not sent: asking ReserveConnectorZeroSupported failed: ${String(asked.body.message)}`);
    }
    setting = await known();
  }
  if (String(setting?.value).toLowerCase() !== 'true') {
    throw new GuardRejection(`Charge point ${chargePointId} does not support reservations of connector 0 (ReserveConnectorZeroSupported is ${setting ? `"${setting.value}"` : 'not reported'}): reserve a specific connector`, 'ConnectorZeroNotSupported');
  }
}

// ---- the expiry workflow's task -----------------------------------------------------------------

/** Step Functions Wait states must not be armed beyond what the local runner (Node timers) can hold. */
const MAX_WAIT_MS = 20 * 86_400_000;

/** 1.6 §5.13 "(2) when the time specified in expiryDate is reached": mark it Expired, or say how long to wait. */
export async function checkReservationExpiry(event: { chargePointId: string; reservationId: number; expiryDate: string }, now = new Date()): Promise<{ done: boolean; waitUntil: string | null; status?: ReservationStatus }> {
  const r = await getReservation(event.chargePointId, event.reservationId);
  // Used, cancelled, or replaced by a reservation with another expiry (which has its own workflow).
  if (!r || r.status !== 'Active' || r.expiryDate !== event.expiryDate) return { done: true, waitUntil: null, status: r?.status };
  const expiry = Date.parse(r.expiryDate);
  if (now.getTime() >= expiry) {
    await transitionReservation(r.chargePointId, r.reservationId, ['Active'], 'Expired', { expiredAt: now.toISOString() }, event.expiryDate);
    return { done: true, waitUntil: null, status: 'Expired' };
  }
  return { done: false, waitUntil: new Date(Math.min(expiry, now.getTime() + MAX_WAIT_MS)).toISOString() };
}

// ---- a transaction uses its reservation ------------------------------------------------------------

export { consumeReservation } from './consume'; // moved to ./consume.ts
