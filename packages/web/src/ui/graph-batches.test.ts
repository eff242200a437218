import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FIRST_BATCH, MAX_BATCH, MIN_BATCH, nextBatchSize, QUICK_FRAME_MS, SLOW_FRAME_MS } from './graph-batches.js';

describe('nextBatchSize', () => {
  const cases: { name: string; size: number; frameMs: number; next: number }[] = [
    { name: 'a slow frame halves the batch', size: 60, frameMs: 120, next: 30 },
    { name: 'just over slow: halved', size: 30, frameMs: SLOW_FRAME_MS + 0.1, next: 15 },
    { name: 'slow at the least: kept at the least', size: MIN_BATCH, frameMs: 400, next: MIN_BATCH },
    { name: 'halved below the least: the least', size: MIN_BATCH + 1, frameMs: 400, next: MIN_BATCH },
    { name: 'a quick frame (one at 60 Hz) doubles it', size: MIN_BATCH, frameMs: 16.7, next: MIN_BATCH * 2 },
    { name: 'quick at the most: kept at the most', size: MAX_BATCH, frameMs: 16.7, next: MAX_BATCH },
    { name: 'doubled past the most: the most', size: 16, frameMs: 10, next: MAX_BATCH },
    { name: 'the first batch is the most', size: FIRST_BATCH, frameMs: 16.7, next: FIRST_BATCH },
    { name: 'between quick and slow: kept', size: 30, frameMs: 40, next: 30 },
    { name: 'exactly slow: kept', size: 30, frameMs: SLOW_FRAME_MS, next: 30 },
    { name: 'exactly quick: kept', size: 30, frameMs: QUICK_FRAME_MS, next: 30 },
  ];
  for (const { name, size, frameMs, next } of cases) {
    test(name, () => assert.equal(nextBatchSize(size, frameMs), next));
  }

  test('a run of slow frames shrinks to the least, quick ones grow back to the most, in a few frames', () => {
    let size = FIRST_BATCH;
    const sizes: number[] = [];
    for (const frameMs of [200, 200, 200, 200, 16, 16, 16, 16, 16, 16]) {
      size = nextBatchSize(size, frameMs);
      sizes.push(size);
    }
    assert.deepEqual(sizes, [15, 15, 15, 15, 30, 30, 30, 30, 30, 30]);
  });
});
