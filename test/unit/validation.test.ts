import { wireCode } from '../../shared/ocpp/errors';
import { checkPayload, isKnownAction } from '../../shared/ocpp/validation';

describe('schema validation and CALLERROR codes', () => {
  const boot16 = { chargePointVendor: 'Acme', chargePointModel: 'X' };

  it('accepts valid payloads of both generations', () => {
    expect(checkPayload('1.6', 'BootNotification', 'req', boot16)).toBeUndefined();
    expect(checkPayload('2.0.1', 'BootNotification', 'req', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } })).toBeUndefined();
  });

  it.each([
    ['missing required field', { chargePointVendor: 'Acme' }, 'OccurrenceConstraintViolation'],
    ['wrong JSON type', { ...boot16, chargePointModel: 12 }, 'TypeConstraintViolation'],
    ['string longer than its CiString type', { ...boot16, chargePointVendor: 'x'.repeat(21) }, 'TypeConstraintViolation'],
    ['unknown property', { ...boot16, colour: 'red' }, 'FormatViolation'],
  ])('maps %s to %s', (_what, payload, code) => {
    expect(checkPayload('1.6', 'BootNotification', 'req', payload)?.code).toBe(code);
  });

  it('maps enum violations to PropertyConstraintViolation', () => {
    const res = checkPayload('1.6', 'StatusNotification', 'req', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' });
    expect(res?.code).toBe('PropertyConstraintViolation');
    expect(res?.message).toMatch(/must be one of .*Available/);
  });

  it('tolerates binary float error on multipleOf 0.1 fields', () => {
    const profile = { chargingProfileId: 1, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute',
      chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 0.3 }] } };
    expect(checkPayload('1.6', 'SetChargingProfile', 'req', { connectorId: 1, csChargingProfiles: profile })).toBeUndefined();
  });

  it('knows which actions belong to which version', () => {
    expect(isKnownAction('1.6', 'StartTransaction')).toBe(true);
    expect(isKnownAction('2.0.1', 'StartTransaction')).toBe(false);
    expect(isKnownAction('2.0.1', 'TransactionEvent')).toBe(true);
    expect(checkPayload('2.0.1', 'StartTransaction', 'req', {})?.code).toBe('NotImplemented');
  });

  it('spells codes per version on the wire', () => {
    expect(wireCode('FormatViolation', '1.6')).toBe('FormationViolation');
    expect(wireCode('OccurrenceConstraintViolation', '1.6')).toBe('OccurenceConstraintViolation');
    expect(wireCode('FormatViolation', '2.0.1')).toBe('FormatViolation');
    expect(wireCode('MessageTypeNotSupported', '1.6')).toBe('NotSupported');
    expect(wireCode('RpcFrameworkError', '2.0.1')).toBe('RpcFrameworkError');
  });
});
