import { randomUUID } from 'node:crypto';
import { runCommand, type CommandResult } from '../calls/command';
import { config } from '../config';
import { versionOf } from '../ocpp/protocol';
import { getChargePoint, liveConnectionId } from '../store/charge-points';
import { listVariables } from '../store/device-model';
import { listIdTags, type IdTagRecord } from '../store/id-tags';
import { getChargePointState, mergeChargePointState } from '../workflows/jobs';
import {
  applyChanges, chunkChanges, diffList, entriesFor, sendLocalListPayload, type ListChange, type ListSnapshot, type LocalListEntry,
} from './build';

/**
 * Bringing a charge point's Local Authorization List up to date (OCPP 1.6 §5.10 Get Local List
 * Version, §5.15 Send Local List, §3.5.2; 2.0.1 D01/D02 through the same steps):
 *
 * 1. GetLocalListVersion: -1 = not supported (1.6); otherwise the version the charge point holds
 *    (2.0.1 D02: versionNumber 0 = no list).
 * 2. The list is built from the id-tag store. If the charge point holds the version we last sent,
 *    and we know what that version contained, only the difference is sent (Differential);
 *    otherwise the whole list (Full).
 * 3. Messages respect SendLocalListMaxLength (2.0.1: ItemsPerMessage, BytesPerMessage; asked when
 *    unknown, see limits()) and the 32 KB WebSocket frame. A Full update larger than one message is sent as one Full message
 *    (it replaces the list) followed by Differential messages that add the rest — 1.6 has no
 *    other way to send a long list. Each message carries the next version number, and what the
 *    charge point holds is recorded after each accepted message, so an interrupted sync resumes
 *    with a Differential update.
 * 4. Failed / VersionMismatch on a Differential update: the whole list is sent again with Full
 *    (§5.15 "SHOULD retry sending the full local authorization list").
 * 5. The whole chain shares one budget (default CSMS_CALL_TIMEOUT_MS, what an operator request
 *    waits): every call's timeout ends at the chain's deadline at the latest, and no further
 *    message is started when less time is left than the previous one took. The sync then answers
 *    Partial (202) with what was sent (also when a later message got no answer in time), and
 *    the next sync goes on from there.
 */
export interface LocalListState {
  /** The version we last sent and the charge point accepted. */
  version?: number;
  /** What that version contains (entry key → digest); absent when not known (then: Full). */
  entries?: ListSnapshot;
  syncedAt?: string;
  /** The version the charge point last reported (GetLocalListVersion) or adopted (SendLocalList). */
  reportedVersion?: number;
  reportedAt?: string;
}
export const LOCAL_LIST_STATE = 'localList';
const FRAME_LIMIT = 32 * 1024;
const DEFAULT_ITEMS_PER_MESSAGE = 100;
/** Snapshots beyond this are not kept (DynamoDB items stop at 400 KB): the next sync is then Full. */
const MAX_SNAPSHOT_BYTES = 300 * 1024;

export const getLocalListState = (chargePointId: string) => getChargePointState<LocalListState>(chargePointId, LOCAL_LIST_STATE);

export interface SyncResult {
  status: 'UpToDate' | 'Updated' | 'Partial';
  updateType?: 'Full' | 'Differential';
  listVersion: number;
  entries: number;
  messages: Array<{ updateType: 'Full' | 'Differential'; listVersion: number; items: number; status: string }>;
}
export type SyncOutcome = { ok: SyncResult } | { refused: CommandResult };

const refuse = (status: number, error: string, message: string): SyncOutcome => ({ refused: { status, body: { error, message } } });

async function allIdTags(): Promise<IdTagRecord[]> {
  const all: IdTagRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listIdTags(1000, startKey);
    all.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return all;
}

/** The list the charge point should hold now. */
export async function targetList(version: '1.6' | '2.0.1'): Promise<LocalListEntry[]> {
  return entriesFor(version, await allIdTags());
}

