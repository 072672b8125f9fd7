import { freeReason, onConnector, RECONCILED } from '../../shared/transactions/reconcile';

const at = '2030-01-01T00:00:00.000Z';

describe('which statuses say a connector has no transaction', () => {
  it('1.6: Available and Preparing of a connector > 0; connector 0 (the charge point) and busy statuses never', () => {
    expect(freeReason({ connectorId: 1, status: 'Available', at })).toEqual({ close: RECONCILED.available });
    expect(freeReason({ connectorId: 2, status: 'Preparing', at })).toEqual({ close: RECONCILED.preparing });
    expect(freeReason({ connectorId: 0, status: 'Available', at })).toBeUndefined();
    for (const status of ['Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing', 'Reserved', 'Unavailable', 'Faulted']) expect(freeReason({ connectorId: 1, status, at })).toBeUndefined();
  });
  it('2.0.1: Available only flags (a transaction may run on an Available connector, E10); Occupied, Reserved, Unavailable, Faulted say nothing', () => {
    expect(freeReason({ evseId: 1, connectorId: 1, status: 'Available', at })).toEqual({ flag: 'Available' });
    for (const status of ['Occupied', 'Reserved', 'Unavailable', 'Faulted']) expect(freeReason({ evseId: 1, connectorId: 1, status, at })).toBeUndefined();
  });
});

describe('which transaction a connector report is about', () => {
  it('1.6 by connector; 2.0.1 by EVSE, and by connector when the transaction names one; never across generations', () => {
    expect(onConnector({ version: '1.6', connectorId: 1 }, { connectorId: 1 })).toBe(true);
    expect(onConnector({ version: '1.6', connectorId: 2 }, { connectorId: 1 })).toBe(false);
    expect(onConnector({ version: '2.0.1', evseId: 1 }, { evseId: 1, connectorId: 2 })).toBe(true);
    expect(onConnector({ version: '2.0.1', evseId: 1, connectorId: 1 }, { evseId: 1, connectorId: 2 })).toBe(false);
    expect(onConnector({ version: '2.0.1', evseId: 2 }, { evseId: 1, connectorId: 1 })).toBe(false);
    expect(onConnector({ version: '1.6', connectorId: 1 }, { evseId: 1, connectorId: 1 })).toBe(false);
  });
});
