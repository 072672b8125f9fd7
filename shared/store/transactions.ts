import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { fillPage } from './pages';
import { db } from '../aws';
import { isConditionFailure } from './charge-points';
import { itemOfConditionFailure } from './counters';
import { tableName } from './tables';

/**
 * Charging sessions of both generations, one item per transaction in the charge point's
 * partition (a charge point only ever reaches its own). 1.6 ids are CSMS-allocated integers
 * stored as strings; 2.0.x ids are the station's strings. While a transaction runs it carries
 * `activeChargePointId` / `activeGroupKey`, the keys of two sparse indexes (the connector view and
 * the ConcurrentTx check read them without scanning history).
 */
export type Generation = '1.6' | '2.0.1';

export interface TransactionRecord {
  chargePointId: string;
  transactionId: string;
  version: Generation;
  connectorId?: number;
  evseId?: number;
  /** The token that started it: as presented, its normalised key, its 2.0.1 type, our verdict and its group. */
  idTag?: string;
  idTagKey?: string;
  idTokenType?: string;
  authorizationStatus?: string;
  groupKey?: string;
  stopIdTag?: string;
  stopIdTagKey?: string;
  stopIdTokenType?: string;
  stopAuthorizationStatus?: string;
  meterStart?: number;
  meterStop?: number;
  lastMeterWh?: number;
  startedAt: string;
  stoppedAt?: string;
  stopReason?: string;
  /** 2.0.1 E06: the triggerReason of the Ended event (which TxStopPoint ended it: EVCommunicationLost, StopAuthorized…). */
  stopTriggerReason?: string;
  active: boolean;
  reservationId?: number;
  remoteStartId?: number;
  chargingState?: string;
  /** 2.0.1 charging-state changes as `time|state` (non-periodic events). */
  chargingStates?: Set<string>;
  lastTriggerReason?: string;
  offline?: boolean;
  seqNos?: Set<number>;
  eventCount?: number;
  eventHashes?: Set<string>;
  firstEventHash?: string;
  stopHash?: string;
  stopRequestedAt?: string;
  /** The newest periodic event applied (2.0.1): its order (TransactionChange.periodicOrder) and fingerprint. */
  lastPeriodicAt?: string;
  lastPeriodicHash?: string;
  /** The active-group claim this transaction holds (ConcurrentTx where concurrency is forbidden). */
  claimedGroup?: string;
  /** Transaction hooks that ran successfully on it (`started:<name>`, `stopped:<name>`). */
  hooksDone?: Set<string>;
  activeChargePointId?: string;
  activeGroupKey?: string;
  createdAt: string;
  updatedAt: string;
}

export interface TokenFields {
  idTag: string;
  idTagKey: string;
  idTokenType?: string;
  authorizationStatus: string;
  groupKey?: string;
}

/** What one inbound message changes about a transaction, in generation-neutral terms. */
export interface TransactionChange {
  chargePointId: string;
  transactionId: string;
  version: Generation;
  kind: 'start' | 'update' | 'end';
  /** When it happened according to the charge point (ISO 8601 UTC, as isoTime makes it). */
  at: string;
  /** Fingerprint of the message: only a message identical to one already applied is a duplicate. */
  eventHash: string;
  /**
   * A 2.0.1 periodic meter-value event: its fingerprint is not kept in the transaction (which
   * would otherwise grow by ~25 bytes per event and make every later write of a long session
   * dearer). It applies only if it is newer than the last periodic event applied
   * (`lastPeriodicAt` / `lastPeriodicHash`); otherwise the outcome is `duplicate` (it is that last
   * one) or `superseded` (older, or after the stop), and the caller decides with the event's meter
   * values item, written after this update as its completion mark.
   */
  periodic?: boolean;
  /**
   * Order of a periodic event among the transaction's periodic events (default `at`): the event
   * time, then its latest sample time, as sortable text.
   */
  periodicOrder?: string;
  /** Apply only what a late event may change (see `supplement`): the caller knows the full change cannot apply. */
  supplementOnly?: boolean;
  /** 1.6 StopTransaction: only a transaction we know can be stopped (otherwise: outcome unknown). */
  mustExist?: boolean;
  connectorId?: number;
  evseId?: number;
  token?: TokenFields;
  /** Whether `token` started or stopped the transaction; default: stop for `end`, start otherwise. */
  tokenRole?: 'start' | 'stop';
  meterStartWh?: number;
  meterStopWh?: number;
  lastMeterWh?: number;
  stopReason?: string;
  reservationId?: number;
  remoteStartId?: number;
  chargingState?: string;
  triggerReason?: string;
  seqNo?: number;
  offline?: boolean;
  /** The group this message claimed for the transaction (ConcurrentTx, shared/transactions/concurrency.ts). */
  claimedGroup?: string;
  receivedAt: Date;
}