/**
 * How many entries a message may carry and the list may hold. 1.6: SendLocalListMaxLength /
 * LocalAuthListMaxLength (GetConfiguration when unknown). 2.0.1 D01: LocalAuthListCtrlr
 * ItemsPerMessage and BytesPerMessage (GetVariables when unknown); the list's maximum is the
 * maxLimit of LocalAuthListCtrlr.Entries, known only from a NotifyReport (otherwise not checked).
 */
async function limits(chargePointId: string, version: '1.6' | '2.0.1', deadline: number) {
  const read = async () => {
    const vars = await listVariables(chargePointId);
    const positive = (v: unknown) => (Number.isInteger(Number(v)) && Number(v) > 0 ? Number(v) : undefined);
    const num = (k: string) => positive(vars.find((x) => x.variableKey === k)?.value);
    if (version === '1.6') return { perMessage: num('SendLocalListMaxLength'), maxLength: num('LocalAuthListMaxLength'), bytesPerMessage: undefined };
    const entries = vars.find((x) => x.variableKey === 'LocalAuthListCtrlr/Entries/Actual')?.characteristics as { maxLimit?: number } | undefined;
    return { perMessage: num('LocalAuthListCtrlr/ItemsPerMessage/Actual'), maxLength: positive(entries?.maxLimit), bytesPerMessage: num('LocalAuthListCtrlr/BytesPerMessage/Actual') };
  };
  let known = await read();
  if (known.perMessage === undefined) {
    if (version === '1.6') await runCommand(chargePointId, 'GetConfiguration', { key: ['SendLocalListMaxLength', 'LocalAuthListMaxLength', 'LocalAuthListEnabled'] }, { deadline });
    else {
      const component = { name: 'LocalAuthListCtrlr' };
      await runCommand(chargePointId, 'GetVariables', { getVariableData: ['ItemsPerMessage', 'BytesPerMessage'].map((name) => ({ component, variable: { name } })) }, { deadline });
    }
    known = await read();
  }
  return { perMessage: known.perMessage ?? DEFAULT_ITEMS_PER_MESSAGE, maxLength: known.maxLength, maxFrameBytes: Math.min(FRAME_LIMIT - 512, known.bytesPerMessage ?? Infinity) };
}

function frameBytes(version: '1.6' | '2.0.1', listVersion: number, updateType: 'Full' | 'Differential') {
  const id = randomUUID();
  return (chunk: ListChange[]) => Buffer.byteLength(JSON.stringify([2, id, 'SendLocalList', sendLocalListPayload(version, listVersion, updateType, chunk)]));
}

async function saveState(chargePointId: string, version: number, entries: ListSnapshot, at: string) {
  const fits = Buffer.byteLength(JSON.stringify(entries)) <= MAX_SNAPSHOT_BYTES;
  await mergeChargePointState(chargePointId, LOCAL_LIST_STATE, { version, entries: fits ? entries : null, syncedAt: at, reportedVersion: version, reportedAt: at });
}

