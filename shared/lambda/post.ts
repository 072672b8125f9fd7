import { DeleteConnectionCommand, GetConnectionCommand, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { connections } from '../aws';
import { log } from '../log';
import { isSoapConnection } from '../soap/liveness';

const isGone = (e: unknown) => (e as { name?: string })?.name === 'GoneException' || (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 410;

/** Sends a frame on a connection; false when the connection is gone (410), never throws for that. */
export async function postFrame(connectionId: string, frame: string): Promise<boolean> {
  try {
    await connections().send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: Buffer.from(frame) }));
    return true;
  } catch (e) {
    if (isGone(e)) return false;
    throw e;
  }
}

/** Closes a connection (e.g. the one a reconnect replaced); best effort. */
export async function closeConnection(connectionId: string): Promise<void> {
  // A SOAP station has no connection to close (docs/soap.md).
  if (isSoapConnection(connectionId)) return;
  try {
    await connections().send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
  } catch (e) {
    if (!isGone(e)) log.warn('could not close connection', { connectionId, error: String(e) });
  }
}

/** When the connection last carried a message, per the gateway; undefined when it is gone. */
export async function connectionActivity(connectionId: string): Promise<{ lastActiveAt?: string } | undefined> {
  try {
    const out = await connections().send(new GetConnectionCommand({ ConnectionId: connectionId }));
    return { lastActiveAt: out.LastActiveAt?.toISOString() };
  } catch (e) {
    if (isGone(e)) return undefined;
    throw e;
  }
}
