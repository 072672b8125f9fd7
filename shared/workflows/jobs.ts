import { randomBytes } from 'node:crypto';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db } from '../aws';
import { isConditionFailure } from '../store/charge-points';
import { setAttributesExpression } from '../store/expressions';
import { fillPage } from '../store/pages';
import { tableName } from '../store/tables';

/**
 * The Jobs table: long-running operations on charge points that a workflow drives (firmware
 * updates and rollouts, diagnostics / log uploads).
 *
 * - the job:                  { jobId, itemKey: "job", jobType, status, request, executionArn, … }
 * - one item per charge point: { jobId, itemKey: "cp#<id>", chargePointId, createdAt, status
 *   (last status the charge point reported, or "Pending"), history: [{ status, at }], outcome }
 *   — also listed per charge point by the sparse index byChargePoint (chargePointId, createdAt);
 * - `listKey` on the job ("type#<jobType>") and on each charge point's item ("cp#<id>#<jobType>"):
 *   the index byList (listKey, createdAt) lists the jobs of a type, and a charge point's jobs of a
 *   type, newest first in full pages (docs/operator-api.md "Lists");
 * - per charge point state in the partition "cp#<id>": the job it is busy with per kind
 *   ("active#firmware", "active#diagnostics": which notifications to attribute to which job, and
 *   the task token that waits for them) and the local authorization list it holds ("localList").
 */
export type JobType = 'FirmwareUpdate' | 'Diagnostics';
export type JobStatus = 'Running' | 'Succeeded' | 'Failed' | 'Aborted';
export type TargetOutcome = 'Succeeded' | 'Failed' | 'Cancelled';

export interface Job {
  jobId: string;
  jobType: JobType;
  status: JobStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  executionArn?: string;
  request: Record<string, unknown>;
  targetCount?: number;
  error?: string;
}

export interface StatusEntry {
  status: string;
  at: string;
  [detail: string]: unknown;
}

export interface JobTarget {
  jobId: string;
  chargePointId: string;
  jobType: JobType;
  createdAt: string;
  status: string;
  history: StatusEntry[];
  outcome?: TargetOutcome;
  error?: string;
  finishedAt?: string;
  /** Per job type details (e.g. the diagnostics file name, the firmware request id). */
  details?: Record<string, unknown>;
}

export type ActiveKind = 'firmware' | 'diagnostics';
export interface ActiveJob {
  chargePointId: string;
  kind: ActiveKind;
  activeJobId: string;
  since: string;
  /** The token of the workflow task waiting for the charge point's notifications. */
  taskToken?: string;
  /** 2.0.1 requestId of the request (UpdateFirmware, GetLog). */
  requestId?: number;
}

const table = () => tableName('jobs');

/** A job id that sorts by time and is a valid Step Functions execution name (the execution is named after its job). */
export const newJobId = (prefix: string, now = new Date()) => `${prefix}-${now.toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;
export const JOB_KEY = 'job';
export const targetKey = (chargePointId: string) => `cp#${chargePointId}`;
export const chargePointPartition = (chargePointId: string) => `cp#${chargePointId}`;
export const jobListKey = (jobType: JobType) => `type#${jobType}`;
export const targetListKey = (chargePointId: string, jobType: JobType) => `cp#${chargePointId}#${jobType}`;
/** The attributes of a byList page token. */
export const JOB_LIST_TOKEN = ['jobId', 'itemKey', 'listKey', 'createdAt'];

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { itemKey: _k, listKey: _l, ...rest } = item;
  return rest as T;
}

export async function createJob(job: Job): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...job, itemKey: JOB_KEY, listKey: jobListKey(job.jobType) }, ConditionExpression: 'attribute_not_exists(jobId)' }));
}

export async function getJob(jobId: string): Promise<Job | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { jobId, itemKey: JOB_KEY }, ConsistentRead: true }));
  return strip<Job>(out.Item);
}

