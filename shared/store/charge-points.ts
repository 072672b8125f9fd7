import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { CertificateHashData } from '../certificates/hash-data';
import { db } from '../aws';
import { setAttributesExpression } from './expressions';
import { config } from '../config';
import type { Protocol } from '../ocpp/protocol';
import { tableName } from './tables';
import { isSoapConnection, soapStationLive } from '../soap/liveness';

export type RegistrationStatus = 'Accepted' | 'Pending' | 'Rejected';
export const REGISTRATION_STATUSES: RegistrationStatus[] = ['Accepted', 'Pending', 'Rejected'];

/** Status of one 1.6 connector (key "1") or 2.0.x EVSE connector (key "1/1"). */
export interface ConnectorStatus {
  status: string;
  errorCode?: string;
  info?: string;
  vendorId?: string;
  vendorErrorCode?: string;
  timestamp?: string;
  evseId?: number;
  connectorId: number;
  updatedAt: string;
}

export interface PendingCall {
  messageId: string;
  action: string;
  payload: unknown;
  connectionId: string;
  sentAt: string;
  expiresAtMs: number;
  /** Step Functions task token to resume when the answer arrives. */
  taskToken?: string;
}

export interface ChargePoint {
  chargePointId: string;
  registrationStatus: RegistrationStatus;
  passwordHash?: string;
  createdAt: string;
  connectionId?: string;
  protocol?: Protocol;
  connectedAt?: string;
  disconnectedAt?: string;
  lastSeen?: string;
  boot?: Record<string, unknown>;
  bootedAt?: string;
  statuses: Record<string, ConnectorStatus>;
  pendingCall?: PendingCall;
  /** The CSMS's view of the certificates the station has installed (shared/certificates/installed.ts). */
  installedCertificates?: InstalledCertificates;
  /** Per charge point settings (e.g. voltage, phases for A↔W conversion). */
  settings?: Record<string, unknown>;
  /** The tariff of sessions on this charge point when the id tag names none (docs/tariffs.md). */
  tariffId?: string;
  /** `soap` for an OCPP 1.6 SOAP station (docs/soap.md); absent for OCPP-J. */
  transport?: 'soap';
  /** A SOAP station's endpoint: the wsa:From address of its latest message. */
  soapEndpoint?: string;
}

/** One certificate a station has installed, as its answers (and our InstallCertificate) tell. */
export interface InstalledCertificate {
  certificateType: string;
  /** CertificateHashDataType; absent for a certificate we installed whose issuer key we do not know. */
  hashData?: CertificateHashData;
  /** 2.x V2GCertificateChain: the hash data of the chain's sub-CA certificates. */
  childHashData?: CertificateHashData[];
  subject?: string;
  notAfter?: string;
  /** The answer that told us: GetInstalledCertificateIds or InstallCertificate. */
  source: string;
  recordedAt: string;
}
export interface InstalledCertificates {
  certificates: InstalledCertificate[];
  updatedAt: string;
  /** Incremented by every write: the optimistic-concurrency check of writeInstalledCertificates. */
  revision: number;
}

const table = () => tableName('chargePoints');

function isConditionFailure(e: unknown): boolean {
  return e instanceof ConditionalCheckFailedException || (e as { name?: string })?.name === 'ConditionalCheckFailedException';
}
export { isConditionFailure };

export async function getChargePoint(chargePointId: string, consistent = false): Promise<ChargePoint | undefined> {
  const out = await db().send(new GetCommand({ TableName: table(), Key: { chargePointId }, ConsistentRead: consistent }));
  return out.Item as ChargePoint | undefined;
}

/** A connection record counts only while younger than API Gateway's maximum connection age. */
export function liveConnectionId(cp: ChargePoint | undefined, now = Date.now()): string | undefined {
  // A SOAP station has no connection: it counts as connected while heard from recently (docs/soap.md).
  if (isSoapConnection(cp?.connectionId)) return soapStationLive(cp!.lastSeen, now) ? cp!.connectionId : undefined;
  if (!cp?.connectionId || !cp.connectedAt) return undefined;
  return now - Date.parse(cp.connectedAt) < config.connectionMaxAgeMs() ? cp.connectionId : undefined;
}

