import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type UpdateBreakdown, type UpdateStamps, updateBreakdown } from './update-timing.js';

describe('updateBreakdown', () => {
  const base: UpdateStamps = {
    changed: 1000,
    sent: 1012,
    queuedMs: 8,
    workMs: 90,
    arrived: 1125,
    committed: 1140,
    framed: 1150,
  };
  const cases: { name: string; stamps: UpdateStamps; expected: UpdateBreakdown }[] = [
    {
      name: 'each part from its stamps: the way back is what the worker figures leave',
      stamps: base,
      expected: { totalMs: 150, sendMs: 12, queueMs: 8, workerMs: 90, toPageMs: 15, renderMs: 15, frameMs: 10 },
    },
    {
      name: 'an answer arriving as the worker says it posted: no way back',
      stamps: { ...base, arrived: 1110 },
      expected: { totalMs: 150, sendMs: 12, queueMs: 8, workerMs: 90, toPageMs: 0, renderMs: 30, frameMs: 10 },
    },
    {
      name: "the clocks rounding apart (arrival before the worker's end) is no negative way back",
      stamps: { ...base, arrived: 1109.5 },
      expected: { totalMs: 150, sendMs: 12, queueMs: 8, workerMs: 90, toPageMs: 0, renderMs: 30.5, frameMs: 10 },
    },
    {
      name: 'a change sent at once (a toggle), a long wait behind a lint step; tenths of a millisecond kept',
      stamps: { changed: 50, sent: 50, queuedMs: 22.44, workMs: 30.06, arrived: 110, committed: 118.26, framed: 131 },
      expected: { totalMs: 81, sendMs: 0, queueMs: 22.4, workerMs: 30.1, toPageMs: 7.5, renderMs: 8.3, frameMs: 12.7 },
    },
  ];
  for (const { name, stamps, expected } of cases) {
    test(name, () => assert.deepEqual(updateBreakdown(stamps), expected));
  }
});
