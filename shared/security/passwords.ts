import { randomBytes } from 'node:crypto';
import type { OcppVersion } from '../ocpp/protocol';

/**
 * Charge point passwords for HTTP Basic auth (security profiles 1 and 2).
 * - 2.0.1 (A00/A01, SecurityCtrlr.BasicAuthPassword): a passwordString of 16 to 40 characters:
 *   letters, digits and `*-_=:+|@.`.
 * - 1.6 security whitepaper (configuration key AuthorizationKey): at least 16 bytes, at most 20,
 *   written as hexadecimal: 32 to 40 hex digits. The station uses that string as its Basic-auth
 *   password, as it was sent.
 * The CSMS generates the longest the version allows: 40 characters (2.x, ≈ 238 bits) or 40 hex
 * digits (1.6, 160 bits).
 */
const PASSWORD_201 = /^[A-Za-z0-9*\-_=:+|@.]{16,40}$/;
const PASSWORD_16 = /^[0-9A-Fa-f]{32,40}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function generatePassword(version: OcppVersion): string {
  if (version === '1.6') return randomBytes(20).toString('hex');
  let out = '';
  // Rejection sampling keeps every character equally likely (248 = 4 × 62).
  while (out.length < 40) {
    for (const b of randomBytes(64)) {
      if (b < 248 && out.length < 40) out += ALPHANUMERIC[b % 62];
    }
  }
  return out;
}

/** Why `password` cannot be a Basic-auth password of that version; undefined when it can. */
export function passwordProblem(version: OcppVersion, password: string): string | undefined {
  if (version === '1.6') {
    return PASSWORD_16.test(password) ? undefined : 'An OCPP 1.6 AuthorizationKey must be 32 to 40 hexadecimal digits (16 to 20 bytes, security whitepaper)';
  }
  return PASSWORD_201.test(password) ? undefined : 'An OCPP 2.x BasicAuthPassword must be 16 to 40 characters: letters, digits and *-_=:+|@. (passwordString, A00)';
}

/** The call that sets a station's Basic-auth password in its version. */
export function passwordCall(version: OcppVersion, password: string): { action: string; payload: Record<string, unknown> } {
  if (version === '1.6') return { action: 'ChangeConfiguration', payload: { key: 'AuthorizationKey', value: password } };
  return {
    action: 'SetVariables',
    payload: { setVariableData: [{ component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' }, attributeValue: password }] },
  };
}

interface SetVariableData { component?: { name?: string; instance?: string; evse?: unknown }; variable?: { name?: string; instance?: string }; attributeType?: string; attributeValue?: string }

const isPasswordVariable = (d: SetVariableData) =>
  d?.component?.name === 'SecurityCtrlr' && !d.component.instance && !d.component.evse && d.variable?.name === 'BasicAuthPassword' && !d.variable.instance
  && (d.attributeType === undefined || d.attributeType === 'Actual');

/**
 * The new Basic-auth password a CSMS call carries, if it sets one: ChangeConfiguration
 * AuthorizationKey (1.6) or SetVariables SecurityCtrlr.BasicAuthPassword (2.x, Actual attribute).
 */
export function passwordIn(action: string, payload: unknown): string | undefined {
  const p = payload as { key?: string; value?: string; setVariableData?: SetVariableData[] } | undefined;
  if (action === 'ChangeConfiguration' && p?.key === 'AuthorizationKey' && typeof p.value === 'string') return p.value;
  if (action === 'SetVariables' && Array.isArray(p?.setVariableData)) {
    const d = p.setVariableData.find(isPasswordVariable);
    if (d && typeof d.attributeValue === 'string') return d.attributeValue;
  }
  return undefined;
}

/** Whether the station accepted the password a call carried (RebootRequired: it will use it after its reboot). */
export function passwordAccepted(action: string, response: unknown): boolean {
  const r = response as { status?: string; setVariableResult?: Array<SetVariableData & { attributeStatus?: string }> } | undefined;
  const yes = (s: string | undefined) => s === 'Accepted' || s === 'RebootRequired';
  if (action === 'ChangeConfiguration') return yes(r?.status);
  if (action === 'SetVariables') return yes(r?.setVariableResult?.find(isPasswordVariable)?.attributeStatus);
  return false;
}

export const REDACTED = '(secret: not stored)';

/**
 * The call's payload as the CSMS keeps it (pending-call slot, message log, device model): a
 * password it carries is replaced by REDACTED. Secret keys in 1.6 (AuthorizationKey) and 2.x
 * (SecurityCtrlr.BasicAuthPassword) are write-only on the station too.
 */
export function redactSecrets(action: string, payload: unknown): unknown {
  if (passwordIn(action, payload) === undefined) return payload;
  const p = payload as { setVariableData?: SetVariableData[] };
  if (action === 'ChangeConfiguration') return { ...(payload as object), value: REDACTED };
  return { ...p, setVariableData: p.setVariableData!.map((d) => (isPasswordVariable(d) ? { ...d, attributeValue: REDACTED } : d)) };
}