/** Sets attributes of a job; with `onlyIfRunning`, only while it is Running (false otherwise). */
export async function updateJob(jobId: string, attrs: Partial<Omit<Job, 'jobId'>>, onlyIfRunning = false): Promise<boolean> {
  const entries = Object.entries({ ...attrs, updatedAt: attrs.updatedAt ?? new Date().toISOString() }).filter(([, v]) => v !== undefined);
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets = entries.map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:v${i}`] = v;
    return `#a${i} = :v${i}`;
  });
  let condition = 'attribute_exists(jobId)';
  if (onlyIfRunning) {
    names['#status'] = 'status';
    values[':running'] = 'Running';
    condition += ' AND #status = :running';
  }
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { jobId, itemKey: JOB_KEY },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Jobs of one type, newest first, in full pages (the byList index). */
export async function listJobs(jobType: JobType, limit: number, startKey?: Record<string, unknown>) {
  const page = await queryList(jobListKey(jobType), limit, startKey);
  return { items: page.items.map((i) => strip<Job>(i)!), lastKey: page.lastKey };
}

function queryList(listKey: string, limit: number, startKey?: Record<string, unknown>) {
  return fillPage({
    limit,
    startKey,
    keyNames: JOB_LIST_TOKEN,
    read: async (key, n) => {
      const out = await db().send(new QueryCommand({
        TableName: table(),
        IndexName: 'byList',
        KeyConditionExpression: 'listKey = :l',
        ExpressionAttributeValues: { ':l': listKey },
        ScanIndexForward: false,
        Limit: n,
        ExclusiveStartKey: key,
      }));
      return { items: out.Items ?? [], lastKey: out.LastEvaluatedKey };
    },
  });
}

/** Creates the per-charge-point items of a job, all Pending (batch writes of 25). */
export async function putTargets(jobId: string, jobType: JobType, chargePointIds: string[], createdAt: string): Promise<void> {
  const items = chargePointIds.map((chargePointId) => ({
    PutRequest: { Item: { jobId, itemKey: targetKey(chargePointId), listKey: targetListKey(chargePointId, jobType), chargePointId, jobType, createdAt, status: 'Pending', history: [], details: {} } },
  }));
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25);
    for (let attempt = 0; requests.length && attempt < 8; attempt++) {
      const out = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
      requests = (out.UnprocessedItems?.[table()] ?? []) as typeof requests;
      if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
    if (requests.length) throw new Error('could not write the job items (throttled)');
  }
}

export async function getTarget(jobId: string, chargePointId: string): Promise<JobTarget | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { jobId, itemKey: targetKey(chargePointId) }, ConsistentRead: true }));
  return strip<JobTarget>(out.Item);
}

export async function listTargets(jobId: string): Promise<JobTarget[]> {
  const items: JobTarget[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'jobId = :j AND begins_with(itemKey, :cp)',
      ExpressionAttributeValues: { ':j': jobId, ':cp': 'cp#' },
      ExclusiveStartKey: startKey,
    }));
    for (const it of out.Items ?? []) items.push(strip<JobTarget>(it)!);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** The jobs of one type of one charge point, newest first, in full pages (the byList index). */
export async function listTargetsOfChargePoint(chargePointId: string, jobType: JobType, limit: number, startKey?: Record<string, unknown>) {
  const page = await queryList(targetListKey(chargePointId, jobType), limit, startKey);
  return { items: page.items.map((i) => strip<JobTarget>(i)!), lastKey: page.lastKey };
}