export interface ChangeResult {
  /**
   * applied: the change took effect in full; late: only what a late event may change (it arrived
   * after the stop, or is an older periodic event); duplicate: this very message was applied
   * before; superseded: a periodic event that cannot apply in full (the caller decides, see
   * `periodic`); unknown: a 1.6 stop of a transaction we never saw.
   */
  outcome: 'applied' | 'late' | 'duplicate' | 'superseded' | 'unknown';
  item?: TransactionRecord;
  /** This change created the transaction. */
  started: boolean;
  /** This change was the first stop. */
  stopped: boolean;
}

const table = () => tableName('transactions');

/** Accumulates one UpdateExpression with placeholders for every name and value. */
class Update {
  private sets: string[] = [];
  private adds: string[] = [];
  private removes: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private n = 0;
  name(attr: string) {
    this.names[`#${attr}`] = attr;
    return `#${attr}`;
  }
  value(v: unknown) {
    const k = `:v${this.n++}`;
    this.values[k] = v;
    return k;
  }
  set(attr: string, v: unknown) {
    if (v !== undefined) this.sets.push(`${this.name(attr)} = ${this.value(v)}`);
  }
  setIfAbsent(attr: string, v: unknown) {
    if (v === undefined) return;
    const a = this.name(attr);
    this.sets.push(`${a} = if_not_exists(${a}, ${this.value(v)})`);
  }
  add(attr: string, v: unknown) {
    this.adds.push(`${this.name(attr)} ${this.value(v)}`);
  }
  remove(attr: string) {
    this.removes.push(this.name(attr));
  }
  expression() {
    return [
      this.sets.length ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length ? `ADD ${this.adds.join(', ')}` : '',
      this.removes.length ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter(Boolean).join(' ');
  }
}

const tracksHash = (c: TransactionChange) => !c.periodic;
const tokenRole = (c: TransactionChange) => c.tokenRole ?? (c.kind === 'end' ? 'stop' : 'start');

function bookkeeping(u: Update, c: TransactionChange) {
  u.set('updatedAt', c.receivedAt.toISOString());
  if (tracksHash(c)) u.add('eventHashes', new Set([c.eventHash]));
  if (c.seqNo !== undefined) u.add('seqNos', new Set([c.seqNo]));
  u.add('eventCount', 1);
  u.set('lastTriggerReason', c.triggerReason);
}

/**
 * What any event may add whenever it arrives, also after the stop or out of order: the start
 * facts. Set only where absent — except that a Started event's time and meter start are
 * authoritative, whatever came first. Never the stop fields, the charging state or the
 * running-transaction index keys, so a late event cannot reopen a transaction nor change its stop.
 */
function startFacts(u: Update, c: TransactionChange, opts: { allowStopToken: boolean }) {
  u.setIfAbsent('version', c.version);
  u.setIfAbsent('createdAt', c.receivedAt.toISOString());
  u.setIfAbsent('firstEventHash', c.eventHash);
  u.setIfAbsent('connectorId', c.connectorId);
  u.setIfAbsent('evseId', c.evseId);
  u.setIfAbsent('reservationId', c.reservationId);
  u.setIfAbsent('remoteStartId', c.remoteStartId);
  u.setIfAbsent('claimedGroup', c.claimedGroup);
  if (c.offline) u.set('offline', true);
  if (c.token && tokenRole(c) === 'start') {
    u.setIfAbsent('idTag', c.token.idTag);
    u.setIfAbsent('idTagKey', c.token.idTagKey);
    u.setIfAbsent('idTokenType', c.token.idTokenType);
    u.setIfAbsent('authorizationStatus', c.token.authorizationStatus);
    u.setIfAbsent('groupKey', c.token.groupKey);
  } else if (c.token && opts.allowStopToken) {
    // 2.0.1 E07: a StopAuthorized update names who stopped before the Ended event does.
    u.setIfAbsent('stopIdTag', c.token.idTag);
    u.setIfAbsent('stopIdTagKey', c.token.idTagKey);
    u.setIfAbsent('stopIdTokenType', c.token.idTokenType);
    u.setIfAbsent('stopAuthorizationStatus', c.token.authorizationStatus);
  }
  if (c.kind === 'start') {
    u.set('startedAt', c.at);
    u.set('meterStart', c.meterStartWh);
  } else {
    u.setIfAbsent('startedAt', c.at);
    u.setIfAbsent('meterStart', c.meterStartWh);
  }
}

/** The change in full, for a transaction not yet stopped (checked by the condition). */
function fullUpdate(c: TransactionChange): Update {
  const u = new Update();
  bookkeeping(u, c);
  // News from the station about the transaction clears a reconciliation flag (shared/transactions/reconcile.ts).
  for (const flag of ['suspectAt', 'suspectReason', 'suspectNote']) u.remove(flag);
  startFacts(u, c, { allowStopToken: c.kind !== 'end' });
  u.set('chargingState', c.chargingState);
  // The charging-state history (time|state) the cost needs for TIME vs PARKING_TIME (docs/tariffs.md);
  // not from periodic events, which repeat the state and must not grow the record.
  if (c.chargingState && !c.periodic) u.add('chargingStates', new Set([`${c.at}|${c.chargingState}`]));
  u.set('lastMeterWh', c.lastMeterWh);
  if (c.periodic) {
    u.set('lastPeriodicAt', c.periodicOrder ?? c.at);
    u.set('lastPeriodicHash', c.eventHash);
  }
  if (c.kind === 'end') {
    // The first stop wins whole: these are set by this one write, under attribute_not_exists(stoppedAt).
    u.set('stoppedAt', c.at);
    u.set('stopReason', c.stopReason);
    u.set('stopTriggerReason', c.triggerReason);
    u.set('meterStop', c.meterStopWh);
    u.set('stopHash', c.eventHash);
    if (c.token && tokenRole(c) === 'stop') {
      u.setIfAbsent('stopIdTag', c.token.idTag);
      u.setIfAbsent('stopIdTagKey', c.token.idTagKey);
      u.setIfAbsent('stopIdTokenType', c.token.idTokenType);
      u.setIfAbsent('stopAuthorizationStatus', c.token.authorizationStatus);
    }
    u.set('active', false);
    u.remove('activeChargePointId');
    u.remove('activeGroupKey');
  } else {
    u.setIfAbsent('active', true);
    u.set('activeChargePointId', c.chargePointId);
    if (c.token && tokenRole(c) === 'start') u.setIfAbsent('activeGroupKey', c.token.groupKey);
  }
  return u;
}

/** What a late event may still change: bookkeeping and start facts (see startFacts). */
function supplement(c: TransactionChange): Update {
  const u = new Update();
  bookkeeping(u, c);
  startFacts(u, c, { allowStopToken: c.kind !== 'end' });
  return u;
}

type Write = { u: Update; conditions: string[] };

async function send(c: TransactionChange, { u, conditions }: Write): Promise<TransactionRecord> {
  const out = await db().send(new UpdateCommand({
    TableName: table(),
    Key: { chargePointId: c.chargePointId, transactionId: c.transactionId },
    UpdateExpression: u.expression(),
    ConditionExpression: conditions.length ? conditions.join(' AND ') : undefined,
    ExpressionAttributeNames: u.names,
    ExpressionAttributeValues: u.values,
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  }));
  return out.Attributes as TransactionRecord;
}

function hashCondition(u: Update, c: TransactionChange): string[] {
  return tracksHash(c) ? [`NOT contains(${u.name('eventHashes')}, ${u.value(c.eventHash)})`] : [];
}

function fullWrite(c: TransactionChange): Write {
  const u = fullUpdate(c);
  const conditions = [...hashCondition(u, c), `attribute_not_exists(${u.name('stoppedAt')})`];
  // Closed by reconciliation (shared/transactions/reconcile.ts): a non-final event cannot reopen it; a real stop still completes it.
  if (c.kind !== 'end') conditions.push(`attribute_not_exists(${u.name('reconciledAt')})`);
  if (c.mustExist) conditions.push(`attribute_exists(${u.name('startedAt')})`);
  if (c.periodic) {
    const [at, hash, when, me] = [u.name('lastPeriodicAt'), u.name('lastPeriodicHash'), u.value(c.periodicOrder ?? c.at), u.value(c.eventHash)];
    conditions.push(`(attribute_not_exists(${at}) OR ${at} < ${when} OR (${at} = ${when} AND ${hash} <> ${me}))`);
  }
  return { u, conditions };
}

function supplementWrite(c: TransactionChange): Write {
  const u = supplement(c);
  return { u, conditions: [...hashCondition(u, c), `attribute_exists(${u.name('createdAt')})`] };
}

const isDuplicate = (old: TransactionRecord, c: TransactionChange) =>
  tracksHash(c) ? !!old.eventHashes && [...old.eventHashes].includes(c.eventHash) : old.lastPeriodicHash === c.eventHash;

/**
 * Applies one change in a single conditional UpdateItem (an upsert, so 2.0.1 events may arrive
 * in any order): an identical message already applied is a duplicate; the first stop wins whole
 * (a later stop changes none of the stop fields); after the stop an event adds only bookkeeping
 * and start facts, so any delivery order of Started/Updated/Ended ends in the same record.
 */
export async function applyTransactionChange(c: TransactionChange, attempt = 0): Promise<ChangeResult> {
  const none = { started: false, stopped: false };
  try {
    if (c.supplementOnly) return { outcome: 'late', item: await send(c, supplementWrite(c)), ...none };
    const item = await send(c, fullWrite(c));
    return { outcome: 'applied', item, started: item.firstEventHash === c.eventHash, stopped: c.kind === 'end' };
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const old = (itemOfConditionFailure(e) as TransactionRecord | undefined) ?? (await getTransaction(c.chargePointId, c.transactionId, true));
    if (!old) return c.mustExist ? { outcome: 'unknown', ...none } : retry(c, attempt, e);
    if (isDuplicate(old, c)) return { outcome: 'duplicate', item: old, ...none };
    if (c.supplementOnly) return retry(c, attempt, e);
    if (c.periodic) return { outcome: 'superseded', item: old, ...none }; // after the stop, or older than the last one applied
    if (old.stoppedAt || (c.kind !== 'end' && (old as { reconciledAt?: string }).reconciledAt)) return applyTransactionChange({ ...c, supplementOnly: true }, attempt + 1);
    return retry(c, attempt, e); // the item changed between our write and our read: decide again
  }
}

function retry(c: TransactionChange, attempt: number, e: unknown): Promise<ChangeResult> {
  if (attempt >= 3) throw e;
  return applyTransactionChange(c, attempt + 1);
}

/** Marks transaction hooks as having run (names added to `hooksDone`), so a retried message does not run them again. */
export async function markHooksDone(chargePointId: string, transactionId: string, names: string[]): Promise<void> {
  if (!names.length) return;
  await db().send(new UpdateCommand({
    TableName: table(),
    Key: { chargePointId, transactionId },
    UpdateExpression: 'ADD #done :names',
    ExpressionAttributeNames: { '#done': 'hooksDone' },
    ExpressionAttributeValues: { ':names': new Set(names) },
  }));
}

export async function getTransaction(chargePointId: string, transactionId: string, consistent = false): Promise<TransactionRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { chargePointId, transactionId }, ConsistentRead: consistent }));
  return out.Item as TransactionRecord | undefined;
}

