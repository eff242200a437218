import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EndpointView, MatrixBits } from '../protocol.js';
import { buildGraph, fitViewport, graphToSvg, MAX_EDGES, MAX_NODES } from './graph-model.js';

function endpoint(namespace: string, name: string, iso: { in?: boolean; out?: boolean } = {}): EndpointView {
  return {
    id: `${namespace}/${name}`,
    namespace,
    name,
    kind: 'Pod',
    labels: { app: name },
    ingressIsolated: iso.in ?? false,
    egressIsolated: iso.out ?? false,
    pods: 1,
  };
}

/** Every pair allowed (the default with no policy), or only `pairs`. */
function bits(n: number, pairs?: [number, number][]): MatrixBits {
  const rowWords = Math.ceil(n / 32);
  const out = new Uint32Array(n * rowWords);
  const set = (i: number, j: number) => {
    out[i * rowWords + (j >>> 5)]! |= 1 << (j & 31);
  };
  if (pairs) for (const [i, j] of pairs) set(i, j);
  else for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) set(i, j);
  return { port: '80/TCP', n, rowWords, bits: out };
}

const all = { q: '', ns: [], caption: '', edges: 'all' as const };

describe('buildGraph', () => {
  test('namespaces as groups, one node per workload, an edge per allowed pair (not to itself)', () => {
    const eps = [endpoint('a', 'x'), endpoint('a', 'y'), endpoint('b', 'z', { in: true })];
    const g = buildGraph(
      eps,
      bits(3, [
        [0, 2],
        [1, 2],
        [2, 2],
      ]),
      all,
    );
    assert.deepEqual(
      g.namespaces.map((n) => [n.name, n.count]),
      [
        ['a', 2],
        ['b', 1],
      ],
    );
    assert.deepEqual(
      g.edges.map((e) => e.id),
      ['a/x->b/z', 'a/y->b/z'],
    );
    assert.equal(g.nodes.find((n) => n.id === 'b/z')?.caption, 'z\n⇥in');
  });

  test('edges "decided by a policy" leave out pairs where neither side is isolated', () => {
    const eps = [endpoint('a', 'x'), endpoint('a', 'y'), endpoint('b', 'z', { in: true })];
    const g = buildGraph(eps, bits(3), { ...all, edges: 'policy' });
    assert.deepEqual(
      g.edges.map((e) => e.id),
      ['a/x->b/z', 'a/y->b/z'],
    );
  });

  test('search and namespace filters, caption label', () => {
    const eps = [endpoint('a', 'web'), endpoint('a', 'db'), endpoint('b', 'web')];
    assert.deepEqual(
      buildGraph(eps, bits(3), { ...all, q: 'app=web' }).nodes.map((n) => n.id),
      ['a/web', 'b/web'],
    );
    assert.deepEqual(
      buildGraph(eps, bits(3), { ...all, ns: ['b'] }).nodes.map((n) => n.id),
      ['b/web'],
    );
    assert.equal(buildGraph(eps, bits(3), { ...all, caption: 'app' }).nodes[0]?.caption, 'web\napp=web');
  });

  test(`over ${MAX_EDGES} edges: one edge per namespace pair, with its count`, () => {
    const eps = Array.from({ length: 60 }, (_, i) => endpoint(i < 30 ? 'a' : 'b', `p${i}`));
    const g = buildGraph(eps, bits(60), all);
    assert.equal(g.aggregated, true);
    assert.equal(g.pairs, 60 * 59);
    assert.deepEqual(g.edges.map((e) => [e.id, e.count]).sort(), [
      ['ns:a->ns:a', 30 * 29],
      ['ns:a->ns:b', 900],
      ['ns:b->ns:a', 900],
      ['ns:b->ns:b', 30 * 29],
    ]);
  });

  test(`over ${MAX_NODES} workloads: one node per namespace until one is chosen`, () => {
    const eps = Array.from({ length: MAX_NODES + 1 }, (_, i) => endpoint(`ns${i % 7}`, `p${i}`));
    const g = buildGraph(eps, bits(eps.length, [[0, 1]]), all);
    assert.equal(g.collapsed, true);
    assert.equal(g.nodes.length, 0);
    // The legend counts the workloads inside the namespaces' nodes, not the nodes drawn.
    assert.equal(g.workloads, MAX_NODES + 1);
    assert.equal(g.namespaces.length, 7);
    assert.deepEqual(
      g.edges.map((e) => [e.id, e.count]),
      [['ns:ns0->ns:ns1', 1]],
    );
    const opened = buildGraph(eps, bits(eps.length, [[0, 1]]), { ...all, ns: ['ns0'] });
    assert.equal(opened.collapsed, false);
    assert.equal(opened.nodes.length, Math.ceil((MAX_NODES + 1) / 7));
    assert.equal(opened.workloads, opened.nodes.length);
  });

  test('the what-if on the shown port: edges it opened marked, pairs it closed drawn as closed edges', () => {
    const eps = [endpoint('a', 'x'), endpoint('a', 'y'), endpoint('b', 'z')];
    const change = (from: string, to: string, protocol: string, spans: [number, number][]) => ({
      from,
      to,
      protocol,
      ports: '',
      spans,
    });
    const whatIf = {
      opened: [change('a/x', 'b/z', 'TCP', [[80, 80]]), change('a/y', 'b/z', 'TCP', [[443, 443]])],
      closed: [change('a/y', 'a/x', 'TCP', [[1, 65535]]), change('b/z', 'a/x', 'UDP', [[80, 80]])],
      policies: { added: [], removed: [], changed: [] },
    };
    // Now allowed: x -> z (opened on 80), y -> z (opened on 443 only: not on the shown 80/TCP).
    const g = buildGraph(
      eps,
      bits(3, [
        [0, 2],
        [1, 2],
      ]),
      all,
      whatIf,
    );
    assert.deepEqual(
      g.edges.map((e) => [e.id, e.change]),
      [
        ['a/x->b/z', 'opened'],
        ['a/y->b/z', undefined],
        ['a/y->a/x', 'closed'],
      ],
    );
    assert.deepEqual([g.opened, g.closed, g.pairs], [1, 1, 2]);
    // A closed pair whose end is filtered out is not drawn.
    assert.equal(buildGraph(eps, bits(3, []), { ...all, q: 'a/y' }, whatIf).closed, 0);
    // An opened pair the 'policy' filter hides (nothing isolates its ends now) is drawn anyway.
    const policy = buildGraph(eps, bits(3, [[0, 2]]), { ...all, edges: 'policy' }, whatIf);
    assert.equal(policy.pairs, 0);
    assert.deepEqual(
      policy.edges.map((e) => [e.id, e.change]),
      [
        ['a/x->b/z', 'opened'],
        ['a/y->a/x', 'closed'],
      ],
    );
    const svg = graphToSvg(g);
    assert.match(svg, /stroke-dasharray="6 4"[^>]*><title>a\/y-&gt;a\/x, closed by the what-if<\/title>/);
    assert.match(svg, /stroke-width="3"[^>]*><title>a\/x-&gt;b\/z, opened by the what-if<\/title>/);
  });

  test('SVG export draws every namespace, node and edge, with escaped names', () => {
    const eps = [endpoint('a', 'x<y'), endpoint('b', 'z')];
    const svg = graphToSvg(buildGraph(eps, bits(2, [[0, 1]]), all));
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<circle /g)?.length, 2);
    assert.equal(svg.match(/<line /g)?.length, 1);
    assert.match(svg, /x&lt;y/);
  });

  test('fitViewport: every node centre lands inside the box, centred, with room for boxes and captions', () => {
    const small = buildGraph([endpoint('a', 'x'), endpoint('b', 'y')], bits(2), all);
    const many = Array.from({ length: MAX_NODES + 1 }, (_, i) => endpoint(`ns${i % 40}`, `p${i}`));
    const cases = [
      { name: 'rings', model: small, width: 800, height: 600 },
      { name: 'rings, a narrow box', model: small, width: 200, height: 900 },
      { name: 'collapsed namespaces', model: buildGraph(many, bits(many.length, []), all), width: 1200, height: 500 },
      {
        name: 'a grid of grids',
        model: buildGraph(many, bits(many.length, []), { ...all, q: 'p' }),
        width: 900,
        height: 900,
      },
    ];
    for (const { name, model, width, height } of cases) {
      const { zoom, pan } = fitViewport(model, width, height);
      const points = model.collapsed ? model.namespaces : model.nodes;
      assert.ok(points.length > 0, name);
      assert.ok(zoom > 0 && zoom <= 2, `${name}: zoom ${zoom}`);
      const xs = points.map((p) => p.x * zoom + pan.x);
      const ys = points.map((p) => p.y * zoom + pan.y);
      // Room for a node's half size and caption (more than the 30 px padding alone).
      for (const x of xs) assert.ok(x >= 30 + 40 * zoom && x <= width - 30 - 40 * zoom, `${name}: x ${x}`);
      for (const y of ys) assert.ok(y >= 30 + 40 * zoom && y <= height - 30 - 40 * zoom, `${name}: y ${y}`);
      // Centred on the axis that limits the zoom, within a pixel.
      const [left, right] = [Math.min(...xs), width - Math.max(...xs)];
      const [top, bottom] = [Math.min(...ys), height - Math.max(...ys)];
      assert.ok(Math.abs(left - right) < 1 || Math.abs(top - bottom - (50 - 70) * zoom) < 1, name);
    }
    assert.deepEqual(fitViewport(buildGraph([], bits(0), all), 400, 300), { zoom: 1, pan: { x: 200, y: 150 } });
  });
});

