import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Document, parseAllDocuments } from 'yaml';
import { at, first } from '../at.js';
import type { FieldPath } from '../issues.js';
import { jsonValue, render, YAML_OPTIONS } from './arbitrary-yaml.js';
import { loadDocuments, locateInYaml } from './load-documents.js';
import { readFastYaml } from './read-fast-yaml.js';
import { positionOf } from './source.js';

const load = (text: string) => {
  const source = { name: 'm.yaml', text };
  return { source, ...loadDocuments(source) };
};

describe('loadDocuments', () => {
  it('reads a multi-document YAML stream and skips empty documents', () => {
    const r = load('kind: Pod\nmetadata: {name: a}\n---\n---\nkind: Service\nmetadata: {name: s}\n');
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.value.map((o) => o.kind),
      ['Pod', 'Service'],
    );
  });

  it('expands kind: List and typed lists, taking the item kind from the list', () => {
    const r = load(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'a' } }] }));
    assert.equal(first(r.value).kind, 'Pod');
    assert.equal(first(r.value).apiVersion, 'v1');
    assert.deepEqual(first(r.value).basePath, ['items', 0]);
    const l = load('kind: List\nitems:\n- kind: Namespace\n  metadata: {name: x}\n');
    assert.equal(first(l.value).kind, 'Namespace');
  });

  it('flattens a List inside a List, as kubectl apply does (FlattenListVisitor)', () => {
    const inner = { kind: 'List', apiVersion: 'v1', items: [{ kind: 'NetworkPolicy', metadata: { name: 'deep' } }] };
    const typed = { kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'p' } }] };
    const r = load(JSON.stringify({ kind: 'List', apiVersion: 'v1', items: [inner, typed] }));
    assert.deepEqual(
      r.value.map((o) => [o.kind, o.basePath]),
      [
        ['NetworkPolicy', ['items', 0, 'items', 0]],
        ['Pod', ['items', 1, 'items', 0]],
      ],
    );
    assert.equal(first(r.value).locate(['metadata', 'name'])?.[0], r.source.text.indexOf('"name":"deep"'));
    assert.deepEqual(r.issues, []);
  });

  it('skips a file with no Kubernetes object (Helm values, Chart.yaml, kustomization) with one note', () => {
    const cases: [string, string, RegExp][] = [
      ['chart/values.yaml', 'replicaCount: 2\nimage: {repository: nginx}\n---\n', /Helm chart file.*helm template/],
      ['chart/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n', /Helm chart file/],
      ['k/kustomization.yaml', 'resources: [a.yaml]\n', /kustomization.*kubectl kustomize/],
      [
        'k/kust.yaml',
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n',
        /kubectl kustomize/,
      ],
      ['ci.yaml', 'stages: [build]\n', /no Kubernetes object in this file/],
    ];
    for (const [name, text, message] of cases) {
      const r = loadDocuments({ name, text });
      assert.equal(r.ok, true, name);
      assert.deepEqual(r.value, [], name);
      assert.deepEqual(
        r.issues.map((i) => [i.code, i.severity, i.file]),
        [['not-a-manifest', 'info', name]],
        name,
      );
      assert.match(first(r.issues).message, message, name);
    }
    // A manifest with a mistake is still reported, not skipped: it has metadata; a list is no config.
    assert.equal(first(loadDocuments({ name: 'l.yaml', text: '- a\n' }).issues).code, 'not-an-object');
    const typo = loadDocuments({ name: 'p.yaml', text: 'Kind: Pod\nmetadata: {name: a}\n' });
    assert.deepEqual(
      typo.issues.map((i) => i.code),
      ['missing-kind'],
    );
  });

  it('locates a field path at its key, falling back to the nearest ancestor', () => {
    const text =
      'kind: NetworkPolicy\nmetadata:\n  name: p\nspec:\n  ingress:\n  - ports:\n    - port: 80\n      endPort: 70\n';
    const r = load(text);
    const obj = first(r.value);
    const at = (path: (string | number)[]) => positionOf(r.source, obj.locate(path)![0]);
    assert.deepEqual(at(['spec', 'ingress', 0, 'ports', 0, 'endPort']), { line: 8, col: 7 });
    assert.deepEqual(at(['spec', 'ingress', 0, 'ports', 0, 'protocol']), { line: 7, col: 7 });
  });

  it('locates fields inside JSON read on the fast path', () => {
    const text = '{\n "kind": "List",\n "items": [\n  {"kind": "Pod", "metadata": {"name": "a"}}\n ]\n}\n';
    const r = load(text);
    assert.deepEqual(positionOf(r.source, first(r.value).locate(['metadata', 'name'])![0]), { line: 4, col: 32 });
  });

  it('reports syntax errors with a position instead of throwing', () => {
    const r = load('kind: Pod\nmetadata:\n  name: [a\n');
    assert.equal(r.ok, false);
    assert.equal(first(r.issues).code, 'syntax');
    assert.ok(first(r.issues).range);
  });

  it('reports a document without kind, and a scalar document', () => {
    const r = load('metadata: {name: a}\n---\n42\n');
    assert.deepEqual(
      r.issues.map((i) => i.code),
      ['missing-kind', 'not-an-object'],
    );
  });

  it('reads YAML 1.1 booleans as kubectl does', () => {
    const r = load('kind: Pod\nmetadata:\n  name: a\n  labels: {enabled: yes}\n');
    assert.equal((first(r.value).value.metadata as { labels: { enabled: unknown } }).labels.enabled, true);
  });

  it('locates fields of fast-read YAML exactly where yaml puts them, on random paths', () => {
    const object = jsonValue(true).map((value) => ({ apiVersion: 'v1', kind: 'Pod', ...(value as object) }));
    const stream = fc.oneof(
      object.map((o) => [o]),
      fc.array(object, { minLength: 1, maxLength: 3 }),
      fc.array(object, { maxLength: 3 }).map((items) => [{ apiVersion: 'v1', kind: 'List', items }]),
    );
    let fast = 0;
    fc.assert(
      fc.property(
        stream,
        fc.constantFrom('gen', 'kubectl'),
        fc.array(fc.nat(), { maxLength: 6 }),
        (docs, style, picks) => {
          const text = docs.map((d) => render(d, style)).join('---\n');
          if (readFastYaml(text)) fast++;
          const yamlDocs = parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[];
          for (const obj of load(text).value) {
            for (const path of [pathsIn(obj.value, picks), [...pathsIn(obj.value, picks), 'missing']]) {
              const expected = locateInYaml(at(yamlDocs, obj.docIndex), [...obj.basePath, ...path]);
              assert.deepEqual(
                obj.locate(path),
                expected ?? [at(yamlDocs, obj.docIndex).range[0], at(yamlDocs, obj.docIndex).range[0] + 1],
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
    assert.ok(fast > 150, `fast path taken ${fast} times of 200`);
  });
});

/** A path into `value` chosen by `picks` (each pick indexes the keys or items at its level). */
function pathsIn(value: unknown, picks: number[]): FieldPath {
  const path: (string | number)[] = [];
  for (const pick of picks) {
    if (Array.isArray(value) && value.length > 0) {
      path.push(pick % value.length);
      value = value[pick % value.length];
    } else if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
      const key = at(Object.keys(value), pick % Object.keys(value).length);
      path.push(key);
      value = (value as Record<string, unknown>)[key];
    } else break;
  }
  return path;
}
