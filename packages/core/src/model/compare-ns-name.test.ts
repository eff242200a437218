import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareNsName, sortByNsName } from './compare-ns-name.js';

describe('sortByNsName: the order of sort(compareNsName), stable', () => {
  it('gives the same array as the plain sort, ties kept in input order', () => {
    const item = fc.record({
      namespace: fc.constantFrom('a', 'b', 'kube-system', 'B', ''),
      name: fc.constantFrom('web-0', 'web-1', 'web-10', 'db', 'Db', ''),
      seq: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), (items) => {
        const expected = [...items].sort(compareNsName);
        const actual = [...items];
        assert.equal(sortByNsName(actual), actual);
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 500 },
    );
  });
});