/** The edges as buildGraph made them before it counted pairs without an array each: the oracle. */
function edgesByPairs(endpoints: EndpointView[], matrix: MatrixBits, shown: number[], edges: 'all' | 'policy') {
  const pairs: [number, number][] = [];
  const shownSet = new Set(shown);
  for (const i of shown) {
    for (let w = 0; w < matrix.rowWords; w++) {
      let word = matrix.bits[i * matrix.rowWords + w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word);
        word &= ~(1 << bit);
        const j = w * 32 + bit;
        if (j === i || !shownSet.has(j)) continue;
        if (edges === 'policy' && !endpoints[i]!.egressIsolated && !endpoints[j]!.ingressIsolated) continue;
        pairs.push([i, j]);
      }
    }
  }
  if (pairs.length <= MAX_EDGES)
    return { pairs: pairs.length, ids: pairs.map(([i, j]) => `${endpoints[i]!.id}->${endpoints[j]!.id}`) };
  const counts = new Map<string, number>();
  for (const [i, j] of pairs) {
    const key = `ns:${endpoints[i]!.namespace}->ns:${endpoints[j]!.namespace}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return { pairs: pairs.length, ids: [...counts].map(([id, n]) => `${id} ${n}`) };
}

describe('buildGraph edges against a pair-by-pair count', () => {
  /** mulberry32: the same cases every run. */
  const random = (() => {
    let a = 7;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  })();
  for (let c = 0; c < 40; c++) {
    // Up to 90 endpoints in 1-6 namespaces, in any order; sparse to dense matrices (dense ones
    // pass MAX_EDGES and are drawn per namespace pair); a namespace or a search filter at times.
    // The first case dense: it passes MAX_EDGES for sure.
    const n = c === 0 ? 90 : 1 + Math.floor(random() * 90);
    const nsCount = 1 + Math.floor(random() * 6);
    const density = c === 0 ? 0.9 : random();
    const eps = Array.from({ length: n }, (_, i) =>
      endpoint(`ns${Math.floor(random() * nsCount)}`, `w${i}`, { in: random() < 0.4, out: random() < 0.4 }),
    );
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (random() < density) pairs.push([i, j]);
    const m = bits(n, pairs);
    const edges = random() < 0.5 ? ('all' as const) : ('policy' as const);
    const ns = random() < 0.3 ? ['ns0'] : [];
    const q = random() < 0.2 ? 'w1' : '';
    test(`case ${c}: ${n} endpoints, ${pairs.length} pairs set, edges ${edges}${ns.length ? ', ns0' : ''}${q ? `, search ${q}` : ''}`, () => {
      const g = buildGraph(eps, m, { q, ns, caption: '', edges });
      const shown = eps.flatMap((e, i) =>
        (ns.length === 0 || ns.includes(e.namespace)) && (!q || `${e.id} app=${e.name}`.includes(q)) ? [i] : [],
      );
      const expected = edgesByPairs(eps, m, shown, edges);
      assert.equal(g.pairs, expected.pairs);
      assert.equal(g.aggregated, expected.pairs > MAX_EDGES);
      assert.deepEqual(
        g.edges.map((e) => (e.count === undefined ? e.id : `${e.id} ${e.count}`)),
        expected.ids,
      );
    });
  }

  test('some cases passed MAX_EDGES and some did not (both branches ran)', () => {
    // 90 endpoints all allowed: 8,010 pairs; 3 endpoints: 6.
    const many = Array.from({ length: 90 }, (_, i) => endpoint(`ns${i % 3}`, `w${i}`));
    assert.equal(buildGraph(many, bits(90), all).aggregated, true);
    assert.equal(buildGraph(many.slice(0, 3), bits(3), all).aggregated, false);
  });
});
