import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES, SHARED_ROUTE_ACTIONS } from '../../shared/ocpp/routes';
import { isKnownAction } from '../../shared/ocpp/validation';

describe('the route table', () => {
  const entries = readdirSync(join(__dirname, '../../functions/ocpp')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));

  it('has exactly one Lambda entry file per charge-point-initiated action', () => {
    expect(entries.sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('only routes real OCPP actions of the versions it implements', () => {
    for (const [action, handlers] of Object.entries(ROUTES)) {
      const versions = (['1.6', '2.0.1', '2.1'] as const).filter((v) => handlers[v]);
      expect(versions.length).toBeGreaterThan(0);
      for (const v of versions) expect([action, v, isKnownAction(v, action)]).toEqual([action, v, true]);
      // A 2.0.1 implementation serves 2.1 stations too: the action must exist in 2.1.
      if (handlers['2.0.1']) expect([action, '2.1', isKnownAction('2.1', action)]).toEqual([action, '2.1', true]);
    }
  });

  it('lets $default answer only actions it has (no stale name in SHARED_ROUTE_ACTIONS)', () => {
    for (const action of SHARED_ROUTE_ACTIONS) expect([action, Object.hasOwn(ROUTES, action)]).toEqual([action, true]);
  });

  it('each entry file exports the handler for its own action', async () => {
    for (const action of entries) {
      const mod = await import(`../../functions/ocpp/${action}`);
      expect(typeof mod.handler).toBe('function');
    }
  });
});
