import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { atLeast, first } from '../at.js';
import { arbitraryClusterObjects } from '../engine/arbitrary-cluster.js';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { podDumpChunks } from '../gen/generate-pod-dump.js';
import { SUPPORTED_KINDS } from '../model/kinds.js';
import { loadDocuments } from './load-documents.js';
import { createJsonStreamReader, type StreamedSource } from './read-json-stream.js';
import { positionOf } from './source.js';
import { assertStreamedAsText, streamThrough } from './test-helpers.js';

/** `text` streamed in chunks of the given sizes (cycled), as a file or a pipe delivers it. */
function stream(text: string, sizes: readonly number[] = [65536], name = 'in.json'): StreamedSource {
  return streamThrough(
    createJsonStreamReader(name, (kind) => SUPPORTED_KINDS.includes(kind)),
    text,
    sizes,
  );
}

/** The streamed read of `text` loads the same cluster, with the same issues at the same places. */
function assertSameAsText(text: string, sizes?: readonly number[]) {
  return assertStreamedAsText(text, 'in.json', stream(text, sizes));
}

function dumpText(pods: number): string {
  return [...podDumpChunks(generateCluster(genOptionsForPods(pods, { seed: 5 })) as { items: [] })].join('');
}

describe('createJsonStreamReader: the same as reading the whole text', () => {
  const dump = dumpText(60);

  test('a kubectl-style pod dump (managedFields, status, env dropped) in 1 MiB, 4 KiB and odd chunks', () => {
    for (const sizes of [[1 << 20], [4096], [1, 7, 300, 4093]]) {
      const { streamed } = assertSameAsText(dump, sizes);
      assert.ok(streamed.ok);
      assert.ok(streamed.value.cluster.pods.length >= 60);
    }
    // The dropped fields are gone: the point of streaming.
    const pod = stream(dump).streamed.objects.find((o) => o.kind === 'Pod');
    assert.ok(pod);
    assert.deepEqual(Object.keys(pod.value).sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.equal('managedFields' in (pod.value.metadata as object), false);
    assert.deepEqual(Object.keys(pod.value.status as object).sort(), ['hostIP', 'phase', 'podIP', 'podIPs']);
    assert.deepEqual((pod.value.metadata as { annotations: object }).annotations, {});
  });

  test('the generated cluster and every example (as one JSON List) stream alike', () => {
    assertSameAsText(JSON.stringify(generateCluster(genOptionsForPods(200, { seed: 2 })), null, 2), [999]);
    const root = join(import.meta.dirname, '../../../../examples');
    for (const dir of readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)) {
      const files = readdirSync(join(root, dir)).filter((f) => /\.ya?ml$/.test(f) && f !== 'expect.yaml');
      const items = files.flatMap((f) =>
        loadDocuments({ name: f, text: readFileSync(join(root, dir, f), 'utf8') }).value.map((o) => o.value),
      );
      assertSameAsText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2), [257]);
    }
  });

  test('random clusters, random chunk sizes, one line or pretty', () => {
    fc.assert(
      fc.property(
        arbitraryClusterObjects(),
        fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (objects, sizes, pretty) => {
          assertSameAsText(
            JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, pretty ? 2 : 0),
            sizes,
          );
        },
      ),
      { numRuns: 60, seed: 1818 },
    );
  });

  test('validation errors in kept fields point at the same line:col', () => {
    const text = JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'a', labels: { 'bad key!': 'x' } },
            spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }] },
          },
          {
            apiVersion: 'networking.k8s.io/v1',
            kind: 'NetworkPolicy',
            metadata: { name: 'p' },
            spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 70 }] }], bogus: 1 },
          },
        ],
      },
      null,
      2,
    );
    const { whole } = assertSameAsText(text, [13]);
    assert.ok(whole.issues.filter((i) => i.severity === 'error').length >= 3);
  });

  test('objects not in a List, a JSON stream of several, a typed list whose items lack kind, a nested List', () => {
    const pod = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'x' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    assertSameAsText(JSON.stringify(pod('a'), null, 2), [5]);
    assertSameAsText(
      JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'a' }, spec: pod('a').spec }] }),
      [3],
    );
    assertSameAsText(JSON.stringify({ kind: 'List', items: [pod('a'), { kind: 'List', items: [pod('b'), 7] }] }), [11]);
    // Several top-level values: each is a document, as loadDocuments reads the stream via YAML.
    const several = stream(`${JSON.stringify(pod('a'))}\n${JSON.stringify(pod('b'))}\n`, [9]);
    assert.deepEqual(
      several.streamed.objects.map((o) => [o.docIndex, (o.value.metadata as { name: string }).name]),
      [
        [0, 'a'],
        [1, 'b'],
      ],
    );
  });

  test('positions of kept fields, with integer-like label keys (JavaScript orders those first)', () => {
    const text =
      '{"kind":"List","items":[\n{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"b":"1","7":"x!"}}}\n]}';
    const { source, streamed, whole } = assertSameAsText(text);
    const range = first(streamed.value.objects).locate(['metadata', 'labels', 'b']);
    assert.ok(range);
    assert.deepEqual(positionOf(source, range[0]), { line: 2, col: 66 });
    assert.deepEqual(range, first(whole.value.objects).locate(['metadata', 'labels', 'b']));
  });
});

