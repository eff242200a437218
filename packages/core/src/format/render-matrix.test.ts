import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, atLeast, first } from '../at.js';
import type { PortQuery } from '../engine/types.js';
import { computeMatrix, type MatrixResult } from '../matrix/compute-matrix.js';
import { listMatrixEndpoints } from '../matrix/matrix-endpoints.js';
import { matrixPortLabel, matrixToJson } from '../matrix/matrix-json.js';
import { clusterFromYaml } from '../test-helpers.js';
import { truncateMiddle } from './matrix-table.js';
import { renderToString } from './matrix-writer.js';
import { MATRIX_FORMATS, renderMatrix } from './render-matrix.js';

const YAML = `
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: app, labels: { role: client } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: app }
spec:
  replicas: 2
  selector: { matchLabels: { role: web } }
  template:
    metadata: { labels: { role: web } }
    spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 80 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: db, namespace: data, labels: { role: db } }
spec: { containers: [{ name: c, image: i, ports: [{ name: pg, containerPort: 5432 }] }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web, namespace: app }
spec:
  podSelector: { matchLabels: { role: web } }
  ingress:
    - from: [{ podSelector: { matchLabels: { role: client } } }, { ipBlock: { cidr: 203.0.113.0/25 } }]
      ports: [{ port: http }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db, namespace: data }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 5432 }] }]
`;

const PORTS: PortQuery[] = [
  { protocol: 'TCP', port: 80 },
  { protocol: 'TCP', port: 5432 },
  { protocol: 'TCP', port: 'http' },
  { protocol: 'UDP', port: 53 },
];

function sample(): MatrixResult {
  const cluster = clusterFromYaml(YAML);
  const listed = listMatrixEndpoints(cluster, { externals: ['203.0.113.7', '203.0.113.200'] });
  assert.ok(listed.ok);
  return computeMatrix(cluster, { endpoints: listed.value, ports: PORTS });
}

type Table = (boolean | null)[][][];

function truth(result: MatrixResult): Table {
  return matrixToJson(result).results.map((r) => r.allowed);
}

function emptyTable(result: MatrixResult, fill: boolean | null): Table {
  const n = result.endpoints.length;
  return result.ports.map(() => Array.from({ length: n }, () => new Array(n).fill(fill)));
}

/** Graph formats draw allowed edges only: rebuild the table from edges, self and nulls. */
function fromEdges(result: MatrixResult, edges: [string, string, string[]][]): Table {
  const ids = result.endpoints.map((e) => e.id);
  const table = emptyTable(result, false);
  const labels = result.ports.map(matrixPortLabel);
  result.ports.forEach((_, p) => {
    ids.forEach((_, i) => {
      ids.forEach((_, j) => {
        const ext = (k: number) => at(result.endpoints, k).kind === 'external';
        const replicas = (k: number) => {
          const e = at(result.endpoints, k);
          return e.kind === 'workload' && e.workload.pods.length > 1;
        };
        if (ext(i) && ext(j)) at(at(table, p), i)[j] = null;
        // A pod to itself is not drawn (always allowed); a workload's loop is replica to replica.
        else if (i === j && !replicas(i)) at(at(table, p), i)[j] = true;
      });
    });
  });
  for (const [from, to, ports] of edges) {
    for (const port of ports) at(at(table, labels.indexOf(port)), ids.indexOf(from))[ids.indexOf(to)] = true;
  }
  return table;
}

