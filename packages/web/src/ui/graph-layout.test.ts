import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Session } from '../engine/session.js';
import type { InputFile } from '../protocol.js';
import {
  CLEARANCE,
  crossings,
  gridLayout,
  layoutGraph,
  NODE_SIZE,
  ringRadius,
  segmentDistance,
} from './graph-layout.js';
import { buildGraph } from './graph-model.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');
const ids = readdirSync(examples, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function read(example: string): InputFile[] {
  const dir = join(examples, example);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

describe('Graph layout on the examples: no arrow runs through a node it does not join', () => {
  for (const id of ids) {
    test(id, () => {
      const session = new Session({ mode: 'serve', files: read(id), namespace: 'default', canSave: false, version: 0 });
      const summary = session.summary();
      assert.ok(summary.endpoints.length > 1, 'the example has workloads to draw');
      let drawn = 0;
      for (const port of summary.ports) {
        const matrix = session.matrix(port);
        for (const edges of ['all', 'policy'] as const) {
          const model = buildGraph(summary.endpoints, matrix, { q: '', ns: [], caption: '', edges });
          assert.equal(model.aggregated, false);
          const at = new Map(model.nodes.map((n) => [n.id, n]));
          const nodes = model.nodes.map((n) => n.id);
          // Name the first offence, so a failure says which arrow and which node.
          for (const e of model.edges) {
            const [a, b] = [at.get(e.source), at.get(e.target)];
            assert.ok(a && b);
            for (const n of model.nodes) {
              if (n.id === e.source || n.id === e.target) continue;
              const d = segmentDistance(n, a, b);
              assert.ok(
                d >= NODE_SIZE / 2 + CLEARANCE,
                `${port} ${edges}: ${e.id} passes ${n.id} at ${d.toFixed(1)}px`,
              );
            }
          }
          assert.equal(crossings(at, model.edges, nodes), 0);
          // No two nodes on top of each other either.
          for (const [k, a] of model.nodes.entries()) {
            for (const b of model.nodes.slice(k + 1)) assert.ok(Math.hypot(a.x - b.x, a.y - b.y) >= NODE_SIZE * 2);
          }
          drawn += model.edges.length;
        }
      }
      assert.ok(drawn > 0, 'some edge was drawn and tested');
    });
  }
});

describe('layoutGraph', () => {
  test('six workloads of a namespace in rows (the grid) has an arrow through a node; on a ring none', () => {
    const groups = [{ name: 'a', members: ['a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'a/6'] }];
    const edges = [
      { source: 'a/1', target: 'a/3' },
      { source: 'a/4', target: 'a/6' },
      { source: 'a/2', target: 'a/5' },
    ];
    const ids = groups[0]?.members ?? [];
    assert.ok(crossings(gridLayout(groups), edges, ids) > 0);
    assert.equal(crossings(layoutGraph(groups, edges), edges, ids), 0);
  });

  test('every chord of a ring passes its other nodes with room', () => {
    for (const n of [3, 4, 5, 8, 12, 16]) {
      const members = Array.from({ length: n }, (_, i) => `a/${i}`);
      const edges = members.flatMap((s) => members.filter((t) => t !== s).map((t) => ({ source: s, target: t })));
      assert.equal(crossings(layoutGraph([{ name: 'a', members }], []), edges, members), 0, `${n} nodes`);
      assert.ok(ringRadius(n) > 0);
    }
  });

  test('many namespaces or big ones: the grid (instant at thousands of nodes)', () => {
    const groups = Array.from({ length: 11 }, (_, k) => ({ name: `n${k}`, members: [`n${k}/a`, `n${k}/b`] }));
    assert.deepEqual(layoutGraph(groups, []), gridLayout(groups));
  });
});
