import type { ActionHandlers, CallContext } from '../ocpp/context';
import { authorizeToken } from './authorize';
import { fromIdTag16, fromIdToken201 } from './tokens';
import { idTagInfo16, idTokenInfo201 } from './wire';

/** OCPP 1.6 §4.1 Authorize: "the Central System SHALL respond ... whether or not the idTag is accepted". */
export const authorize16 = async (p: { idTag: string }, ctx: CallContext) =>
  ({ idTagInfo: idTagInfo16(await authorizeToken(fromIdTag16(p.idTag), { now: ctx.receivedAt, purpose: 'start' })) });

/** OCPP 2.0.1 C01 (RFID), C06 (local id types), C09 (GroupId), C10 (cache): AuthorizeResponse.idTokenInfo. */
export const authorize201 = async (p: { idToken: { idToken: string; type: string } }, ctx: CallContext) =>
  ({ idTokenInfo: idTokenInfo201(await authorizeToken(fromIdToken201(p.idToken), { now: ctx.receivedAt, purpose: 'start' })) });

/** OCPP 1.6 §4.1 Authorize · OCPP 2.0.1 C01/C06/C09/C10 Authorize. */
export const Authorize: ActionHandlers = { '1.6': authorize16, '2.0.1': authorize201 };
