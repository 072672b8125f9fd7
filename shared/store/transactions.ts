import { GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  lastTriggerReason?: string;
  offline?: boolean;
  seqNos?: Set<number>;
  eventCount?: number;
  eventHashes?: Set<string>;
  firstEventHash?: string;
  stopHash?: string;
  stopRequestedAt?: string;
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
  /** When it happened according to the charge point (ISO 8601). */
  at: string;
  /** Fingerprint of the message: only a message identical to one already applied is a duplicate. */
  eventHash: string;
  /**
   * The caller already made sure this message is new (a 2.0.1 periodic meter-value event, whose
   * meter values item is written once): its fingerprint is not kept in the transaction, which would
   * otherwise grow by ~25 bytes per event and make every later write of a long session dearer.
   */
  dedupedElsewhere?: boolean;
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
  receivedAt: Date;
}

export interface ChangeResult {
  outcome: 'applied' | 'duplicate' | 'unknown';
  item?: TransactionRecord;
  /** This change created the transaction (start hooks run once, on it). */
  started: boolean;
  /** This change was the first stop (stop hooks run once, on it). */
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

function bookkeeping(u: Update, c: TransactionChange) {
  u.set('updatedAt', c.receivedAt.toISOString());
  if (!c.dedupedElsewhere) u.add('eventHashes', new Set([c.eventHash]));
  if (c.seqNo !== undefined) u.add('seqNos', new Set([c.seqNo]));
  u.add('eventCount', 1);
  u.set('lastTriggerReason', c.triggerReason);
}

function fullUpdate(c: TransactionChange): Update {
  const u = new Update();
  bookkeeping(u, c);
  u.setIfAbsent('version', c.version);
  u.setIfAbsent('createdAt', c.receivedAt.toISOString());
  u.setIfAbsent('firstEventHash', c.eventHash);
  u.setIfAbsent('connectorId', c.connectorId);
  u.setIfAbsent('evseId', c.evseId);
  u.setIfAbsent('reservationId', c.reservationId);
  u.setIfAbsent('remoteStartId', c.remoteStartId);
  u.set('chargingState', c.chargingState);
  u.set('lastMeterWh', c.lastMeterWh);
  if (c.offline) u.set('offline', true);

  const role = c.tokenRole ?? (c.kind === 'end' ? 'stop' : 'start');
  if (c.token && role === 'start') {
    u.setIfAbsent('idTag', c.token.idTag);
    u.setIfAbsent('idTagKey', c.token.idTagKey);
    u.setIfAbsent('idTokenType', c.token.idTokenType);
    u.setIfAbsent('authorizationStatus', c.token.authorizationStatus);
    u.setIfAbsent('groupKey', c.token.groupKey);
    if (c.kind !== 'end') u.setIfAbsent('activeGroupKey', c.token.groupKey);
  } else if (c.token) {
    u.setIfAbsent('stopIdTag', c.token.idTag);
    u.setIfAbsent('stopIdTagKey', c.token.idTagKey);
    u.setIfAbsent('stopIdTokenType', c.token.idTokenType);
    u.setIfAbsent('stopAuthorizationStatus', c.token.authorizationStatus);
  }

  if (c.kind === 'start') {
    u.set('startedAt', c.at); // authoritative, whatever event came first
    u.set('meterStart', c.meterStartWh);
  } else {
    u.setIfAbsent('startedAt', c.at);
    u.setIfAbsent('meterStart', c.meterStartWh);
  }
  if (c.kind === 'end') {
    u.setIfAbsent('stoppedAt', c.at);
    u.setIfAbsent('stopReason', c.stopReason);
    u.setIfAbsent('stopTriggerReason', c.triggerReason);
    u.setIfAbsent('meterStop', c.meterStopWh);
    u.setIfAbsent('stopHash', c.eventHash);
    u.set('active', false);
    u.remove('activeChargePointId');
    u.remove('activeGroupKey');
  } else {
    u.setIfAbsent('active', true);
    u.set('activeChargePointId', c.chargePointId);
  }
  return u;
}

/**
 * Applies one change in a single conditional UpdateItem (an upsert, so 2.0.1 events may arrive
 * in any order): an identical message already applied is a duplicate; after the stop only
 * bookkeeping changes; the first stop wins (stopping twice stops once).
 */
export async function applyTransactionChange(c: TransactionChange, attempt = 0): Promise<ChangeResult> {
  const u = fullUpdate(c);
  const conditions = c.dedupedElsewhere ? [] : [`NOT contains(${u.name('eventHashes')}, :hash)`];
  if (c.kind !== 'end') conditions.push(`attribute_not_exists(${u.name('stoppedAt')})`);
  if (c.mustExist) conditions.push(`attribute_exists(${u.name('startedAt')})`);
  try {
    const out = await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId: c.chargePointId, transactionId: c.transactionId },
      UpdateExpression: u.expression(),
      ConditionExpression: conditions.length ? conditions.join(' AND ') : undefined,
      ExpressionAttributeNames: u.names,
      ExpressionAttributeValues: c.dedupedElsewhere ? u.values : { ...u.values, ':hash': c.eventHash },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    const item = out.Attributes as TransactionRecord;
    return { outcome: 'applied', item, started: item.firstEventHash === c.eventHash, stopped: c.kind === 'end' && item.stopHash === c.eventHash };
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    const old = (itemOfConditionFailure(e) as TransactionRecord | undefined) ?? (await getTransaction(c.chargePointId, c.transactionId, true));
    if (!old) return { outcome: 'unknown', started: false, stopped: false };
    if (old.eventHashes && [...old.eventHashes].includes(c.eventHash)) return { outcome: 'duplicate', item: old, started: false, stopped: false };
    if (c.kind !== 'end' && old.stoppedAt) return { outcome: 'applied', item: await lateEvent(c), started: false, stopped: false };
    if (attempt >= 3) throw e;
    return applyTransactionChange(c, attempt + 1); // the item changed between our write and our read: decide again
  }
}