/** One write: appends a reported status to a charge point's history and makes it its status. */
export async function recordTargetStatus(jobId: string, chargePointId: string, entry: StatusEntry, details: Record<string, unknown> = {}): Promise<boolean> {
  const names: Record<string, string> = { '#s': 'status' };
  const values: Record<string, unknown> = { ':e': [entry], ':empty': [], ':s': entry.status };
  let update = 'SET history = list_append(if_not_exists(history, :empty), :e), #s = :s';
  Object.entries(details).forEach(([k, v], i) => {
    update += `, details.#d${i} = :d${i}`;
    names[`#d${i}`] = k;
    values[`:d${i}`] = v;
  });
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { jobId, itemKey: targetKey(chargePointId) },
      UpdateExpression: update,
      ConditionExpression: 'attribute_exists(jobId)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Merges details into a charge point's job item (one write). */
export async function setTargetDetails(jobId: string, chargePointId: string, details: Record<string, unknown>): Promise<void> {
  const entries = Object.entries(details);
  if (!entries.length) return;
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { jobId, itemKey: targetKey(chargePointId) },
      UpdateExpression: `SET ${entries.map((_e, i) => `details.#d${i} = :d${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(jobId)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#d${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:d${i}`, v])),
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/** Sets the outcome once (a later one — e.g. a timeout racing the last notification — is ignored). */
export async function finishTarget(jobId: string, chargePointId: string, outcome: TargetOutcome, error?: string, at = new Date()): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { jobId, itemKey: targetKey(chargePointId) },
      UpdateExpression: error ? 'SET outcome = :o, finishedAt = :at, #e = :e' : 'SET outcome = :o, finishedAt = :at',
      ConditionExpression: 'attribute_exists(jobId) AND attribute_not_exists(outcome)',
      ExpressionAttributeNames: error ? { '#e': 'error' } : undefined,
      ExpressionAttributeValues: { ':o': outcome, ':at': at.toISOString(), ...(error ? { ':e': error } : {}) },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

// ---- the job a charge point is busy with, per kind ----------------------------------------------

const activeKey = (kind: ActiveKind) => `active#${kind}`;

/**
 * Records that notifications of this kind now belong to `activeJobId`; returns the job it replaced
 * (a charge point does one firmware update / one upload at a time: the replaced job's waiting task
 * is then told so by the caller).
 */
export async function setActiveJob(a: Omit<ActiveJob, 'taskToken'>): Promise<ActiveJob | undefined> {
  const out = await db().send(new PutCommand({ TableName: table(), Item: { ...a, jobId: chargePointPartition(a.chargePointId), itemKey: activeKey(a.kind) }, ReturnValues: 'ALL_OLD' }));
  if (!out.Attributes || out.Attributes.activeJobId === a.activeJobId) return undefined;
  const { jobId: _p, itemKey: _k, ...rest } = out.Attributes;
  return rest as ActiveJob;
}

export async function getActiveJob(chargePointId: string, kind: ActiveKind): Promise<ActiveJob | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { jobId: chargePointPartition(chargePointId), itemKey: activeKey(kind) }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { jobId: _p, itemKey: _k, ...rest } = out.Item;
  return rest as ActiveJob;
}

/** Attaches the waiting task's token, if the charge point is still busy with that job. */
export async function setActiveToken(chargePointId: string, kind: ActiveKind, activeJobId: string, taskToken: string): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { jobId: chargePointPartition(chargePointId), itemKey: activeKey(kind) },
      UpdateExpression: 'SET taskToken = :t',
      ConditionExpression: 'activeJobId = :j',
      ExpressionAttributeValues: { ':t': taskToken, ':j': activeJobId },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Forgets the active job, if it is still `activeJobId`. */
export async function clearActiveJob(chargePointId: string, kind: ActiveKind, activeJobId: string): Promise<void> {
  try {
    await db().send(new DeleteCommand({
      TableName: table(),
      Key: { jobId: chargePointPartition(chargePointId), itemKey: activeKey(kind) },
      ConditionExpression: 'activeJobId = :j',
      ExpressionAttributeValues: { ':j': activeJobId },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

// ---- per charge point state items (e.g. the local list) -----------------------------------------

export async function getChargePointState<T>(chargePointId: string, name: string): Promise<T | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { jobId: chargePointPartition(chargePointId), itemKey: name }, ConsistentRead: true }));
  if (!out.Item) return undefined;
  const { jobId: _p, itemKey: _k, ...rest } = out.Item;
  return rest as T;
}

export async function putChargePointState(chargePointId: string, name: string, state: Record<string, unknown>): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { ...state, jobId: chargePointPartition(chargePointId), itemKey: name } }));
}

/** Sets some attributes of a state item (creating it when absent). */
export async function mergeChargePointState(chargePointId: string, name: string, attrs: Record<string, unknown>): Promise<void> {
  const set = setAttributesExpression(attrs);
  if (!set) return;
  await db().send(new UpdateCommand({ TableName: table(), Key: { jobId: chargePointPartition(chargePointId), itemKey: name }, ...set }));
}

/** The charge points' records needed by job views (BatchGet of 100). */
export async function batchGetChargePoints(ids: string[]): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] = unique.slice(i, i + 100).map((chargePointId) => ({ chargePointId }));
    for (let attempt = 0; keys.length && attempt < 8; attempt++) {
      const out = await db().send(new BatchGetCommand({ RequestItems: { [tableName('chargePoints')]: { Keys: keys } } }));
      for (const it of out.Responses?.[tableName('chargePoints')] ?? []) found.set(it.chargePointId as string, it);
      keys = (out.UnprocessedKeys?.[tableName('chargePoints')]?.Keys ?? []) as Record<string, unknown>[];
      if (keys.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
    }
  }
  return found;
}
