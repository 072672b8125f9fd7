import fc from 'fast-check';
import { fullFormats } from 'ajv-formats/dist/formats';
import { isDateTime } from '../../shared/ocpp/formats';

const reference = fullFormats['date-time'] as { validate: (s: string) => boolean };

describe('date-time format', () => {
  it('agrees with ajv-formats (full mode) on hand-picked cases', () => {
    const cases = [
      '2026-11-22T01:02:03Z', '2026-11-22T01:02:03.123Z', '2026-11-22t01:02:03z', '2026-11-22 01:02:03+01:00',
      '2026-11-22T01:02:03+0130', '2026-11-22T01:02:03', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z', '2000-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-04-31T00:00:00Z',
      '2026-11-22T24:00:00Z', '2026-11-22T23:59:60Z', '2026-11-22T22:59:60-01:00', '2026-11-22T23:58:60Z',
      '2026-11-22T01:02:03+24:00', '2026-11-22T01:02:03+01:60', '2026-11-22', 'T01:02:03Z', '', 'garbage',
      '2026-11-22T01:02:03ZT', '2026-11-22TT01:02:03Z', '12026-11-22T01:02:03Z',
    ];
    for (const c of cases) expect([c, isDateTime(c)]).toEqual([c, reference.validate(c)]);
  });

  it('agrees with ajv-formats on generated timestamps and near-misses', () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const stamp = fc.tuple(
      fc.integer({ min: 1890, max: 2110 }).map(String), two(13), two(32), fc.constantFrom('T', 't', ' ', 'X'),
      two(25), two(61), two(62), fc.constantFrom('', '.5', '.123456'),
      fc.constantFrom('', 'Z', 'z', '+01:00', '-23:59', '+24:00', '+0530', '-00:60', '+1'),
    ).map(([y, mo, d, sep, h, mi, s, frac, tz]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${tz}`);
    fc.assert(fc.property(fc.oneof(stamp, fc.string()), (s) => isDateTime(s) === reference.validate(s)), { numRuns: 5000 });
  });
});
