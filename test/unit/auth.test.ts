import { isValidIdentity, parseBasicAuth } from '../../shared/auth/identity';
import { hashPassword, verifyPassword } from '../../shared/auth/password';
import { negotiateSubprotocol } from '../../shared/ocpp/protocol';

describe('passwords', () => {
  it('stores only a salted hash and verifies it', async () => {
    const a = await hashPassword('correct-horse-battery');
    const b = await hashPassword('correct-horse-battery');
    expect(a).not.toContain('correct-horse');
    expect(a).not.toBe(b); // salted
    expect(await verifyPassword('correct-horse-battery', a)).toBe(true);
    expect(await verifyPassword('correct-horse-batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'garbage')).toBe(false);
  });
});

describe('identity and Basic auth', () => {
  it('accepts 1-48 printable ASCII characters without ":"', () => {
    expect(isValidIdentity('CP-001_a.b')).toBe(true);
    expect(isValidIdentity('x'.repeat(48))).toBe(true);
    expect(isValidIdentity('x'.repeat(49))).toBe(false);
    expect(isValidIdentity('')).toBe(false);
    expect(isValidIdentity('a:b')).toBe(false);
    expect(isValidIdentity('a b')).toBe(false);
    expect(isValidIdentity('ä')).toBe(false);
  });

  it('parses Basic credentials, keeping colons in the password', () => {
    const h = `Basic ${Buffer.from('CP1:pa:ss').toString('base64')}`;
    expect(parseBasicAuth(h)).toEqual({ user: 'CP1', password: 'pa:ss' });
    expect(parseBasicAuth('Bearer abc')).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth(`Basic ${Buffer.from('nocolon').toString('base64')}`)).toBeUndefined();
  });
});

describe('subprotocol negotiation', () => {
  it('prefers 2.1 > 2.0.1 > 2.0 > 1.6 whatever the offer order', () => {
    expect(negotiateSubprotocol('ocpp1.6, ocpp2.1, ocpp2.0.1')).toBe('ocpp2.1');
    expect(negotiateSubprotocol('OCPP2.1')).toBe('ocpp2.1');
    expect(negotiateSubprotocol('ocpp1.6, ocpp2.0.1')).toBe('ocpp2.0.1');
    expect(negotiateSubprotocol('ocpp1.6,ocpp2.0')).toBe('ocpp2.0');
    expect(negotiateSubprotocol('ocpp1.6')).toBe('ocpp1.6');
    expect(negotiateSubprotocol('ocpp1.5, soap')).toBeUndefined();
    expect(negotiateSubprotocol(undefined)).toBeUndefined();
  });
});

describe('failed-password throttle windows', () => {
  const { blockedUntil, PAIR_POLICY, FORGET_AFTER_MS } = require('../../shared/auth/throttle') as typeof import('../../shared/auth/throttle');
  it('lets the first failures through, then doubles the wait up to its cap, and forgets', () => {
    const at = 1_000_000;
    expect(blockedUntil(undefined, PAIR_POLICY, at)).toBe(0);
    expect(blockedUntil({ failures: 2, lastFailureAt: at }, PAIR_POLICY, at)).toBe(0);
    expect(blockedUntil({ failures: 3, lastFailureAt: at }, PAIR_POLICY, at)).toBe(at + 1000);
    expect(blockedUntil({ failures: 5, lastFailureAt: at }, PAIR_POLICY, at)).toBe(at + 4000);
    expect(blockedUntil({ failures: 50, lastFailureAt: at }, PAIR_POLICY, at)).toBe(at + 60_000);
    expect(blockedUntil({ failures: 50, lastFailureAt: at }, PAIR_POLICY, at + FORGET_AFTER_MS)).toBe(0);
  });
});