/** The keys of transactions with this id on any charge point (2.0.x ids are only unique per station): at most `limit`. */
export async function findTransactionsById(transactionId: string, limit = 2): Promise<Array<Pick<TransactionRecord, 'chargePointId' | 'transactionId'>>> {
  const out = await db().send(new QueryCommand({
    TableName: table(),
    IndexName: 'byTransactionId',
    KeyConditionExpression: 'transactionId = :t',
    ExpressionAttributeValues: { ':t': transactionId },
    Limit: limit,
  }));
  return (out.Items ?? []) as Array<Pick<TransactionRecord, 'chargePointId' | 'transactionId'>>;
}

/** The running transactions of one charge point, from the sparse index (no history scanned). */
export async function listActiveTransactions(chargePointId: string): Promise<TransactionRecord[]> {
  const items: TransactionRecord[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: table(),
      IndexName: 'activeByChargePoint',
      KeyConditionExpression: 'activeChargePointId = :cp',
      ExpressionAttributeValues: { ':cp': chargePointId },
      ExclusiveStartKey: startKey,
    }));
    items.push(...((out.Items ?? []) as TransactionRecord[]));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The keys of running transactions of a token group (ConcurrentTx check), from the sparse keys-only index. */
export async function findActiveInGroup(groupKey: string, limit = 10): Promise<Array<Pick<TransactionRecord, 'chargePointId' | 'transactionId'>>> {
  const out = await db().send(new QueryCommand({
    TableName: table(),
    IndexName: 'activeByGroup',
    KeyConditionExpression: 'activeGroupKey = :g',
    ExpressionAttributeValues: { ':g': groupKey },
    Limit: limit,
  }));
  return (out.Items ?? []) as Array<Pick<TransactionRecord, 'chargePointId' | 'transactionId'>>;
}

