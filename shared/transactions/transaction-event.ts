import { authorizeToken } from '../authorization/authorize';
import { fromIdToken201 } from '../authorization/tokens';
import { idTokenInfo201 } from '../authorization/wire';
import { registerAt, registerReadings } from '../metering/energy';
import { recordMeterValues, recordMeterValuesOnce } from '../metering/record';
import type { ActionHandlers, CallContext } from '../ocpp/context';
import { OcppError } from '../ocpp/errors';
import { getRemoteStart, linkRemoteStart } from '../remote/remote-starts';
import type { TransactionChange } from '../store/transactions';
import { transactionEventCost } from '../tariffs/driver-prices';
import { log } from '../log';
import { claimGroup } from './concurrency';
import { fingerprint } from './fingerprint';
import { screenNumbers } from './numbers';
import { isoTime, recordTransactionChange, tokenFields } from './record';

interface TransactionEvent201 {
  eventType: 'Started' | 'Updated' | 'Ended';
  timestamp: string;
  triggerReason: string;
  seqNo: number;
  offline?: boolean;
  numberOfPhasesUsed?: number;
  cableMaxCurrent?: number;
  reservationId?: number;
  transactionInfo: { transactionId: string; chargingState?: string; timeSpentCharging?: number; stoppedReason?: string; remoteStartId?: number };
  evse?: { id: number; connectorId?: number };
  idToken?: { idToken: string; type: string };
  meterValue?: unknown[];
}

/**
 * OCPP 2.0.1 E01–E15 TransactionEvent, as far as the CSMS is involved: Started/Updated/Ended in any
 * order (an upsert; every one of the 6 delivery orders ends in the same record), offline events
 * like live ones (E04/E08/E12), only an event identical to one already stored is a duplicate
 * (seqNo is recorded, never trusted to increase), the first Ended stops it whole, idTokenInfo
 * answered whenever an idToken came (E03/E05/E07; ConcurrentTx from the group claim where
 * concurrency is forbidden), meter values kept (J02), remoteStartId linked to the
 * RequestStartTransaction it answers (F01/F02) — whose idToken and EVSE fill in what a station
 * left out of the event that reports the remote start.
 * DynamoDB: token read (if any) + one conditional update + meter values (if any) (+ the group
 * claim where concurrency is forbidden).
 */
const PERIODIC_TRIGGERS = new Set(['MeterValuePeriodic', 'MeterValueClock']);

