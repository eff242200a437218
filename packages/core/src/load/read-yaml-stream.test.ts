import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { atLeast } from '../at.js';
import { arbitraryClusterObjects } from '../engine/arbitrary-cluster.js';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { podDumpChunks } from '../gen/generate-pod-dump.js';
import { loadCluster } from '../load-cluster.js';
import { SUPPORTED_KINDS } from '../model/kinds.js';
import type { StreamedSource } from './read-json-stream.js';
import { createYamlStreamReader } from './read-yaml-stream.js';
import { positionOf } from './source.js';
import { assertStreamedAsText, streamThrough } from './test-helpers.js';

/** `text` streamed in chunks of the given sizes (cycled), as a file or a pipe delivers it. */
function stream(text: string, sizes: readonly number[] = [65536]): StreamedSource {
  return streamThrough(
    createYamlStreamReader('in.yaml', (kind) => SUPPORTED_KINDS.includes(kind)),
    text,
    sizes,
  );
}

/** The streamed read of `text` loads the same cluster, with the same issues at the same places. */
function assertSameAsText(text: string, sizes?: readonly number[]) {
  return assertStreamedAsText(text, 'in.yaml', stream(text, sizes));
}

/** As `kubectl get -o yaml` writes a List: items at column 0, `kind: List` after them. */
const kubectlYaml = (value: unknown) => stringify(value, { indentSeq: false, lineWidth: 0 });

function dump(pods: number): unknown {
  return JSON.parse(
    [...podDumpChunks(generateCluster(genOptionsForPods(pods, { seed: 5 })) as { items: [] })].join(''),
  );
}

describe('createYamlStreamReader: the same as reading the whole text', () => {
  test('a kubectl-style pod dump in YAML (managedFields, status, env dropped), in large, small and odd chunks', () => {
    const text = kubectlYaml(dump(40));
    assert.match(text, /^items:\n- /m);
    for (const sizes of [[1 << 20], [4096], [1, 7, 300, 4093]]) {
      const { streamed } = assertSameAsText(text, sizes);
      assert.ok(streamed.ok);
      assert.ok(streamed.value.cluster.pods.length >= 40);
    }
    const pod = stream(text).streamed.objects.find((o) => o.kind === 'Pod');
    assert.ok(pod);
    assert.equal('managedFields' in (pod.value.metadata as object), false);
    assert.deepEqual(Object.keys(pod.value.status as object).sort(), ['hostIP', 'phase', 'podIP', 'podIPs']);
  });

  test('items indented under items:, the generated cluster, and every example as a multi-document stream', () => {
    assertSameAsText(stringify(dump(10), { lineWidth: 0 }), [333]);
    assertSameAsText(kubectlYaml(generateCluster(genOptionsForPods(200, { seed: 2 }))), [999]);
    const root = join(import.meta.dirname, '../../../../examples');
    for (const dir of readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)) {
      const files = readdirSync(join(root, dir)).filter((f) => /\.ya?ml$/.test(f) && f !== 'expect.yaml');
      const text = files.map((f) => readFileSync(join(root, dir, f), 'utf8')).join('\n---\n');
      assertSameAsText(text, [257]);
    }
  });

  test('random clusters, random chunk sizes, items at column 0 or indented', () => {
    fc.assert(
      fc.property(
        arbitraryClusterObjects(),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (objects, sizes, indentSeq) => {
          const list = { apiVersion: 'v1', items: objects, kind: 'List' };
          // No anchors: the generator shares objects, and an alias cannot reach into another item.
          assertSameAsText(stringify(list, { indentSeq, lineWidth: 0, aliasDuplicateObjects: false }), sizes);
        },
      ),
      { numRuns: 40, seed: 1818 },
    );
  });

  test('validation errors in kept fields point at the same line:col, in items and in documents', () => {
    const items = [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', labels: { 'bad key!': 'x', 7: 'y' } },
        spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] },
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'p' },
        spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 70 }] }], bogus: 1 },
      },
    ];
    const { whole } = assertSameAsText(kubectlYaml({ apiVersion: 'v1', items, kind: 'List' }), [13]);
    assert.ok(whole.issues.filter((i) => i.severity === 'error').length >= 3);
    assertSameAsText(items.map((i) => kubectlYaml(i)).join('---\n'), [17]);
  });

  test('a typed List names its items kind; block scalars, anchors and comments go through yaml', () => {
    const text = `# a dump
apiVersion: v1
kind: PodList
items:
- metadata:
    name: a
    annotations:
      note: |
        two
        lines
  spec:
    containers: [{name: c, image: i, ports: [{containerPort: 80}]}]
# between items
- metadata: {name: b, labels: &l {app: web}}
  spec: {containers: [{name: c, image: i}]}
metadata:
  resourceVersion: ""
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
...
`;
    const { streamed } = assertSameAsText(text, [5]);
    assert.deepEqual(
      streamed.value.objects.map((o) => [o.kind, (o.value.metadata as { name: string }).name]),
      [
        ['Pod', 'a'],
        ['Pod', 'b'],
        ['Namespace', 'shop'],
      ],
    );
  });
});

