import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DiffView, EndpointView, PodMatrix } from '../protocol.js';
import { buildPodGrid, type Drill, drillUp, endpointsOf, namespaceOf, parseDrill } from './matrix-model.js';

const endpoint = (namespace: string, name: string, pods = 1): EndpointView => ({
  id: `${namespace}/${name}`,
  namespace,
  name,
  kind: pods > 1 ? 'Deployment' : 'Pod',
  labels: {},
  ingressIsolated: false,
  egressIsolated: false,
  pods,
});

describe('matrix drill levels', () => {
  const rows: [string, Drill][] = [
    ['', { level: 'namespaces' }],
    ['*', { level: 'workloads' }],
    ['web|shop', { level: 'workloads', rows: 'web', cols: 'shop' }],
    ['pods:web|shop', { level: 'pods', rows: 'web', cols: 'shop' }],
    [
      'pods:web/a[Deployment]|shop/b[Deployment]',
      { level: 'pods', rows: 'web/a[Deployment]', cols: 'shop/b[Deployment]' },
    ],
  ];
  for (const [text, drill] of rows) test(`"${text}"`, () => assert.deepEqual(parseDrill(text), drill));

  test("Escape and Back climb: pods → the namespaces' workloads → namespaces", () => {
    assert.equal(drillUp('pods:web/a[Deployment]|shop/b[Deployment]'), 'web|shop');
    assert.equal(drillUp('pods:web|shop'), 'web|shop');
    assert.equal(drillUp('web|shop'), '');
    assert.equal(drillUp('*'), '');
  });

  test('a drill part names a namespace (every endpoint in it) or one endpoint', () => {
    const endpoints = [endpoint('web', 'a', 3), endpoint('web', 'b'), endpoint('shop', 'c')];
    assert.deepEqual(endpointsOf('web', endpoints), ['web/a', 'web/b']);
    assert.deepEqual(endpointsOf('shop/c', endpoints), ['shop/c']);
    assert.deepEqual(endpointsOf('shop/gone', endpoints), []);
    assert.equal(namespaceOf('web/a[Deployment]'), 'web');
    assert.equal(namespaceOf('web'), 'web');
  });
});

describe('buildPodGrid', () => {
  // web/a has pods a-0, a-1; shop/c is one pod. a-0 → c allowed, a-1 → c denied, c → itself allowed.
  const matrix: PodMatrix = {
    port: '80/TCP',
    rows: [
      { id: 'web/a-0', owner: 'web/a' },
      { id: 'web/a-1', owner: 'web/a' },
    ],
    cols: [
      { id: 'shop/c', owner: 'shop/c' },
      { id: 'web/a-1', owner: 'web/a' },
    ],
    rowWords: 1,
    bits: Uint32Array.from([0b01, 0b10]),
  };

  test('one cell per pod pair, allowed from the bits', () => {
    const grid = buildPodGrid(matrix, undefined);
    assert.deepEqual(
      grid.rows.map((r) => r.label),
      ['web/a-0', 'web/a-1'],
    );
    assert.deepEqual([...grid.allowed], [1, 0, 0, 1]);
    assert.deepEqual([...grid.total], [1, 1, 1, 1]);
    assert.deepEqual([...grid.changed], [0, 0, 0, 0]);
  });

  test("a what-if change of the owners' pair marks every pod cell of it, on the shown port only", () => {
    const change = (from: string, to: string, spans: [number, number][]) => ({
      from,
      to,
      protocol: 'TCP',
      ports: '',
      spans,
    });
    const whatIf: DiffView = {
      opened: [change('web/a', 'shop/c', [[80, 80]])],
      closed: [change('web/a', 'web/a', [[443, 443]])],
      policies: { added: [], removed: [], changed: [] },
    };
    assert.deepEqual([...buildPodGrid(matrix, whatIf).changed], [1, 0, 1, 0]);
  });
});
