import { getRecord, putRecord, updateRecord } from '../store/counters';

/**
 * OCPP 2.0.1 F01/F02: a RequestStartTransaction the station accepted, kept under its
 * remoteStartId so the TransactionEvent that carries `transactionInfo.remoteStartId` links up
 * (and, for F01 cable-first, the transaction the station named in its answer).
 * Stored in the Counters table under `remoteStart#${chargePointId}#${remoteStartId}` for 7 days.
 */
export interface RemoteStart {
  chargePointId: string;
  remoteStartId: number;
  idToken: { idToken: string; type: string };
  evseId?: number;
  requestedAt: string;
  status: string;
  /** The transaction it led to, once known. */
  transactionId?: string;
  linkedAt?: string;
}

const RETENTION_S = 7 * 86400;
const key = (chargePointId: string, remoteStartId: number) => `remoteStart#${chargePointId}#${remoteStartId}`;

export async function putRemoteStart(r: RemoteStart): Promise<void> {
  await putRecord(key(r.chargePointId, r.remoteStartId), { ...r }, RETENTION_S, new Date(r.requestedAt));
}

export async function getRemoteStart(chargePointId: string, remoteStartId: number): Promise<RemoteStart | undefined> {
  const rec = await getRecord(key(chargePointId, remoteStartId));
  if (!rec) return undefined;
  const { key: _k, expiresAt: _e, createdAt: _c, ...rest } = rec;
  return rest as unknown as RemoteStart;
}

/** Links a remote start to its transaction; false when we never sent that remoteStartId (e.g. it expired). */
export async function linkRemoteStart(chargePointId: string, remoteStartId: number, transactionId: string, at = new Date()): Promise<boolean> {
  return updateRecord(key(chargePointId, remoteStartId), { transactionId, linkedAt: at.toISOString() });
}
