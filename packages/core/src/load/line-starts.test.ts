import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LineStarts, lineIndexOfText } from './line-starts.js';
import { positionOf } from './source.js';

/** Offsets worth asking, ascending: each start, the bytes around it, and past the last. */
function probes(starts: readonly number[]): number[] {
  const out = new Set<number>();
  for (const s of starts) for (const d of [-1, 0, 1, 2]) if (s + d >= 0) out.add(s + d);
  out.add((starts.at(-1) as number) + 1000);
  return [...out].sort((a, b) => a - b);
}

/** What a plain array of every start answers for each of `offsets` (ascending), by one walk. */
function naiveLinesAt(starts: readonly number[], offsets: readonly number[]): { line: number; start: number }[] {
  let line = 0;
  return offsets.map((offset) => {
    while (line + 1 < starts.length && (starts[line + 1] as number) <= offset) line++;
    return { line, start: starts[line] as number };
  });
}

/** Gaps of every kind a block may be encoded for: empty lines, short, long, beyond 64 KiB. */
const gap = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 3, arbitrary: fc.integer({ min: 9, max: 255 }) },
  { weight: 1, arbitrary: fc.integer({ min: 256, max: 70_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 70_000, max: 2 ** 33 }) },
);

/** A run of gaps that all fall in one range (a block then takes that range's encoding). */
const run = fc
  .tuple(fc.constantFrom(1, 5, 40, 300, 100_000), fc.integer({ min: 1, max: 2500 }))
  .map(([size, n]) => Array.from({ length: n }, (_, i) => size + (i % 3)));

describe('LineStarts', () => {
  test('answers as an array of every start, through adds and resets across blocks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.array(gap, { maxLength: 600 }), run), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (runs, resets) => {
          const index = new LineStarts();
          const kept = [0];
          let at = 0;
          runs.forEach((gaps, r) => {
            const mark = index.mark();
            assert.equal(mark, kept.length);
            for (const g of gaps) {
              at += g;
              index.add(at);
              kept.push(at);
            }
            // Forget some of what this run added (the JSON reader does when an element is framed again).
            const reset = resets[r];
            if (reset !== undefined && gaps.length > 0) {
              const to = mark + (reset % (gaps.length + 1));
              index.reset(to);
              kept.length = to;
              at = kept.at(-1) as number;
            }
          });
          const done = index.done();
          const offsets = probes(kept);
          assert.deepEqual(
            offsets.map((offset) => done.lineAt(offset)),
            naiveLinesAt(kept, offsets),
          );
        },
      ),
      { numRuns: 150, seed: 20261203 },
    );
  });

  test('lines past 4 GiB keep their exact line and column (a 32-bit array wrapped them)', () => {
    const index = new LineStarts();
    const starts = [0, 2 ** 32 - 3, 2 ** 32 + 5, 2 ** 33 + 1];
    for (const s of starts.slice(1)) index.add(s);
    const source = { name: 'big.yaml', text: '', lineStarts: index.done() };
    assert.deepEqual(positionOf(source, 2 ** 32 - 1), { line: 2, col: 3 });
    assert.deepEqual(positionOf(source, 2 ** 32 + 7), { line: 3, col: 3 });
    assert.deepEqual(positionOf(source, 2 ** 33 + 1), { line: 4, col: 1 });
  });

  // How much an endless pipe of lines costs, per line (the bytes of sealed blocks; no timing).
  const rows = [
    { name: "`yes 'a: b'` (5-byte lines)", line: 5, most: 0.7 },
    { name: 'empty lines', line: 1, most: 0.2 },
    { name: '40-byte lines', line: 40, most: 1.01 },
    { name: '1 KiB lines', line: 1024, most: 2.01 },
  ];
  for (const { name, line, most } of rows) {
    test(`takes at most ${most} bytes a line for ${name}`, () => {
      const index = new LineStarts();
      const lines = 64 * 1024;
      for (let i = 1; i <= lines; i++) index.add(i * line);
      assert.ok(index.byteLength <= most * lines, `${index.byteLength / lines} bytes a line`);
      assert.deepEqual(index.lineAt(1000 * line + line - 1), { line: 1000, start: 1000 * line });
    });
  }
});

describe('lineIndexOfText', () => {
  test('answers as an array of every start', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\n', 'é', '\r'), maxLength: 300 }), (text) => {
        const starts = [0];
        for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
        const index = lineIndexOfText(text);
        const offsets = probes(starts);
        assert.deepEqual(
          offsets.map((offset) => index.lineAt(offset)),
          naiveLinesAt(starts, offsets),
        );
      }),
      { numRuns: 200, seed: 20261204 },
    );
  });
});
