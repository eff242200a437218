import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LayeredMap } from './layered-map.js';

type Op = { kind: 'set'; key: number; value: number } | { kind: 'delete'; key: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.nat(40), value: fc.nat(1000) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.nat(40) }),
);

describe('LayeredMap', () => {
  it('behaves as a copy of the map below it, and never changes the maps below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(40), fc.nat(1000)), { maxLength: 30 }),
        // Many layers, so chains are collapsed and flattened along the way.
        fc.array(fc.array(opArb, { maxLength: 12 }), { minLength: 1, maxLength: 25 }),
        (initial, layers) => {
          const bottom = new Map(initial);
          const published: [ReadonlyMap<number, number>, [number, number][]][] = [[bottom, [...bottom]]];
          let current: ReadonlyMap<number, number> = bottom;
          let model = new Map(bottom);
          for (const ops of layers) {
            const layer = LayeredMap.over(current);
            model = new Map(model);
            for (const op of ops) {
              if (op.kind === 'set') {
                assert.equal(layer.set(op.key, op.value), layer);
                model.set(op.key, op.value);
              } else {
                assert.equal(layer.delete(op.key), model.delete(op.key));
              }
            }
            assert.equal(layer.size, model.size);
            for (let key = 0; key <= 40; key++) {
              assert.equal(layer.get(key), model.get(key));
              assert.equal(layer.has(key), model.has(key));
            }
            const sorted = (entries: Iterable<[number, number]>) => [...entries].sort((a, b) => a[0] - b[0]);
            assert.deepEqual(sorted(layer), sorted(model));
            assert.deepEqual(sorted(layer.entries()), sorted(model.entries()));
            assert.deepEqual(
              [...layer.keys()].sort((a, b) => a - b),
              [...model.keys()].sort((a, b) => a - b),
            );
            assert.deepEqual(
              [...layer.values()].sort((a, b) => a - b),
              [...model.values()].sort((a, b) => a - b),
            );
            const seen: number[] = [];
            layer.forEach((_v, k) => {
              seen.push(k);
            });
            assert.equal(seen.length, model.size);
            published.push([layer, [...model]]);
            current = layer;
          }
          // Every earlier map still holds exactly what it held when it was made.
          for (const [map, entries] of published) {
            assert.equal(map.size, entries.length);
            for (const [k, v] of entries) assert.equal(map.get(k), v);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps lookups shallow: a long chain of single changes stays within a few layers', () => {
    let map: ReadonlyMap<number, number> = new Map(Array.from({ length: 1000 }, (_, i) => [i, i]));
    for (let i = 0; i < 100; i++) {
      const layer = LayeredMap.over(map);
      layer.set(i, -i);
      map = layer;
    }
    let depth = 0;
    for (let m: unknown = map; m instanceof LayeredMap; m = (m as unknown as { base: unknown }).base) depth++;
    assert.ok(depth <= 4, `depth ${depth}`);
    assert.equal(map.get(50), -50);
    assert.equal(map.get(500), 500);
    assert.equal(map.size, 1000);
  });
});