describe('createYamlStreamReader: bad YAML is an error at its line:col, never a crash', () => {
  const pod = 'apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n';
  for (const [name, text, line, col] of [
    ['a bad indentation in an item', `items:\n- ${pod}- kind: Pod\n   metadata: x\n  bad\n`, 5, 9],
    ['mapping items at different columns', `items:\n- ${pod}- kind: Pod\n  metadata:\n    name: a\n   bad: 1\n`, 8, 1],
    ['an unclosed flow mapping', `kind: Pod\nmetadata: {name: a\n`, 3, 1],
    ['a duplicate key in an item', `items:\n- kind: Pod\n  kind: Service\n`, 3, 3],
  ] as const) {
    test(name, () => {
      for (const sizes of [[1 << 16], [3]]) {
        const whole = loadCluster([{ name: 'in.yaml', text }]);
        const source = stream(text, sizes);
        const errors = source.streamed.issues.filter((i) => i.severity === 'error');
        assert.ok(errors.length >= 1, JSON.stringify(source.streamed.issues));
        const [error] = atLeast(errors, 1);
        assert.equal(error.code, 'syntax');
        assert.ok(error.range);
        const at = positionOf(source, error.range[0]);
        assert.deepEqual(at, { line, col }, error.message);
        const wholeError = whole.issues.find((i) => i.code === 'syntax');
        assert.ok(wholeError?.range);
        assert.deepEqual(positionOf({ name: 'in.yaml', text }, wholeError.range[0]), at);
        assert.equal(error.message, wholeError.message);
      }
    });
  }
});

describe('createYamlStreamReader: any text, cut anywhere, never throws', () => {
  test('random YAML-ish text in random chunks ends with a source (issues, not exceptions)', () => {
    const piece = fc.constantFrom(
      'items:\n',
      '- ',
      '---\n',
      '...\n',
      'kind: Pod\n',
      '  ',
      'a: [1, {b: c}]\n',
      '&x ',
      '*x\n',
      '|\n',
      '"q\n',
      '# c\n',
      '\t',
      '\r\n',
      'é',
      '{',
      '}\n',
      ':',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 3 }),
        (pieces, sizes) => {
          const source = stream(pieces.join(''), sizes);
          assert.ok(source.streamed.issues.some((i) => i.code === 'read-as-stream'));
          loadCluster([source]);
        },
      ),
      { numRuns: 300, seed: 18 },
    );
    const deep = `items:\n- a: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    assert.ok(stream(deep).streamed.issues.some((i) => i.severity === 'error'));
  });
});

describe('createYamlStreamReader: a unit larger than any object is refused, not held', () => {
  const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i}]}\n';
  const read = (text: string, sizes: readonly number[]) =>
    streamThrough(
      createYamlStreamReader('in.yaml', (kind) => SUPPORTED_KINDS.includes(kind), { maxUnitBytes: 1024 }),
      text,
      sizes,
    );
  const rows: [string, string, string][] = [
    ['an endless document of short lines', `a: b\n${'c: d\n'.repeat(2000)}`, '1:1'],
    ['one long line (the document starts at its ---)', `---\nkind: ${'x'.repeat(5000)}\n`, '1:1'],
    [
      'a List item',
      `kind: List\nitems:\n- ${POD.trimEnd().replaceAll('\n', '\n  ')}\n- a: ${'y'.repeat(3000)}\n`,
      '7:1',
    ],
  ];
  for (const [name, text, at] of rows) {
    test(name, () => {
      for (const sizes of [[100], [4096], [1, 333]]) {
        const source = read(text, sizes);
        const errors = source.streamed.issues.filter((i) => i.severity === 'error');
        assert.deepEqual(
          errors.map((i) => i.message),
          [
            'one document or List item of more than 0.0009765625 MiB (read as a stream, each is held whole): no Kubernetes object is near that size',
          ],
          name,
        );
        const { line, col } = positionOf(source, atLeast(errors, 1)[0].range?.[0] ?? -1);
        assert.equal(`${line}:${col}`, at, `${name} ${sizes}`);
      }
    });
  }
  test('the objects around an oversized unit are read', () => {
    const { streamed } = read(`${POD}---\na: ${'z'.repeat(3000)}\n---\n${POD.replace('name: p', 'name: q')}`, [64]);
    assert.deepEqual(
      streamed.objects.map((o) => (o.value.metadata as { name: string }).name),
      ['p', 'q'],
    );
  });
});