export async function transactionEvent201(raw: TransactionEvent201, ctx: CallContext) {
  const { payload: p, outOfRange } = screenNumbers(raw);
  const cp = ctx.chargePointId;
  const transactionId = p.transactionInfo.transactionId;
  // The schema has no minimum length; an empty id cannot name a transaction (the frame stays in the message log).
  if (!transactionId) throw new OcppError('PropertyConstraintViolation', 'transactionInfo.transactionId must not be empty');
  const kind = p.eventType === 'Started' ? 'start' : p.eventType === 'Ended' ? 'end' : 'update';
  const stopping = kind === 'end' || p.triggerReason === 'StopAuthorized';
  const remoteStartId = p.transactionInfo.remoteStartId;
  const reportsRemoteStart = remoteStartId !== undefined && (kind === 'start' || p.triggerReason === 'RemoteStart');
  let token = p.idToken ? fromIdToken201(p.idToken) : undefined;
  let evse = p.evse;
  if (reportsRemoteStart && (!token || !evse)) {
    // Some stations (e.g. 2.0 ones) leave the token and EVSE of a remote start out: they are the ones we asked for.
    const asked = await getRemoteStart(cp, remoteStartId);
    if (asked) {
      token ??= fromIdToken201(asked.idToken);
      evse ??= asked.evseId === undefined ? undefined : { id: asked.evseId };
    }
  }
  const verdict = token ? await authorizeToken(token, { now: ctx.receivedAt, purpose: stopping ? 'stop' : 'start', concurrency: 'claim' }) : undefined;
  const { authorization, claimedGroup } = verdict ? await claimGroup(verdict, { chargePointId: cp, transactionId }, ctx.receivedAt) : { authorization: undefined, claimedGroup: undefined };
  const readings = p.meterValue ? registerReadings('2.0.1', p.meterValue) : [];
  const begin = readings.find((r) => r.context === 'Transaction.Begin');
  const eventHash = fingerprint(p);
  const meterValues = { chargePointId: cp, version: '2.0.1' as const, evseId: evse?.id, transactionId, meterValue: p.meterValue ?? [], source: 'TransactionEvent' as const, messageId: ctx.messageId, receivedAt: ctx.receivedAt, contentKey: eventHash };
  // Most events of a long session are periodic meter values: the transaction keeps no fingerprint
  // of them (see TransactionChange.periodic); their meter values item, written after the update,
  // marks them complete.
  const periodic = kind === 'update' && !p.idToken && !reportsRemoteStart && PERIODIC_TRIGGERS.has(p.triggerReason) && (p.meterValue?.length ?? 0) > 0;
  const change: TransactionChange = {
    chargePointId: cp,
    transactionId,
    version: '2.0.1',
    kind,
    at: isoTime(p.timestamp),
    eventHash,
    periodic,
    periodicOrder: periodic ? `${isoTime(p.timestamp)}|${latestSample(p.meterValue)}` : undefined,
    evseId: evse?.id,
    connectorId: evse?.connectorId,
    token: authorization && tokenFields(authorization, '2.0.1'),
    tokenRole: stopping ? 'stop' : 'start',
    meterStartWh: kind === 'start' ? registerAt('2.0.1', p.meterValue, 'begin') : begin?.wh,
    meterStopWh: kind === 'end' ? registerAt('2.0.1', p.meterValue, 'end') : undefined,
    lastMeterWh: readings.length ? registerAt('2.0.1', p.meterValue, 'end') : undefined,
    stopReason: kind === 'end' ? (p.transactionInfo.stoppedReason ?? 'Local') : undefined,
    reservationId: p.reservationId,
    remoteStartId,
    chargingState: p.transactionInfo.chargingState,
    triggerReason: p.triggerReason,
    seqNo: p.seqNo,
    offline: p.offline,
    claimedGroup,
    receivedAt: ctx.receivedAt,
  };
  const detail = { action: 'TransactionEvent', messageId: ctx.messageId, outOfRange };
  let recorded: Awaited<ReturnType<typeof recordTransactionChange>> | undefined;
  if (periodic) {
    const result = recorded = await recordTransactionChange(change, detail);
    if (result.outcome !== 'superseded') await recordMeterValues(meterValues); // completes a first attempt that died after the update
    // Older than the last periodic event applied, or after the stop: new only if its meter values are.
    else if (await recordMeterValuesOnce(meterValues)) await recordTransactionChange({ ...change, supplementOnly: true }, { ...detail, outOfRange: undefined });
  } else if (kind === 'end') {
    // The Ended event's meter values first: the stop hooks (the CDR, shared/tariffs/cdr.ts) read them.
    await recordMeterValues(meterValues);
    recorded = await recordTransactionChange(change, detail);
  } else {
    [recorded] = await Promise.all([recordTransactionChange(change, detail), recordMeterValues(meterValues)]);
  }
  // Only the event that reports the remote start (not every later one) pays for the link.
  if (reportsRemoteStart) await linkRemoteStart(cp, remoteStartId, transactionId, ctx.receivedAt);
  // I02/I03: the running / final cost where the session has a tariff (shared/tariffs/driver-prices.ts).
  const cost = recorded?.item && (recorded.outcome === 'applied' || recorded.outcome === 'duplicate' || kind === 'end')
    ? await transactionEventCost(kind, recorded.item, p.meterValue ?? [], change.at).catch((e) => { log.warn('could not price the TransactionEvent answer', { transactionId, error: String(e) }); return {}; })
    : {};
  // idTokenInfo answers the idToken of the request, not one we filled in.
  return { ...(authorization && p.idToken ? { idTokenInfo: idTokenInfo201(authorization) } : {}), ...cost };
}

function latestSample(meterValue: unknown[] | undefined): string {
  return ((meterValue ?? []) as Array<{ timestamp: string }>).map((v) => isoTime(v.timestamp)).sort().pop() ?? '';
}

/** OCPP 2.0.1 E01–E15 TransactionEvent (2.0 stations' `transactionData` is normalised by the 2.0 adapter). */
export const TransactionEvent: ActionHandlers = { '2.0.1': transactionEvent201 };
