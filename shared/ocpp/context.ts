import type { RegistrationStatus } from '../store/charge-points';
import type { OcppVersion, Protocol, SchemaVersion } from './protocol';

/** Who is talking, from the authorizer context: no table lookup needed per message. */
export interface Identity {
  chargePointId: string;
  protocol: Protocol;
  connectionId: string;
  /** Registration status at connect time; the operator API reconnects a charge point when it changes. */
  registrationStatus: RegistrationStatus;
}

/** What an action implementation gets besides the payload. */
export interface CallContext extends Identity {
  version: OcppVersion;
  /** The schema set of the connection ('2.1' for ocpp2.1), for what differs between 2.0.1 and 2.1. */
  schemaVersion: SchemaVersion;
  messageId: string;
  action: string;
  receivedAt: Date;
}

export type ActionImpl = (payload: any, ctx: CallContext) => Promise<unknown> | unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * A charge-point-initiated action: its implementation per OCPP generation. '2.0.1' serves the 2.x
 * family (2.0, 2.0.1 and 2.1); '2.1' only for what 2.1 alone has or handles differently: a 2.1
 * station gets `'2.1' ?? '2.0.1'` (implFor).
 */
export interface ActionHandlers {
  '1.6'?: ActionImpl;
  '2.0.1'?: ActionImpl;
  '2.1'?: ActionImpl;
  /** 2.1 SEND-only actions (NotifyPeriodicEventStream): message type 6, never a CALL, never answered. */
  send?: boolean;
  /** Actions a charge point may send before it is Accepted (BootNotification; 2.0.1 allows none else). */
  allowedBeforeAccepted?: boolean;
}

/** The implementation a charge point of that schema version gets. */
export function implFor(handlers: ActionHandlers, version: SchemaVersion): ActionImpl | undefined {
  return version === '2.1' ? (handlers['2.1'] ?? handlers['2.0.1']) : handlers[version];
}
