import { EFFECT_ATTEMPTS, effectFor, registerEffect, type EffectContext } from '../../../shared/calls/effects';

/** The effects runner on its own: independent effects, bounded retries, a report of what failed. */
const ctx: EffectContext = { chargePointId: 'CP1', version: '1.6', messageId: 'm-1', answeredAt: new Date(0) };
const noPause = { pause: async () => undefined };

describe('effects of an answer', () => {
  it('run each on its own, in registration order: one failing does not keep the next from running', async () => {
    const ran: string[] = [];
    registerEffect('UnitA', async () => { ran.push('first'); throw new Error('down'); }, 'broken');
    registerEffect('UnitA', async (req: { n: number }) => { ran.push(`second:${req.n}`); });
    const report = await effectFor('UnitA', noPause)!({ n: 7 }, {}, ctx);
    expect(report).toEqual({ failed: ['broken'] });
    expect(ran).toEqual([...Array(EFFECT_ATTEMPTS).fill('first'), 'second:7']);
  });

  it('retry a failing effect until it succeeds, within the attempts', async () => {
    let calls = 0;
    const waits: number[] = [];
    registerEffect('UnitB', async () => {
      if (++calls < EFFECT_ATTEMPTS) throw new Error('throttled');
    });
    const report = await effectFor('UnitB', { pause: async (ms) => { waits.push(ms); } })!({}, {}, ctx);
    expect(report).toEqual({ failed: [] });
    expect(calls).toBe(EFFECT_ATTEMPTS);
    expect(waits).toHaveLength(EFFECT_ATTEMPTS - 1);
  });

  it('are named by action and position unless named; an action without effects has no runner', async () => {
    registerEffect('UnitC', async () => { throw new Error('x'); });
    expect(await effectFor('UnitC', noPause)!({}, {}, ctx)).toEqual({ failed: ['UnitC#1'] });
    expect(effectFor('UnitNone')).toBeUndefined();
  });
});
