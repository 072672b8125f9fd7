import { buildCall, familyOf, parsePayload } from '../../console/src/calls';
import { meterSeries } from '../../console/src/meter';

describe('console call forms build the payload of the charge point version', () => {
  it('1.6 and 2.x payloads', () => {
    expect(familyOf('ocpp1.6')).toBe('1.6');
    expect(familyOf('ocpp2.0.1')).toBe('2.x');
    expect(buildCall('1.6', { kind: 'Reset', type: 'Hard' })).toEqual({ action: 'Reset', payload: { type: 'Hard' } });
    expect(buildCall('2.x', { kind: 'Reset', type: 'Immediate', connector: '2' })).toEqual({ action: 'Reset', payload: { type: 'Immediate', evseId: 2 } });
    expect(buildCall('1.6', { kind: 'RemoteStart', idTag: ' T1 ', connector: '1' })).toEqual({ action: 'RemoteStartTransaction', payload: { idTag: 'T1', connectorId: 1 } });
    expect(buildCall('2.x', { kind: 'RemoteStart', idTag: 'T1' }, () => 5_000).payload).toEqual({ idToken: { idToken: 'T1', type: 'Central' }, remoteStartId: 5 });
    expect(buildCall('1.6', { kind: 'RemoteStop', transactionId: '42' }).payload).toEqual({ transactionId: 42 });
    expect(buildCall('2.x', { kind: 'RemoteStop', transactionId: 'tx-a' })).toEqual({ action: 'RequestStopTransaction', payload: { transactionId: 'tx-a' } });
    expect(buildCall('2.x', { kind: 'Unlock', connector: '1', evseConnector: '2' }).payload).toEqual({ evseId: 1, connectorId: 2 });
    expect(buildCall('1.6', { kind: 'ChangeAvailability', connector: '0', type: 'Inoperative' }).payload).toEqual({ connectorId: 0, type: 'Inoperative' });
    expect(buildCall('2.x', { kind: 'ChangeAvailability', type: 'Inoperative' }).payload).toEqual({ operationalStatus: 'Inoperative' });
  });
  it('names the field at fault', () => {
    expect(() => buildCall('1.6', { kind: 'RemoteStop', transactionId: 'abc' })).toThrow('Transaction id must be a whole number');
    expect(() => buildCall('1.6', { kind: 'Unlock' })).toThrow('Connector id is required');
    expect(() => buildCall('2.x', { kind: 'ChangeAvailability', evseConnector: '1' })).toThrow('A connector id needs an EVSE id');
    expect(() => parsePayload('{')).toThrow('not JSON');
    expect(() => parsePayload('[1]')).toThrow('JSON object');
  });
});

describe('meter values become chart series', () => {
  it('energy and power in time order, kWh scaled, per-phase values left out', () => {
    const s = meterSeries([
      { timestamp: '2026-01-01T00:02:00Z', sampledValue: [{ value: '2.5', unit: 'kWh' }] },
      { timestamp: '2026-01-01T00:01:00Z', sampledValue: [{ value: 1000, measurand: 'Energy.Active.Import.Register' }, { value: 7, measurand: 'Power.Active.Import', unitOfMeasure: { unit: 'W', multiplier: 3 } }, { value: 1, measurand: 'Power.Active.Import', phase: 'L1' }] },
      { timestamp: '2026-01-01T00:03:00Z', sampledValue: [{ value: '230', measurand: 'Voltage' }] },
    ]);
    const t1 = Date.parse('2026-01-01T00:01:00Z') / 1000;
    expect(s).toEqual({ t: [t1, t1 + 60], energyWh: [1000, 2500], powerW: [7000, null] });
  });
});
