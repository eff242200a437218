import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Document, parseAllDocuments } from 'yaml';
import { at, first } from '../at.js';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { renderGenerated } from '../gen/render-generated.js';
import type { FieldPath, Range } from '../issues.js';
import { jsonValue, render, withSharing, YAML_OPTIONS } from './arbitrary-yaml.js';
import { handWritten } from './arbitrary-yaml-text.js';
import { loadDocuments, locateInYaml } from './load-documents.js';
import { PositionTape } from './position-tape.js';
import { readFastYaml, readFastYamlDocuments } from './read-fast-yaml.js';
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
        'n/kustomization.yaml',
        'namespace: prod\nresources: [a.yaml]\n',
        /kubectl kustomize .*\(its namespace: prod is not applied to the files read beside it\)$/,
      ],
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
    const table = loadDocuments({ name: '-', text: 'NAME     READY   STATUS\nweb-1    1/1     Running\n' });
    assert.match(first(table.issues).message, /found a string .*kubectl's table output: .*-o yaml$/);
    const typo = loadDocuments({ name: 'p.yaml', text: 'Kind: Pod\nmetadata: {name: a}\n' });
    assert.deepEqual(
      typo.issues.map((i) => i.code),
      ['missing-kind'],
    );
  });

  it('skips an unrendered Helm template with one note, not its dozens of syntax errors', () => {
    const template =
      '{{- if .Values.enabled }}\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {{ include "x.name" . }}\nspec:\n  podSelector: {}\n{{- end }}\n';
    const r = loadDocuments({ name: 'chart/templates/np.yaml', text: template });
    assert.equal(r.ok, true);
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.severity, i.file]),
      [['not-a-manifest', 'info', 'chart/templates/np.yaml']],
    );
    assert.match(first(r.issues).message, /Helm template .*not analyzed.*helm template CHART/);
    // Under a chart's templates/, actions in values alone make it a template too.
    const values = loadDocuments({
      name: 'c/templates/svc.yaml',
      text: 'kind: Service\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    assert.deepEqual(
      values.issues.map((i) => i.code),
      ['not-a-manifest'],
    );
    // Broken YAML without template actions, `{{` that is no action, or a manifest broken by one
    // action inside a value (netpol-analyzer's "document_with_syntax_error") stays a syntax error:
    // skipping that file would analyze the rest without its objects.
    for (const text of [
      'a: [b\n',
      'a: {{b: c}, d\n',
      'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - image: "{{ printf "%s" .x }}"\n',
    ]) {
      const broken = loadDocuments({ name: 'b.yaml', text });
      assert.equal(broken.ok, false, text);
      assert.equal(first(broken.issues).code, 'syntax', text);
    }
    // A template that parses is read and validated like any manifest (a quoted action is a string).
    const parses = loadDocuments({
      name: 't.yaml',
      text: 'apiVersion: v1\nkind: Pod\nmetadata: {name: "{{ .Values.name }}"}\n',
    });
    assert.deepEqual([parses.value.length, parses.issues], [1, []]);
  });

  it('a collection as a key is read without a process warning (yaml would print one)', async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.message);
    process.on('warning', listen);
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {app: {{ .Values.app }}}\n';
    assert.equal(loadDocuments({ name: 'k.yaml', text }).value.length, 1);
    // Node emits warnings on the next tick: listen until then.
    await new Promise((done) => setImmediate(done));
    process.off('warning', listen);
    assert.deepEqual(warnings, []);
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

  it('a document yaml cannot turn into values (an alias bomb): one error over it, the next document kept', () => {
    const bomb = `kind: Pod\nmetadata: &a {name: x}\nspec: [${Array.from({ length: 1001 }, () => '*a').join(', ')}]\n`;
    const r = load(`${bomb}---\nkind: Service\nmetadata: {name: s}\n`);
    assert.deepEqual(
      r.issues.map((i) => [i.code, i.path, i.message, i.range?.[0]]),
      [['syntax', [], 'Excessive alias count indicates a resource exhaustion attack', 0]],
    );
    assert.deepEqual(
      r.value.map((o) => o.kind),
      ['Service'],
    );
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

describe("positions of whole-text YAML from the fast reader's tape", () => {
  /**
   * Every path into every document (each existing one, and one step past it: a missing key,
   * an index past the end, a field under a scalar) is placed where `yaml` places it: the same
   * start, so the same file:line:col, and the same end, except that a block collection's end
   * may differ by comment or blank lines after its last value (`yaml` gives such comments to
   * the node before them by rules of indentation and of what follows). Returns the paths
   * compared, or undefined when the fast reader declined (then `yaml` reads the text).
   */
  function assertTapeLocatesAsYaml(text: string): number | undefined {
    const tape = new PositionTape();
    const docs = readFastYamlDocuments(text, tape);
    if (!docs) return undefined;
    const yamlDocs = parseAllDocuments(text, YAML_OPTIONS) as Document.Parsed[];
    assert.equal(docs.length, yamlDocs.length);
    let compared = 0;
    docs.forEach(({ value, root }, index) => {
      if (value === null) return; // an empty document yields no object: nothing asks where
      for (const path of everyPath(value)) {
        compared++;
        const expected = locateInYaml(at(yamlDocs, index), path);
        const actual: Range | undefined = root < 0 ? undefined : tape.locate(root, value, path);
        if (!expected || !actual) {
          assert.deepEqual(actual, expected, `${path.join('.')} in:\n${text}`);
          continue;
        }
        assert.equal(actual[0], expected[0], `start of ${path.join('.')} in:\n${text}`);
        const between = text.slice(Math.min(actual[1], expected[1]), Math.max(actual[1], expected[1]));
        assert.match(between, /^(?: *(?:#[^\n]*)?(?:\n|$))*$/, `end of ${path.join('.')} in:\n${text}`);
      }
    });
    return compared;
  }

  it('places every path of every example file and of generated clusters as yaml does', () => {
    const root = join(import.meta.dirname, '../../../../examples');
    let taped = 0;
    for (const dir of readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const file of readdirSync(join(root, dir.name)).filter((f) => /\.ya?ml$/.test(f))) {
        if (assertTapeLocatesAsYaml(readFileSync(join(root, dir.name, file), 'utf8')) !== undefined) taped++;
      }
    }
    assert.ok(taped > 20, `${taped} example files read with positions on the tape`);
    for (const [pods, seed] of [
      [60, 1],
      [300, 7],
    ] as const) {
      // `netpol gen` shares each workload's labels (`&a1` … `*a1`): an alias must not decline.
      const text = renderGenerated(generateCluster(genOptionsForPods(pods, { seed })), 'yaml');
      assert.ok((assertTapeLocatesAsYaml(text) ?? 0) > pods * 10, `generated ${pods} pods read with the tape`);
    }
  });

  it('places an empty anchored item just past its anchor, as yaml does', () => {
    // Found by the property below (seed 1834055916): the tape put `- - - &a` at the anchor.
    for (const text of ['a:\n  -\n     "a": \'0\'\n  - - - &a\n---\n', '- &a\n- b\n', 'k:\n  - &x   # c\n  - 1\n']) {
      assert.ok((assertTapeLocatesAsYaml(text) ?? 0) > 0, text);
    }
  });

  it('places every path as yaml does in hand-written YAML (comments, anchors, odd layout)', () => {
    let taped = 0;
    fc.assert(
      fc.property(handWritten(fc.oneof(jsonValue(true), withSharing(jsonValue(true)))), (text) => {
        if (assertTapeLocatesAsYaml(text) !== undefined) taped++;
      }),
      { numRuns: 300 },
    );
    // Flow collections and invalid YAML (which `handWritten` makes often) go to `yaml`.
    assert.ok(taped > 30, `tape taken ${taped} times of 300`);
  });

  it('loads a generated cluster with positions from the tape: an issue at its line:col', () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(60, { seed: 1 })), 'yaml').replace(
      'kind: NetworkPolicy\n',
      'kind: NetworkPolicy\n    bogus: 1\n',
    );
    const r = load(text);
    const yamlDoc = parseAllDocuments(text, YAML_OPTIONS)[0] as Document.Parsed;
    for (const obj of r.value.filter((o) => o.kind === 'NetworkPolicy').slice(0, 3)) {
      for (const path of [['bogus'], ['spec', 'podSelector'], ['metadata', 'name'], ['spec', 'missing']]) {
        const expected = locateInYaml(yamlDoc, [...obj.basePath, ...path]);
        assert.deepEqual(obj.locate(path)?.[0], expected?.[0]);
      }
    }
  });
});

/** Every path into `value`, and one step past each (bounded: a test's inputs are small). */
function everyPath(value: unknown, prefix: FieldPath = [], out: FieldPath[] = []): FieldPath[] {
  if (out.length > 50_000) return out;
  out.push(prefix);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      everyPath(item, [...prefix, i], out);
    });
    out.push([...prefix, value.length]);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) everyPath(child, [...prefix, key], out);
    out.push([...prefix, 'no-such-key', 'x']);
  } else {
    out.push([...prefix, 'under-a-scalar']);
  }
  return out;
}

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
