/**
 * The operator calls the console's forms send, as OCPP payloads of the charge point's version:
 * OCPP 1.6 (Reset, RemoteStartTransaction, RemoteStopTransaction, UnlockConnector,
 * ChangeAvailability) or their 2.x counterparts (Reset, RequestStartTransaction,
 * RequestStopTransaction, UnlockConnector, ChangeAvailability). The API checks each payload against
 * the action's schema and refuses a bad one with 400 before anything is sent; the forms show that.
 */
export type Family = '1.6' | '2.x';

export const familyOf = (protocol: string | undefined): Family => (protocol && /^ocpp2/.test(protocol) ? '2.x' : '1.6');

export type CallKind = 'Reset' | 'RemoteStart' | 'RemoteStop' | 'Unlock' | 'ChangeAvailability';

export interface CallForm {
  kind: CallKind;
  /** Reset: Hard/Soft (1.6), Immediate/OnIdle (2.x). ChangeAvailability: Operative/Inoperative. */
  type?: string;
  /** 1.6 connector id; 2.x EVSE id. Empty = not given. */
  connector?: string;
  /** 2.x connector id on the EVSE (UnlockConnector, ChangeAvailability). */
  evseConnector?: string;
  idTag?: string;
  transactionId?: string;
}

export const resetTypes = (f: Family) => (f === '1.6' ? ['Soft', 'Hard'] : ['OnIdle', 'Immediate']);

/** An integer field of a form, or a message that says what is wrong with it. */
function int(name: string, v: string | undefined, required: boolean): number | undefined {
  const t = (v ?? '').trim();
  if (!t) {
    if (required) throw new Error(`${name} is required`);
    return undefined;
  }
  if (!/^-?\d+$/.test(t)) throw new Error(`${name} must be a whole number (got "${t}")`);
  return Number(t);
}

function text(name: string, v: string | undefined): string {
  const t = (v ?? '').trim();
  if (!t) throw new Error(`${name} is required`);
  return t;
}

/** The action and payload for a form, or throws an Error whose message names the field at fault. */
export function buildCall(f: Family, form: CallForm, now: () => number = Date.now): { action: string; payload: Record<string, unknown> } {
  const connector = form.connector;
  switch (form.kind) {
    case 'Reset': {
      const type = form.type ?? resetTypes(f)[0];
      if (f === '1.6') return { action: 'Reset', payload: { type } };
      const evseId = int('EVSE id', connector, false);
      return { action: 'Reset', payload: { type, ...(evseId === undefined ? {} : { evseId }) } };
    }
    case 'RemoteStart': {
      const idTag = text('Id tag', form.idTag);
      if (f === '1.6') {
        const connectorId = int('Connector id', connector, false);
        return { action: 'RemoteStartTransaction', payload: { idTag, ...(connectorId === undefined ? {} : { connectorId }) } };
      }
      const evseId = int('EVSE id', connector, false);
      // remoteStartId: any integer the CSMS picks to match the TransactionEvent that follows.
      return {
        action: 'RequestStartTransaction',
        payload: { idToken: { idToken: idTag, type: 'Central' }, remoteStartId: Math.floor(now() / 1000) % 2_000_000_000, ...(evseId === undefined ? {} : { evseId }) },
      };
    }
    case 'RemoteStop': {
      if (f === '1.6') return { action: 'RemoteStopTransaction', payload: { transactionId: int('Transaction id', form.transactionId, true)! } };
      return { action: 'RequestStopTransaction', payload: { transactionId: text('Transaction id', form.transactionId) } };
    }
    case 'Unlock': {
      if (f === '1.6') return { action: 'UnlockConnector', payload: { connectorId: int('Connector id', connector, true)! } };
      return { action: 'UnlockConnector', payload: { evseId: int('EVSE id', connector, true)!, connectorId: int('Connector id', form.evseConnector, true)! } };
    }
    case 'ChangeAvailability': {
      const type = form.type ?? 'Operative';
      if (f === '1.6') return { action: 'ChangeAvailability', payload: { connectorId: int('Connector id', connector, true)!, type } };
      const evseId = int('EVSE id', connector, false);
      const connectorId = int('Connector id', form.evseConnector, false);
      if (connectorId !== undefined && evseId === undefined) throw new Error('A connector id needs an EVSE id');
      return {
        action: 'ChangeAvailability',
        payload: { operationalStatus: type, ...(evseId === undefined ? {} : { evse: { id: evseId, ...(connectorId === undefined ? {} : { connectorId }) } }) },
      };
    }
  }
}

/** Parses the JSON payload of the free-form call; the error names what is wrong. */
export function parsePayload(text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() || '{}');
  } catch (e) {
    throw new Error(`The payload is not JSON: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('The payload must be a JSON object');
  return v as Record<string, unknown>;
}