/** A non-final event after the stop: recorded (seqNo, count), but it cannot reopen the transaction. */
async function lateEvent(c: TransactionChange): Promise<TransactionRecord> {
  const u = new Update();
  bookkeeping(u, c);
  const out = await db().send(new UpdateCommand({
    TableName: table(),
    Key: { chargePointId: c.chargePointId, transactionId: c.transactionId },
    UpdateExpression: u.expression(),
    ExpressionAttributeNames: u.names,
    ExpressionAttributeValues: u.values,
    ReturnValues: 'ALL_NEW',
  }));
  return out.Attributes as TransactionRecord;
}

export async function getTransaction(chargePointId: string, transactionId: string, consistent = false): Promise<TransactionRecord | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { chargePointId, transactionId }, ConsistentRead: consistent }));
  return out.Item as TransactionRecord | undefined;
}

/** Transactions with this id on any charge point (2.0.x ids are only unique per station): at most `limit`. */
export async function findTransactionsById(transactionId: string, limit = 2): Promise<TransactionRecord[]> {
  const out = await db().send(new QueryCommand({
    TableName: table(),
    IndexName: 'byTransactionId',
    KeyConditionExpression: 'transactionId = :t',
    ExpressionAttributeValues: { ':t': transactionId },
    Limit: limit,
  }));
  return (out.Items ?? []) as TransactionRecord[];
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

/** Running transactions of a token group (ConcurrentTx check), from the sparse index. */
export async function findActiveInGroup(groupKey: string, limit = 10): Promise<TransactionRecord[]> {
  const out = await db().send(new QueryCommand({
    TableName: table(),
    IndexName: 'activeByGroup',
    KeyConditionExpression: 'activeGroupKey = :g',
    ExpressionAttributeValues: { ':g': groupKey },
    Limit: limit,
  }));
  return (out.Items ?? []) as TransactionRecord[];
}

export interface TransactionFilter {
  chargePointId?: string;
  active?: boolean;
  idTagKey?: string;
}

/**
 * One page of transactions. With a charge point: a Query of its partition (or of the sparse
 * active index); without: a Scan (operator use). Filters apply within the page, so a page may hold
 * fewer than `limit` items and still have a next page.
 */
export async function listTransactions(f: TransactionFilter, limit: number, startKey?: Record<string, unknown>) {
  const filters: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const onActiveIndex = f.active === true;
  if (f.active === false) {
    filters.push('#active = :active');
    names['#active'] = 'active';
    values[':active'] = false;
  }
  if (f.idTagKey !== undefined) {
    filters.push('#idTagKey = :idTagKey');
    names['#idTagKey'] = 'idTagKey';
    values[':idTagKey'] = f.idTagKey;
  }
  const common = {
    TableName: table(),
    IndexName: onActiveIndex ? 'activeByChargePoint' : undefined,
    FilterExpression: filters.length ? filters.join(' AND ') : undefined,
    Limit: limit,
    ExclusiveStartKey: startKey,
  };
  let out;
  if (f.chargePointId !== undefined) {
    const pk = onActiveIndex ? 'activeChargePointId' : 'chargePointId';
    out = await db().send(new QueryCommand({
      ...common,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { ...names, '#pk': pk },
      ExpressionAttributeValues: { ...values, ':pk': f.chargePointId },
    }));
  } else {
    out = await db().send(new ScanCommand({
      ...common,
      ExpressionAttributeNames: filters.length ? names : undefined,
      ExpressionAttributeValues: filters.length ? values : undefined,
    }));
  }
  return { items: (out.Items ?? []) as TransactionRecord[], lastKey: out.LastEvaluatedKey };
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
