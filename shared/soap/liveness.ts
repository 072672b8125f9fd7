import { config } from '../config';

/** The connection id a SOAP station's record carries: it has no WebSocket connection. */
export const SOAP_CONNECTION_PREFIX = 'soap:';
export const isSoapConnection = (connectionId: string | undefined) => !!connectionId?.startsWith(SOAP_CONNECTION_PREFIX);

/** Margin on top of the heartbeat interval before a silent SOAP station counts as disconnected. */
export const SOAP_LIVENESS_MARGIN_MS = 60_000;

/** A SOAP station counts as connected while it was heard from within its heartbeat interval plus a margin. */
export function soapStationLive(lastSeen: string | undefined, now = Date.now()): boolean {
  return !!lastSeen && now - Date.parse(lastSeen) <= config.heartbeatInterval() * 1000 + SOAP_LIVENESS_MARGIN_MS;
}
