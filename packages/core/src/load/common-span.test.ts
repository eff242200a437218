import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { commonPrefix, commonSuffix } from './common-span.js';

/** Character by character, the definition. */
function naive(a: string, b: string): [number, number] {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < Math.min(a.length, b.length) - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return [p, s];
}

describe('commonPrefix and commonSuffix (a block at a time, then by character)', () => {
  it('equal the character-by-character span on texts across block boundaries', () => {
    // Texts of a few blocks (4,096 characters), edited anywhere, so that the changed span falls
    // on, before and after block boundaries.
    const text = fc
      .tuple(fc.string({ unit: fc.constantFrom('a', 'b', '\n'), maxLength: 30 }), fc.integer({ min: 0, max: 12_000 }))
      .map(([unit, length]) =>
        unit.length === 0 ? '' : unit.repeat(Math.ceil(length / unit.length)).slice(0, length),
      );
    fc.assert(
      fc.property(
        text,
        fc.nat(),
        fc.nat({ max: 5_000 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'x'), maxLength: 5_000 }),
        (a, at, length, insert) => {
          const from = at % (a.length + 1);
          const b = a.slice(0, from) + insert + a.slice(from + length);
          const p = commonPrefix(a, b);
          assert.deepEqual([p, commonSuffix(a, b, p)], naive(a, b));
        },
      ),
      { numRuns: 300 },
    );
  });
});
