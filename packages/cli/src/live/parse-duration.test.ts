import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from './parse-duration.js';

test('parseDuration reads kubectl --request-timeout values', () => {
  const rows: [string, number | undefined][] = [
    ['15s', 15_000],
    ['500ms', 500],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['10', 10_000],
    ['1.5s', 1_500],
    ['', undefined],
    ['soon', undefined],
    ['15 s', undefined],
    ['5d', undefined],
    ['-1s', undefined],
  ];
  for (const [text, ms] of rows) assert.equal(parseDuration(text), ms, text);
});
