import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameValue } from './same-value.js';

describe('sameValue', () => {
  const rows: { name: string; a: unknown; b: unknown; same: boolean }[] = [
    {
      name: 'equal mappings read twice',
      a: { x: [1, 'a', null], y: { z: true } },
      b: { x: [1, 'a', null], y: { z: true } },
      same: true,
    },
    { name: 'a scalar differs deep down', a: { x: [1, { y: 'a' }] }, b: { x: [1, { y: 'b' }] }, same: false },
    {
      name: 'keys in another order (labels show in the order read)',
      a: { a: 1, b: 2 },
      b: { b: 2, a: 1 },
      same: false,
    },
    { name: 'a key more', a: { a: 1 }, b: { a: 1, b: undefined }, same: false },
    { name: 'an array is no mapping', a: { 0: 'x' }, b: ['x'], same: false },
    { name: 'arrays of other lengths', a: [1, 2], b: [1, 2, 3], same: false },
    { name: 'null is not an empty mapping', a: null, b: {}, same: false },
    { name: 'NaN is NaN (.nan read twice)', a: { n: Number.NaN }, b: { n: Number.NaN }, same: true },
    { name: '-0 is not 0', a: [-0], b: [0], same: false },
    { name: 'a number is not its text', a: { port: 80 }, b: { port: '80' }, same: false },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.equal(sameValue(row.a, row.b), row.same);
      assert.equal(sameValue(row.b, row.a), row.same);
    });
  }
});