export interface TransactionFilter {
  chargePointId?: string;
  active?: boolean;
  idTagKey?: string;
}

/** The attributes of a page token, per access pattern of listTransactions. */
export const TRANSACTION_TOKENS = {
  table: ['chargePointId', 'transactionId'],
  active: ['chargePointId', 'transactionId', 'activeChargePointId'],
  idTag: ['chargePointId', 'transactionId', 'idTagKey', 'startedAt'],
} as const;
export const transactionListPattern = (f: TransactionFilter): keyof typeof TRANSACTION_TOKENS =>
  f.idTagKey !== undefined ? 'idTag' : f.active === true ? 'active' : 'table';

/**
 * One full page of transactions (docs/operator-api.md "Lists"):
 * - with an id tag: the byIdTag index, newest first (charge point and active filter within it);
 * - active, with a charge point: the sparse activeByChargePoint index; without: a Scan of it;
 * - with a charge point: its partition, by transaction id;
 * - otherwise a Scan, in storage order.
 * Filters apply after DynamoDB's Limit, so the page is filled by reading on (shared/store/pages.ts).
 */
export async function listTransactions(f: TransactionFilter, limit: number, startKey?: Record<string, unknown>) {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const pattern = transactionListPattern(f);
  if (f.active !== undefined && pattern !== 'active') {
    filters.push('#active = :active');
    names['#active'] = 'active';
    values[':active'] = f.active;
  }
  if (pattern === 'idTag' && f.chargePointId !== undefined) {
    filters.push('#cp = :cp');
    names['#cp'] = 'chargePointId';
    values[':cp'] = f.chargePointId;
  }
  const filter = filters.length ? { FilterExpression: filters.join(' AND ') } : {};
  const read = async (key: Record<string, unknown> | undefined, n: number) => {
    const common = { TableName: table(), Limit: n, ExclusiveStartKey: key, ...filter };
    let out;
    if (pattern === 'idTag') {
      out = await db().send(new QueryCommand({
        ...common, IndexName: 'byIdTag', ScanIndexForward: false,
        KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { ...names, '#pk': 'idTagKey' }, ExpressionAttributeValues: { ...values, ':pk': f.idTagKey },
      }));
    } else if (f.chargePointId !== undefined) {
      const pk = pattern === 'active' ? 'activeChargePointId' : 'chargePointId';
      out = await db().send(new QueryCommand({
        ...common, IndexName: pattern === 'active' ? 'activeByChargePoint' : undefined,
        KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { ...names, '#pk': pk }, ExpressionAttributeValues: { ...values, ':pk': f.chargePointId },
      }));
    } else {
      out = await db().send(new ScanCommand({
        ...common, IndexName: pattern === 'active' ? 'activeByChargePoint' : undefined,
        ExpressionAttributeNames: filters.length ? names : undefined, ExpressionAttributeValues: filters.length ? values : undefined,
      }));
    }
    return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
  };
  const page = await fillPage({ limit, startKey, read, keyNames: [...TRANSACTION_TOKENS[pattern]] });
  return { items: page.items as unknown as TransactionRecord[], lastKey: page.lastKey };
}

