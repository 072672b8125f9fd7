import type { RegistrationStatus } from '../store/charge-points';
import type { OcppVersion, Protocol } from './protocol';

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
  messageId: string;
  action: string;
  receivedAt: Date;
}

export type ActionImpl = (payload: any, ctx: CallContext) => Promise<unknown> | unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A charge-point-initiated action: its implementation per OCPP generation. */
export interface ActionHandlers {
  '1.6'?: ActionImpl;
  '2.0.1'?: ActionImpl;
  /** Actions a charge point may send before it is Accepted (BootNotification; 2.0.1 allows none else). */
  allowedBeforeAccepted?: boolean;
}
