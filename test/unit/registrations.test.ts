import { join, resolve } from 'node:path';
import { importedNames, importGraph, reachableFrom } from '../support/import-graph';

/**
 * Until the functional blocks are manifests (issue #10), effects, guards, transaction hooks and
 * DataTransfer vendors are registered at import time, and a module that registers is only loaded
 * if its collector file imports it: a forgotten line silently disables the effect or hook. This
 * holds every registering module in shared/ (a module that imports a registration function) to
 * being reached from its collector, read from the static import graph (test/support/import-graph.ts).
 */
const ROOT = resolve(__dirname, '../..');
const COLLECTORS: Array<{ registers: string[]; collector: string }> = [
  { registers: ['registerEffect', 'registerGuard'], collector: 'shared/calls/all-effects.ts' },
  { registers: ['onTransactionStarted', 'onTransactionStopped'], collector: 'shared/transactions/all-hooks.ts' },
  { registers: ['registerVendor'], collector: 'shared/data-transfer/all-vendors.ts' },
];

describe('import-time registrations', () => {
  const graph = importGraph('shared');
  const registering = (names: string[]) => [...graph.keys()].filter((f) => importedNames(join(ROOT, f)).some((i) => names.includes(i.name))).sort();

  it.each(COLLECTORS)('every module that calls $registers is loaded by $collector', ({ registers, collector }) => {
    const modules = registering(registers);
    expect(modules.length).toBeGreaterThan(0);
    const reached = reachableFrom(graph, collector);
    expect(modules.filter((m) => !reached.has(m))).toEqual([]);
  });

  it('finds the registering modules it should (effects, guards, hooks, vendors)', () => {
    expect(registering(['registerGuard'])).toEqual(expect.arrayContaining(['shared/remote/guards.ts', 'shared/reservations/effects.ts']));
    expect(registering(['onTransactionStarted', 'onTransactionStopped'])).toEqual(expect.arrayContaining(['shared/reservations/hooks.ts', 'shared/sites/hooks.ts']));
    expect(registering(['registerVendor'])).toEqual(['shared/data-transfer/csms-vendor.ts']);
  });
});
