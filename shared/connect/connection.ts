import { DeleteConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { connections, db } from '../aws';
import { log } from '../log';
import type { Protocol } from '../ocpp/protocol';
import { getChargePoint, isConditionFailure } from '../store/charge-points';
import { tableName } from '../store/tables';

/**
 * One identity, one connection: the newest one. "Newest" is a total order on
 * (connectedAt of the gateway, connectionId), stored in the ChargePoints item as `connectOrder`
 * and never moved backwards (a `$disconnect` keeps it). The `$connect` path guarantees that only
 * the newest connection stays open, so the message routes check nothing per message:
 *
 * 1. The record write is conditional on being newer than what is stored; an older connect that
 *    loses the race is refused (409) and never opens.
 * 2. The connection it replaced is closed (DeleteConnection). A replaced connection that is itself
 *    still in its `$connect` (the gateway answers 410 for it) is retried for a short while, as long
 *    as it can still be in that phase.
 * 3. Just before answering, a consistent read checks that the record still names this connection:
 *    a newer connect that wrote in between wins and this one is refused. What remains is the
 *    gateway's few milliseconds between this answer and the socket being open, which step 2 of the
 *    newer connect covers with its retries.
 */
export type ConnectOutcome = { accepted: true; /** The connection this one replaced, if any. */ replaced?: string } | { accepted: false; status: 401 | 409; reason: string };

export interface ConnectionDeps {
  /** DeleteConnection: 'closed', or 'gone' when the gateway answers 410. */
  close: (connectionId: string) => Promise<'closed' | 'gone'>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Pauses between attempts to close a replaced connection that may still be connecting. */
export const CLOSE_RETRY_DELAYS_MS = [50, 100, 200, 400];
/** A connection can be in its $connect phase at most as long as API Gateway's integration timeout. */
const CONNECT_PHASE_MAX_MS = 30_000;

const defaultDeps: ConnectionDeps = {
  close: deleteConnection,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
};

/** Sortable text of the order: zero-padded epoch ms, then the connection id as tie-break. */
export function connectOrder(connectedAtMs: number, connectionId: string): string {
  return `${String(Math.max(0, Math.floor(connectedAtMs))).padStart(15, '0')}#${connectionId}`;
}

export async function acceptConnection(
  input: { chargePointId: string; connectionId: string; protocol: Protocol; connectedAtMs?: number },
  deps: ConnectionDeps = defaultDeps,
): Promise<ConnectOutcome> {
  const { chargePointId, connectionId, protocol } = input;
  const connectedAtMs = input.connectedAtMs ?? deps.now();
  const order = connectOrder(connectedAtMs, connectionId);
  let old: Record<string, unknown> | undefined;
  try {
    const out = await db().send(new UpdateCommand({
      TableName: tableName('chargePoints'),
      Key: { chargePointId },
      UpdateExpression: 'SET connectionId = :c, protocol = :p, connectedAt = :at, lastSeen = :now, connectOrder = :o REMOVE pendingCall',
      ConditionExpression: 'attribute_exists(chargePointId) AND (attribute_not_exists(connectOrder) OR connectOrder < :o)',
      ExpressionAttributeValues: {
        ':c': connectionId, ':p': protocol, ':at': new Date(connectedAtMs).toISOString(), ':now': new Date(deps.now()).toISOString(), ':o': order,
      },
      ReturnValues: 'UPDATED_OLD',
    }));
    old = out.Attributes;
  } catch (e) {
    if (!isConditionFailure(e)) throw e;
    if (!(await getChargePoint(chargePointId, true))) return { accepted: false, status: 401, reason: 'Charge point is not registered' };
    log.info('connection refused: a newer connection of this charge point exists', { chargePointId, connectionId });
    return { accepted: false, status: 409, reason: 'A newer connection of this charge point exists' };
  }

  const replaced = typeof old?.connectionId === 'string' && old.connectionId !== connectionId ? old.connectionId : undefined;
  if (replaced) {
    const replacedAtMs = typeof old?.connectOrder === 'string' ? Number(old.connectOrder.split('#')[0]) : Date.parse(String(old?.connectedAt ?? ''));
    await closeReplaced(chargePointId, replaced, replacedAtMs, deps);
  }

  const now = await getChargePoint(chargePointId, true);
  if (now?.connectionId !== connectionId) {
    log.info('connection refused: superseded while connecting', { chargePointId, connectionId });
    return { accepted: false, status: 409, reason: 'A newer connection of this charge point exists' };
  }
  return { accepted: true, replaced };
}

async function closeReplaced(chargePointId: string, replaced: string, replacedAtMs: number, deps: ConnectionDeps): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    let result: 'closed' | 'gone';
    try {
      result = await deps.close(replaced);
    } catch (e) {
      log.warn('could not close the replaced connection', { chargePointId, connectionId: replaced, error: String(e) });
      return;
    }
    if (result === 'closed') {
      log.info('closed the connection this one replaced', { chargePointId, connectionId: replaced });
      return;
    }
    const mayStillBeConnecting = !(deps.now() - replacedAtMs >= CONNECT_PHASE_MAX_MS);
    if (!mayStillBeConnecting || attempt >= CLOSE_RETRY_DELAYS_MS.length) return;
    await deps.sleep(CLOSE_RETRY_DELAYS_MS[attempt]);
  }
}

async function deleteConnection(connectionId: string): Promise<'closed' | 'gone'> {
  try {
    await connections().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    return 'closed';
  } catch (e) {
    const status = (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
    if ((e as { name?: string })?.name === 'GoneException' || status === 410) return 'gone';
    throw e;
  }
}