/** `budgetMs`: the whole sync's (default CSMS_CALL_TIMEOUT_MS); `timeoutMs`: each call's at most. */
export async function syncLocalList(chargePointId: string, opts: { updateType?: 'Full'; budgetMs?: number; timeoutMs?: number } = {}): Promise<SyncOutcome> {
  const started = Date.now();
  // The operator API answers within API Gateway's 29 s: the chain as a whole, not each call.
  const deadline = started + (opts.budgetMs ?? config.callTimeoutMs());
  const call = { timeoutMs: opts.timeoutMs, deadline };
  const cp = await getChargePoint(chargePointId);
  if (!cp) return refuse(404, 'NotFound', `Charge point ${chargePointId} is not registered`);
  if (!liveConnectionId(cp) || !cp.protocol) return refuse(409, 'NotConnected', `Charge point ${chargePointId} is not connected`);
  const version = versionOf(cp.protocol);

  const got = await runCommand(chargePointId, 'GetLocalListVersion', {}, call);
  if (got.status !== 200) return { refused: got };
  const response = got.body.response as { listVersion?: number; versionNumber?: number };
  const held = response.listVersion ?? response.versionNumber ?? 0;
  if (held === -1) return refuse(409, 'NotSupported', `Charge point ${chargePointId} does not support a Local Authorization List (GetLocalListVersion = -1)`);

  const target = await targetList(version);
  const { perMessage, maxLength, maxFrameBytes } = await limits(chargePointId, version, deadline);
  if (maxLength !== undefined && target.length > maxLength) {
    return refuse(409, 'LocalListTooLong', `The list has ${target.length} entries; charge point ${chargePointId} holds at most ${maxLength} (${version === '1.6' ? 'LocalAuthListMaxLength' : 'LocalAuthListCtrlr.Entries maxLimit'})`);
  }
  const state = (await getLocalListState(chargePointId)) ?? {};
  let nextVersion = Math.max(held, state.version ?? 0);
  const messages: SyncResult['messages'] = [];

  const send = async (updateType: 'Full' | 'Differential', first: 'Full' | 'Differential', changes: ListChange[], snapshot: ListSnapshot): Promise<SyncOutcome | 'retryFull'> => {
    const chunks = chunkChanges(changes, perMessage, maxFrameBytes, frameBytes(version, nextVersion + 1, updateType));
    if (!chunks.length) chunks.push([]); // a Full update of an empty list still clears it
    let applied = first === 'Full' ? {} : snapshot;
    let lastMessageMs = 0;
    for (const [i, chunk] of chunks.entries()) {
      const partial = (): SyncOutcome => ({ ok: { status: 'Partial', updateType, listVersion: nextVersion, entries: Object.keys(applied).length, messages } });
      if (i > 0 && deadline - Date.now() < lastMessageMs) return partial();
      const type = i === 0 ? first : 'Differential';
      const listVersion = nextVersion + 1;
      const messageStarted = Date.now();
      const sent = await runCommand(chargePointId, 'SendLocalList', sendLocalListPayload(version, listVersion, type, chunk), call);
      lastMessageMs = Date.now() - messageStarted;
      // Out of time after some messages went through: what the station holds is found out next time.
      if (i > 0 && sent.status === 504) return partial();
      if (sent.status !== 200) return { refused: sent };
      const status = (sent.body.response as { status: string }).status;
      messages.push({ updateType: type, listVersion, items: chunk.length, status });
      if (status === 'NotSupported') return refuse(409, 'NotSupported', `Charge point ${chargePointId} does not support SendLocalList`);
      if (status !== 'Accepted') {
        if (type === 'Differential' && updateType === 'Differential') return 'retryFull';
        return refuse(502, 'SendLocalListFailed', `The charge point answered SendLocalList (${type}, version ${listVersion}) with ${status}`);
      }
      nextVersion = listVersion;
      applied = applyChanges(applied, chunk);
      await saveState(chargePointId, listVersion, applied, new Date().toISOString());
    }
    return { ok: { status: 'Updated', updateType, listVersion: nextVersion, entries: target.length, messages } };
  };

  const full = () => send('Full', 'Full', target.map((e) => ({ upsert: e })), {});
  if (opts.updateType !== 'Full' && state.version === held && state.entries) {
    const changes = diffList(state.entries, target);
    if (!changes.length) return { ok: { status: 'UpToDate', listVersion: held, entries: target.length, messages } };
    const outcome = await send('Differential', 'Differential', changes, state.entries);
    if (outcome !== 'retryFull') return outcome;
  }
  const outcome = await full();
  return outcome === 'retryFull' ? refuse(502, 'SendLocalListFailed', 'The charge point refused the list') : outcome;
}

/** What the operator sees of a charge point's list. */
export async function localListView(chargePointId: string) {
  const state = (await getLocalListState(chargePointId)) ?? {};
  return {
    chargePointId,
    version: state.version,
    reportedVersion: state.reportedVersion,
    reportedAt: state.reportedAt,
    syncedAt: state.syncedAt,
    entries: state.entries ? Object.keys(state.entries).length : undefined,
  };
}