describe('createJsonStreamReader: bad JSON is one syntax error at its line:col, never a crash', () => {
  const pod =
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c","image":"i"}]}}';
  for (const [name, text, line, col] of [
    ['cut short', `{"kind":"List","items":[\n${pod},\n${pod.slice(0, 40)}`, 3, 40],
    ['a missing comma between items', `{"kind":"List","items":[\n${pod}\n${pod}]}`, 3, 1],
    ['a trailing comma in items', `{"kind":"List","items":[\n${pod},\n]}`, 3, 1],
    [
      'a bad literal in a dropped field',
      `{"kind":"List","items":[\n{"kind":"Pod","status":{"conditions":[tru]}}]}`,
      2,
      39,
    ],
    ['a control character in a dropped string', `{"kind":"List","items":[\n{"kind":"Pod","x":"a\u0001"}]}`, 2, 21],
    ['a duplicate key', `{"kind":"List","items":[\n{"kind":"Pod","metadata":{"name":"a","name":"b"}}]}`, 2, 38],
    [
      'nesting 5,000 deep in a dropped field',
      `{"kind":"List","items":[\n{"kind":"Pod","x":${'['.repeat(5000)}${']'.repeat(5000)}}]}`,
      2,
      1017,
    ],
    ['an unterminated string', `{"kind":"List","items":[\n{"kind":"Pod","metadata":{"name":"a}}]}\n`, 2, 40],
    ['garbage after the value', `${pod}\nx`, 2, 1],
  ] as const) {
    test(name, () => {
      for (const sizes of [[1 << 16], [3]]) {
        const source = stream(text, sizes);
        const errors = source.streamed.issues.filter((i) => i.severity === 'error');
        assert.equal(errors.length, 1, JSON.stringify(errors));
        const [error] = atLeast(errors, 1);
        assert.equal(error.code, 'syntax');
        assert.ok(error.range);
        assert.deepEqual(positionOf(source, error.range[0]), { line, col }, error.message);
      }
    });
  }
});

describe('createJsonStreamReader: a value larger than any object is refused, not held', () => {
  const POD =
    '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i"}]}}';
  const read = (text: string, sizes: readonly number[]) =>
    streamThrough(
      createJsonStreamReader('in.json', (kind) => SUPPORTED_KINDS.includes(kind), { maxUnitBytes: 1024 }),
      text,
      sizes,
    );
  const rows: [string, string, string][] = [
    ['an endless string in a List item', `{"kind":"List","items":[${POD},\n{"a":"${'x'.repeat(5000)}`, '2:1'],
    ['a root object', `${POD}\n{"kind":"Pod","metadata":{"name":"${'y'.repeat(5000)}"}}`, '2:1'],
  ];
  for (const [name, text, at] of rows) {
    test(name, () => {
      for (const sizes of [[100], [333], [1, 700]]) {
        const source = read(text, sizes);
        const errors = source.streamed.issues.filter((i) => i.severity === 'error');
        assert.deepEqual(
          errors.map((i) => i.message),
          [
            'one value of more than 0.0009765625 MiB (read as a stream, each root or List item is held whole): no Kubernetes object is near that size',
          ],
          `${name} ${sizes}`,
        );
        const { line, col } = positionOf(source, atLeast(errors, 1)[0].range?.[0] ?? -1);
        assert.equal(`${line}:${col}`, at, `${name} ${sizes}`);
        assert.deepEqual(
          source.streamed.objects.map((o) => (o.value.metadata as { name: string }).name),
          ['p'],
          'what came before is read',
        );
      }
    });
  }
});