/** Sets attributes of a transaction we know (e.g. a remote stop was requested); false if unknown. */
export async function markTransaction(chargePointId: string, transactionId: string, attrs: Record<string, unknown>): Promise<boolean> {
  const u = new Update();
  for (const [k, v] of Object.entries(attrs)) u.set(k, v);
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId, transactionId },
      UpdateExpression: u.expression(),
      ConditionExpression: `attribute_exists(${u.name('startedAt')})`,
      ExpressionAttributeNames: u.names,
      ExpressionAttributeValues: u.values,
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/**
 * The active-group claims (ConcurrentTx where concurrency is forbidden): one item
 * `activeGroup#<groupKey>` in the Counters table per group with a running transaction, naming it.
 * Taken with a conditional Put (strongly consistent, unlike the activeByGroup index), released by
 * the stop. No TTL: a claim lasts as long as its transaction; a stale one is taken over.
 */
export interface GroupHolder {
  chargePointId: string;
  transactionId: string;
}
interface GroupClaim extends GroupHolder {
  key: string;
  claimedAt: string;
}
const groupClaimKey = (groupKey: string) => `activeGroup#${groupKey}`;
const countersTable = () => tableName('counters');

/**
 * Takes the group for `holder` unless another transaction holds it: true when `holder` has it
 * (also when it had it already: a retried start). The holder found is asked `isStale`; a stale
 * claim is taken over with a compare-and-swap on its holder.
 */
