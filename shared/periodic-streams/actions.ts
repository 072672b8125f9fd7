import type { ActionHandlers, CallContext } from '../ocpp/context';
import { closeStream, openStream, putStreamData } from './store';

/**
 * OCPP 2.1 periodic event streams, station side (2.1 part 2, N: OpenPeriodicEventStream,
 * NotifyPeriodicEventStream, ClosePeriodicEventStream). A stream is opened by the station for a
 * monitor (variableMonitoringId) with its params; its data arrives as SEND messages (never
 * answered, 2.1 part 4) and is stored one item per message (./store.ts).
 */
interface OpenRequest { constantStreamData: { id: number; variableMonitoringId: number; params: { interval?: number; values?: number } } }

/** The CSMS accepts every stream a station opens (it has no limit of its own on streams). */
async function openPeriodicEventStream(p: OpenRequest, ctx: CallContext) {
  const { id, variableMonitoringId, params } = p.constantStreamData;
  await openStream(ctx.chargePointId, { id, variableMonitoringId, params }, ctx.receivedAt);
  return { status: 'Accepted' };
}

/** Closing an unknown stream is answered all the same ({} is the only answer the schema has). */
async function closePeriodicEventStream(p: { id: number }, ctx: CallContext) {
  await closeStream(ctx.chargePointId, p.id, ctx.receivedAt);
  return {};
}

/** SEND: one write, nothing read; data of a stream the CSMS never saw opened is kept too. */
async function notifyPeriodicEventStream(p: { id: number; pending: number; basetime: string; data: Array<{ t: number; v: string }> }, ctx: CallContext) {
  await putStreamData(ctx.chargePointId, p, ctx.messageId, ctx.receivedAt);
  return undefined;
}

export const OpenPeriodicEventStream: ActionHandlers = { '2.1': openPeriodicEventStream };
export const ClosePeriodicEventStream: ActionHandlers = { '2.1': closePeriodicEventStream };
export const NotifyPeriodicEventStream: ActionHandlers = { '2.1': notifyPeriodicEventStream, send: true };