describe('matrix renderers', () => {
  const result = sample();
  const expected = truth(result);

  test('the sample has every kind of cell', () => {
    const cells = expected.flat(2);
    assert.ok(cells.includes(true) && cells.includes(false) && cells.includes(null));
    assert.deepEqual(
      result.endpoints.map((e) => e.id),
      ['app/client', 'app/web[Deployment]', 'data/db', '203.0.113.7', '203.0.113.200'],
    );
  });

  test('json parses to the matrixToJson shape', () => {
    const text = renderToString((w) => renderMatrix(result, 'json', w));
    assert.deepEqual(JSON.parse(text), matrixToJson(result));
    assert.deepEqual(
      JSON.parse(text).results.map((r: { port: unknown }) => r.port),
      [80, 5432, 'http', 53],
    );
  });

  test('csv parses back to the same table', () => {
    const lines = renderToString((w) => renderMatrix(result, 'csv', w))
      .trimEnd()
      .split('\n');
    const header = first(lines).split(',');
    assert.deepEqual(
      header.slice(3),
      result.endpoints.map((e) => e.id),
    );
    const table = emptyTable(result, false);
    for (const line of lines.slice(1)) {
      const [port, protocol, source, ...cells] = atLeast(line.split(','), 3);
      const p = result.ports.findIndex((q) => String(q.port) === port && q.protocol === protocol);
      const i = header.indexOf(source) - 3;
      at(table, p)[i] = cells.map((c) => (c === '' ? null : c === 'true'));
    }
    assert.deepEqual(table, expected);
    assert.equal(lines.length, 1 + PORTS.length * result.endpoints.length);
  });

  test('md parses back to the same table', () => {
    const text = renderToString((w) => renderMatrix(result, 'md', w));
    const table = emptyTable(result, false);
    const sections = text.split('\n### ').slice(1);
    assert.equal(sections.length, PORTS.length);
    const unquote = (s: string) => s.trim().replace(/\\(.)/g, '$1');
    sections.forEach((section, p) => {
      assert.equal(unquote(first(section.split('\n'))), matrixPortLabel(at(PORTS, p)));
      const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| from'));
      rows.forEach((row, i) => {
        const cells = row
          .split(/(?<!\\)\|/)
          .slice(1, -1)
          .map(unquote);
        assert.equal(cells[0], at(result.endpoints, i).id);
        at(table, p)[i] = cells.slice(1).map((c) => (c === '·' ? null : c === '✓'));
      });
    });
    assert.deepEqual(table, expected);
  });

  test('dot and mermaid edges rebuild the same table', () => {
    const dot = renderToString((w) => renderMatrix(result, 'dot', w));
    const dotEdges = [...dot.matchAll(/^ {2}"([^"]+)" -> "([^"]+)" \[label="([^"]+)"\];$/gm)].map(
      (m): [string, string, string[]] => [at(m, 1), at(m, 2), at(m, 3).split(', ')],
    );
    assert.deepEqual(fromEdges(result, dotEdges), expected);
    assert.ok(dot.startsWith('digraph netpol {'));

    const mermaid = renderToString((w) => renderMatrix(result, 'mermaid', w));
    const names = new Map([...mermaid.matchAll(/^ {2}(n\d+)(?:\["|\(\(")([^"]+)"/gm)].map((m) => [m[1], m[2]]));
    const mermaidEdges = [...mermaid.matchAll(/^ {2}(n\d+) -->\|"([^"]+)"\| (n\d+)$/gm)].map(
      (m): [string, string, string[]] => [names.get(m[1])!, names.get(m[3])!, at(m, 2).split(', ')],
    );
    assert.deepEqual(fromEdges(result, mermaidEdges), expected);
  });

  test('html is one self-contained page with the same cells', () => {
    const html = renderToString((w) => renderMatrix(result, 'html', w));
    assert.doesNotMatch(html, /https?:|src=|href=|url\(|@import|<script|<link/i);
    const tables = html.split('<table').slice(1);
    const table = tables.map((t) =>
      t
        .split('<tr><th class="src">')
        .slice(1)
        .map((row) => [...row.matchAll(/<td class="(.)">/g)].map((m) => (m[1] === 'x' ? null : m[1] === 'y'))),
    );
    assert.deepEqual(table, expected);
  });

  test('table: one line per endpoint per port, no escapes without a style, names shortened', () => {
    const text = renderToString((w) => renderMatrix(result, 'table', w));
    assert.ok(!text.includes('\u001b['));
    const rows = text.split('\n').filter((l) => /^\d+ /.test(l));
    assert.equal(rows.length, PORTS.length * result.endpoints.length);
    const cells = rows.map((r) => r.trimEnd().split(/\s+/).slice(-result.endpoints.length));
    assert.deepEqual(
      cells.map((r) => r.map((c) => (c === '·' ? null : c === '✓'))),
      expected.flat(),
    );
    const styled = renderToString((w) =>
      renderMatrix(result, 'table', w, {
        style: { allowed: (s) => `<g>${s}`, denied: (s) => `<r>${s}`, dim: (s) => s, bold: (s) => s },
      }),
    );
    assert.match(styled, /<g>/);
    assert.match(styled, /<r>/);
    assert.equal(truncateMiddle('payments-prod-001/frontend-0[Deployment]', 20), 'payments-p…ployment]');
    assert.equal(truncateMiddle('short', 20), 'short');
  });

  test('table: a width cuts the grid into column blocks that hold the same cells', () => {
    const width = 22;
    const text = renderToString((w) => renderMatrix(result, 'table', w, { width, nameWidth: 12 }));
    const lines = text.split('\n');
    const grid = lines.filter((l) => !l.startsWith('port '));
    assert.ok(
      grid.every((l) => [...l].length <= width),
      grid.find((l) => [...l].length > width),
    );
    const n = result.endpoints.length;
    const table = emptyTable(result, false);
    let p = -1;
    let columns: number[] = [];
    for (const line of lines) {
      if (line.startsWith('port ')) p++;
      else if (/^ +\d+( +\d+)*$/.test(line)) columns = line.trim().split(/ +/).map(Number);
      else if (/^\d+ /.test(line)) {
        const i = Number(line.split(' ')[0]);
        const cells = line.trimEnd().split(/\s+/).slice(-columns.length);
        columns.forEach((j, k) => {
          at(at(table, p), i)[j] = cells[k] === '·' ? null : cells[k] === '✓';
        });
      }
    }
    assert.ok(columns.length < n, 'the sample must need more than one block');
    assert.deepEqual(table, expected);
  });

  test('every format renders an empty matrix without failing', () => {
    const empty = computeMatrix(clusterFromYaml(YAML), { endpoints: [], ports: PORTS });
    for (const format of MATRIX_FORMATS) assert.ok(renderToString((w) => renderMatrix(empty, format, w)).length > 0);
    assert.deepEqual(JSON.parse(renderToString((w) => renderMatrix(empty, 'json', w))), {
      endpoints: [],
      results: PORTS.map((p) => ({ port: p.port, protocol: p.protocol, allowed: [] })),
    });
  });
});