export async function claimActiveGroup(groupKey: string, holder: GroupHolder, now: Date, isStale: (claim: GroupClaim) => Promise<boolean>): Promise<boolean> {
  const key = groupClaimKey(groupKey);
  const item: GroupClaim = { key, ...holder, claimedAt: now.toISOString() };
  let expected: GroupHolder | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const [cond, values] = expected
      ? ['#cp = :ocp AND #tx = :otx', { ':ocp': expected.chargePointId, ':otx': expected.transactionId }]
      : ['attribute_not_exists(#k) OR (#cp = :cp AND #tx = :tx)', { ':cp': holder.chargePointId, ':tx': holder.transactionId }];
    try {
      await db().send(new PutCommand({
        TableName: countersTable(),
        Item: item,
        ConditionExpression: cond,
        ExpressionAttributeNames: expected ? { '#cp': 'chargePointId', '#tx': 'transactionId' } : { '#k': 'key', '#cp': 'chargePointId', '#tx': 'transactionId' },
        ExpressionAttributeValues: values,
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }));
      return true;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const found = (itemOfConditionFailure(e) as GroupClaim | undefined) ?? (await getGroupClaim(key));
      if (!found) {
        expected = undefined; // released in between: claim afresh
        continue;
      }
      if (found.chargePointId === holder.chargePointId && found.transactionId === holder.transactionId) return true;
      if (!(await isStale(found))) return false;
      expected = found;
    }
  }
  return false;
}

async function getGroupClaim(key: string): Promise<GroupClaim | undefined> {
  const out = await db().send(new GetCommand({ TableName: countersTable(), Key: { key }, ConsistentRead: true }));
  return out.Item as GroupClaim | undefined;
}

/** Releases the group if `holder` still holds it (idempotent: releasing twice, or after a takeover, changes nothing). */
export async function releaseActiveGroup(groupKey: string, holder: GroupHolder): Promise<void> {
  try {
    await db().send(new DeleteCommand({
      TableName: countersTable(),
      Key: { key: groupClaimKey(groupKey) },
      ConditionExpression: '#cp = :cp AND #tx = :tx',
      ExpressionAttributeNames: { '#cp': 'chargePointId', '#tx': 'transactionId' },
      ExpressionAttributeValues: { ':cp': holder.chargePointId, ':tx': holder.transactionId },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}
