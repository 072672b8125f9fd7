import { log } from '../log';
import { putEvent } from '../store/events';

/** Events-table kind of anomalies; `anomaly` says which (GET /api/charge-points/{id}/events?kind=anomaly). */
export const ANOMALY = 'anomaly';
/** The anomaly recorded when a charge point reports on a transaction the CSMS never saw. */
export const UNKNOWN_TRANSACTION = 'UnknownTransactionId';
/** The anomaly recorded when a message carries numbers the CSMS cannot keep (./numbers.ts). */
export const NUMBER_OUT_OF_RANGE = 'NumberOutOfRange';

/**
 * Records an anomaly of one message, keyed by the message's fingerprint and kind so a retried
 * message adds nothing. Never fails the message.
 */
export async function recordAnomaly(chargePointId: string, anomaly: string, at: string, id: string, data: Record<string, unknown>): Promise<void> {
  await putEvent(chargePointId, ANOMALY, at, { anomaly, ...data }, `${id}:${anomaly}`)
    .catch((e) => log.error('could not record an anomaly', { chargePointId, anomaly, error: String(e) }));
}