/** Creates or updates the registry entry an operator manages (password, registration status). */
export async function upsertChargePoint(
  chargePointId: string,
  changes: { passwordHash?: string | null; registrationStatus?: RegistrationStatus; settings?: Record<string, unknown>; securityProfile?: number; tariffId?: string | null },
  now = new Date(),
): Promise<{ item: ChargePoint; created: boolean }> {
  const sets = ['createdAt = if_not_exists(createdAt, :now)', 'statuses = if_not_exists(statuses, :empty)',
    'registrationStatus = if_not_exists(registrationStatus, :accepted)'];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':now': now.toISOString(), ':empty': {}, ':accepted': 'Accepted' };
  if (changes.registrationStatus) {
    sets[2] = 'registrationStatus = :rs';
    delete values[':accepted'];
    values[':rs'] = changes.registrationStatus;
  }
  if (changes.passwordHash === null) removes.push('passwordHash');
  else if (changes.passwordHash) {
    sets.push('passwordHash = :ph');
    values[':ph'] = changes.passwordHash;
  }
  // An operator-set password ends any rotation in progress (shared/security/rotation.ts).
  if (changes.passwordHash !== undefined) removes.push('passwordCandidate', 'passwordPrevious');
  if (changes.securityProfile !== undefined) {
    sets.push('securityProfile = :sp');
    values[':sp'] = changes.securityProfile;
  }
  if (changes.settings) {
    sets.push('settings = :settings');
    values[':settings'] = changes.settings;
  }
  if (changes.tariffId === null) removes.push('tariffId');
  else if (changes.tariffId) {
    sets.push('tariffId = :tariffId');
    values[':tariffId'] = changes.tariffId;
  }
  const out = await db().send(new UpdateCommand({
    TableName: table(),
    Key: { chargePointId },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ExpressionAttributeValues: values,
    ReturnValues: 'ALL_NEW',
  }));
  const item = out.Attributes as ChargePoint;
  return { item, created: item.createdAt === values[':now'] };
}

/** Auto-registration: creates the entry only if absent (a racing connect cannot overwrite a password). */
export async function registerIfAbsent(chargePointId: string, now = new Date()): Promise<void> {
  try {
    await db().send(new PutCommand({
      TableName: table(),
      Item: { chargePointId, registrationStatus: 'Accepted', createdAt: now.toISOString(), statuses: {}, autoRegistered: true },
      ConditionExpression: 'attribute_not_exists(chargePointId)',
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

export async function deleteChargePoint(chargePointId: string): Promise<boolean> {
  const out = await db().send(new DeleteCommand({ TableName: table(), Key: { chargePointId }, ReturnValues: 'ALL_OLD' }));
  return !!out.Attributes;
}

export async function listChargePoints(limit = 100, startKey?: Record<string, unknown>) {
  const out = await db().send(new ScanCommand({ TableName: table(), Limit: limit, ExclusiveStartKey: startKey }));
  return { items: (out.Items ?? []) as ChargePoint[], lastKey: out.LastEvaluatedKey };
}

/** `$disconnect` is best effort and may arrive after a newer connect: only clear our own record. */
export async function clearConnection(chargePointId: string, connectionId: string, now = new Date()): Promise<boolean> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET disconnectedAt = :now REMOVE connectionId, pendingCall',
      ConditionExpression: 'connectionId = :c',
      ExpressionAttributeValues: { ':c': connectionId, ':now': now.toISOString() },
    }));
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
}

/** Stores boot information; returns the registration status to answer with. */
export async function recordBoot(chargePointId: string, boot: Record<string, unknown>, now = new Date()): Promise<RegistrationStatus | undefined> {
  try {
    const out = await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET boot = :b, bootedAt = :now, lastSeen = :now',
      ConditionExpression: 'attribute_exists(chargePointId)',
      ExpressionAttributeValues: { ':b': boot, ':now': now.toISOString() },
      ReturnValues: 'ALL_NEW',
    }));
    return (out.Attributes as ChargePoint).registrationStatus;
  } catch (e) {
    if (isConditionFailure(e)) return undefined;
    throw e;
  }
}

/** One write: the status of one connector, and last-seen. */
export async function recordStatus(chargePointId: string, key: string, status: ConnectorStatus, now = new Date()): Promise<void> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET statuses.#k = :s, lastSeen = :now',
      ConditionExpression: 'attribute_exists(chargePointId)',
      ExpressionAttributeNames: { '#k': key },
      ExpressionAttributeValues: { ':s': status, ':now': now.toISOString() },
    }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/** Merges attributes into a charge point's record (used by call effects such as GetConfiguration). */
export async function setAttributes(chargePointId: string, attrs: Record<string, unknown>): Promise<void> {
  const set = setAttributesExpression(attrs);
  if (!set) return;
  try {
    await db().send(new UpdateCommand({ TableName: table(), Key: { chargePointId }, ...set, ConditionExpression: 'attribute_exists(chargePointId)' }));
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
  }
}

/**
 * Replaces the installed-certificates view if it is still at `revision` (0: never written). False
 * when another write came first (read again and retry); undefined when the charge point is gone.
 */
export async function writeInstalledCertificates(chargePointId: string, revision: number, certificates: InstalledCertificate[], now: Date): Promise<boolean | undefined> {
  try {
    await db().send(new UpdateCommand({
      TableName: table(),
      Key: { chargePointId },
      UpdateExpression: 'SET installedCertificates = :v',
      ConditionExpression: revision === 0
        ? 'attribute_exists(chargePointId) AND attribute_not_exists(installedCertificates)'
        : 'attribute_exists(chargePointId) AND installedCertificates.revision = :r',
      ExpressionAttributeValues: { ':v': { certificates, updatedAt: now.toISOString(), revision: revision + 1 }, ...(revision === 0 ? {} : { ':r': revision }) },
    }));
    return true;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    return (await getChargePoint(chargePointId, true)) ? false : undefined;
  }
}
