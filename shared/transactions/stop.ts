import { authorizeToken, type Authorization } from '../authorization/authorize';
import { tokenKey, type TokenRef } from '../authorization/tokens';
import { recordMeterValues } from '../metering/record';
import type { ChangeResult } from '../store/transactions';
import { fingerprint } from './fingerprint';
import { isoTime, recordTransactionChange, tokenFields, type MessageDetail } from './record';

export interface StopTransactionRequest {
  chargePointId: string;
  transactionId: number;
  /** Absent when the station stopped by itself (e.g. a reset); may differ from the start tag. */
  token?: TokenRef;
  meterStopWh: number;
  timestamp: string;
  reason?: string;
  transactionData?: unknown[];
  receivedAt: Date;
  messageId: string;
  /** Numbers of the message the CSMS could not keep (./numbers.ts). */
  outOfRange?: MessageDetail['outOfRange'];
}

export interface StoppedTransaction {
  authorization?: Authorization;
  result: ChangeResult;
}

/**
 * OCPP 1.6 §4.10 Stop Transaction: "The Central System cannot prevent a transaction from
 * stopping"; reason omitted = Local; transactionData kept as meter values of the transaction.
 * Stopping twice stops once (the first stop wins whole: a second, different stop changes none of
 * its fields); an unknown transactionId is answered
 * normally and recorded as an anomaly. DynamoDB: tag read + conditional update + meter values.
 */
export async function stopTransaction(r: StopTransactionRequest): Promise<StoppedTransaction> {
  const transactionId = String(r.transactionId);
  const stoppedAt = isoTime(r.timestamp);
  const reason = r.reason ?? 'Local';
  const hash = fingerprint(['StopTransaction', transactionId, r.token && tokenKey(r.token), r.meterStopWh, stoppedAt, reason]);
  const authorization = r.token ? await authorizeToken(r.token, { now: r.receivedAt, purpose: 'stop' }) : undefined;
  // The stop's meter values first: the stop hooks (the CDR, shared/tariffs/cdr.ts) read them.
  if (r.transactionData?.length) {
    await recordMeterValues({ chargePointId: r.chargePointId, version: '1.6', transactionId, meterValue: r.transactionData, source: 'StopTransaction', messageId: r.messageId, receivedAt: r.receivedAt });
  }
  const result = await recordTransactionChange({
    chargePointId: r.chargePointId,
    transactionId,
    version: '1.6',
    kind: 'end',
    mustExist: true,
    at: stoppedAt,
    eventHash: hash,
    token: authorization && tokenFields(authorization, '1.6'),
    meterStopWh: r.meterStopWh,
    stopReason: reason,
    receivedAt: r.receivedAt,
  }, { action: 'StopTransaction', messageId: r.messageId, outOfRange: r.outOfRange });
  return { authorization, result };
}
