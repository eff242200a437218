import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getHeapSnapshot, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { at } from '../at.js';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { renderGenerated } from '../gen/render-generated.js';
import type { FieldPath } from '../issues.js';
import { type ListLayout, loadDocumentsLaidOut, rereadList } from './list-layout.js';
import { loadDocuments } from './load-documents.js';
import type { LoadedObject } from './loaded-object.js';
import { positionOf, type SourceFile } from './source.js';

/** Block-style items at column 2, as `netpol gen` writes them; two share an anchor across items. */
const ITEMS = [
  '  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: shop\n      labels:\n        team: a\n',
  '  - apiVersion: v1\n    kind: Pod\n    metadata:\n      name: web\n      namespace: shop\n      labels: &web\n        app: web\n    spec:\n      nodeName: n\n',
  '  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: api\n    spec:\n      selector:\n        matchLabels: &a1\n          app: api\n      template:\n        metadata:\n          labels: *a1\n',
  '  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: p\n      namespace: shop\n    spec:\n      podSelector:\n        matchLabels:\n          app: web\n',
  '  # a comment between items\n  - kind: List\n    items:\n      - apiVersion: v1\n        kind: Namespace\n        metadata:\n          name: inner\n',
  '  - apiVersion: v1\n    kind: Service\n    metadata:\n      name: s\n    spec:\n      ports:\n        - port: 80\n',
  '  - apiVersion: networking.k8s.io/v1\n    kind: NetworkPolicy\n    metadata:\n      name: q\n    spec:\n      podSelector:\n        matchLabels: *web\n',
  '  - just a scalar\n',
];

/** Items that read without issues (the last two: an alias of another item's anchor, a scalar). */
const CLEAN = ITEMS.slice(0, -2);

/** What an edit may write: items, lines that continue an item, and (less often) what breaks the List's shape or its reading. */
const INSERTS = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      ...CLEAN,
      '',
      '\n',
      '# c\n',
      ' # note',
      '    extra: 1\n',
      '    extra: 2\n',
      '      deeper: x\n',
    ),
  },
  fc.constantFrom(
    ...ITEMS.slice(-2),
    'kind: List\n',
    '---\n',
    '...\n',
    '%YAML 1.1\n',
    '  - \n',
    'x',
    ' ',
    '-',
    ': ',
    '*web',
    '&web ',
    '"',
    '\t',
    '[a, b]',
    'items: []\n',
  ),
);

const list = (items: string[], tail = '') => `apiVersion: v1\nkind: List\nitems:\n${items.join('')}${tail}`;

/**
 * An edit of a text: replace `length` characters at `at` with one of INSERTS, or (`lines`)
 * `length % 3` whole lines from the line holding `at` (what an editor's line edits do).
 */
const edit = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      at: fc.nat(),
      length: fc.nat({ max: 40 }),
      lines: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, fc.constant(false)),
      insert: INSERTS,
    }),
  },
  // Characters replaced by as many others (8080 -> 8087), line breaks among them: the items
  // after stay where they were only when every line break does.
  fc.record({
    at: fc.nat(),
    length: fc.constant(-1),
    lines: fc.constant(false),
    insert: fc.string({ unit: fc.constantFrom('7', 'x', ' ', '\n', ':', '-'), minLength: 1, maxLength: 3 }),
  }),
);

function apply(text: string, e: { at: number; length: number; lines: boolean; insert: string }): string {
  if (e.length < 0) {
    const from = e.at % (text.length + 1);
    return text.slice(0, from) + e.insert.slice(0, text.length - from) + text.slice(from + e.insert.length);
  }
  let from = e.at % (text.length + 1);
  let to = from + e.length;
  if (e.lines) {
    from = text.lastIndexOf('\n', from - 1) + 1;
    to = from;
    for (let k = 0; k < e.length % 3; k++) {
      const nl = text.indexOf('\n', to);
      to = nl < 0 ? text.length : nl + 1;
    }
  }
  return text.slice(0, from) + e.insert + text.slice(to);
}

const PATHS: FieldPath[] = [
  [],
  ['metadata'],
  ['metadata', 'name'],
  ['metadata', 'labels', 'app'],
  ['spec'],
  ['spec', 'podSelector', 'matchLabels'],
  ['spec', 'ports', 0, 'port'],
  ['nope', 3],
];

/** Everything a load gives that others read: objects, their places, issues. */
function observed(objects: readonly LoadedObject[], issues: unknown) {
  return {
    objects: objects.map((o) => ({
      source: o.source.name,
      docIndex: o.docIndex,
      basePath: o.basePath,
      kind: o.kind,
      apiVersion: o.apiVersion,
      value: o.value,
      ranges: PATHS.map((path) => o.locate(path)),
    })),
    issues,
  };
}

function ensure<T>(value: T | undefined): T {
  assert.ok(value);
  return value;
}

/** Line:col of each object's paths, read from its source (or from `text`). */
function positions(objects: readonly LoadedObject[], text?: string) {
  return objects.map((o) =>
    PATHS.map((path) => {
      const range = o.locate(path);
      return range && positionOf(text === undefined ? o.source : { name: o.source.name, text }, range[0]);
    }),
  );
}

describe('rereadList (an edit of a List re-reads only its changed items)', () => {
  it('any sequence of edits read item by item equals reading each text whole (objects, ranges, issues)', () => {
    let reread = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...CLEAN) }, fc.constantFrom(...ITEMS)), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom('', 'metadata:\n  resourceVersion: ""\n', '# end\n'),
        fc.array(edit, { minLength: 1, maxLength: 5 }),
        (items, tail, edits) => {
          let text = list(items, tail);
          let layout: ListLayout | undefined = loadDocumentsLaidOut({ name: 'l.yaml', text }).layout;
          // Every layout so far: an object kept by an edit is read from the latest text, and
          // must still read the same line:col as in each earlier text that holds it.
          const earlier: ListLayout[] = layout ? [layout] : [];
          for (const e of edits) {
            text = apply(text, e);
            const source = { name: 'l.yaml', text };
            const again = layout && rereadList(layout, source);
            const whole = loadDocuments(source);
            if (again) {
              reread++;
              assert.deepEqual(observed(again.loaded.value, again.loaded.issues), observed(whole.value, whole.issues));
              assert.equal(again.loaded.ok, whole.ok);
              layout = again.layout;
            } else {
              layout = loadDocumentsLaidOut(source).layout;
            }
            if (layout) earlier.push(layout);
            for (const one of earlier)
              assert.deepEqual(positions(one.objects.flat()), positions(one.objects.flat(), one.text));
          }
        },
      ),
      { numRuns: 400 },
    );
    // The property holds because items were re-read, not because every edit fell back.
    assert.ok(reread > 50, `only ${reread} edits were re-read item by item`);
  });

  it('keeps the objects of items before the edit and moves those after it', () => {
    const items = [ITEMS[0], ITEMS[1], ITEMS[3], ITEMS[5]] as string[];
    const text = list(items);
    const first = loadDocumentsLaidOut({ name: 'l.yaml', text });
    assert.ok(first.layout);
    // A line added inside the third item (the NetworkPolicy): later offsets move by its length.
    const added = '      policyTypes:\n        - Ingress\n';
    const where = text.indexOf('    spec:\n      podSelector') + '    spec:\n'.length;
    const edited = { name: 'l.yaml', text: text.slice(0, where) + added + text.slice(where) };
    const again = rereadList(first.layout, edited);
    assert.ok(again);
    const before = first.loaded.value;
    const after = again.loaded.value;
    assert.equal(after[0], before[0]);
    assert.equal(after[1], before[1]);
    assert.notEqual(after[2]?.value, before[2]?.value);
    assert.deepEqual(at(after, 2).value.spec, {
      policyTypes: ['Ingress'],
      podSelector: { matchLabels: { app: 'web' } },
    });
    assert.deepEqual(after[2]?.locate(['spec', 'policyTypes']), [where + 6, where + added.length]);
    assert.equal(after[3]?.value, before[3]?.value, 'an item after the edit keeps its value');
    assert.equal(again.carried.get(after[3] as LoadedObject), before[3]);
    const port = after[3]?.locate(['spec', 'ports', 0, 'port']);
    assert.equal(port?.[0], edited.text.indexOf('port: 80'));
  });

  it('keeps the objects after the edit too when it kept every line start (a digit replaced), read from the new text', () => {
    const items = [ITEMS[0], ITEMS[3], ITEMS[5], ITEMS[1]] as string[];
    // A comment on the first line first: every object is then one an edit placed (not the input's).
    const text = list(items).replace('\n', ' # c\n');
    const first = rereadList(ensure(loadDocumentsLaidOut({ name: 'l.yaml', text: list(items) }).layout), {
      name: 'l.yaml',
      text,
    });
    const layout = ensure(first?.layout);
    const before: readonly LoadedObject[] = ensure(first).loaded.value;
    const where = text.indexOf('port: 80') + 'port: 8'.length;
    const edits: [string, string, boolean][] = [
      ['a digit replaced', `${text.slice(0, where)}7${text.slice(where + 1)}`, true],
      [
        'a line break added for a space (as many characters)',
        text.replace('      ports:\n        - port', '      ports:\n\n       - port'),
        false,
      ],
    ];
    for (const [what, edited, stay] of edits) {
      const source = { name: 'l.yaml', text: edited };
      const again = rereadList(layout, source);
      assert.ok(again, what);
      const after = again.loaded.value;
      assert.equal(after[0], before[0], what);
      assert.equal(after[1], before[1], what);
      assert.notEqual(after[2], before[2], what);
      assert.equal(after[3] === before[3], stay, what);
      assert.equal(at(after, 3).source, source, what);
    }
  });

  it('keeps nothing of the texts and layouts before the last edit (the web UI edits one file many times)', async () => {
    // The objects of a re-read item once kept the whole re-read's scope (the layout before,
    // its text), so every edit kept all the edits before it: 7.8 MB an edit of a 3 MB file;
    // and items an edit read, left before the next edit, kept that edit's text.
    setFlagsFromString('--expose-gc'); // gc() in a new context (the runner passes no --expose-gc)
    const gc = runInNewContext('gc') as () => void;
    const one = list([ITEMS[0], ITEMS[1], ITEMS[3], ITEMS[5], ITEMS[0]] as string[]);
    const ports = ['port: 81', 'port: 8080', 'port: 82', 'port: 9', 'port: 443'];
    const names = [0, 1, 2, 3, 4];
    const namespaces = list(
      names.map((k) => `  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: n${k}\n`),
    );
    const cases: [string, string, string[]][] = [
      ['one item edited again and again', one, ports.map((port) => one.replace('port: 80', port))],
      [
        'an edit of each item, down the List',
        namespaces,
        names.map((k) =>
          names.slice(0, k + 1).reduce((t, n) => t.replace(`name: n${n}\n`, `name: m${n}\n`), namespaces),
        ),
      ],
    ];
    for (const [what, text, texts] of cases) {
      const sources: WeakRef<object>[] = [];
      const layouts: WeakRef<object>[] = [];
      // In a function of its own: the test's frame may hold an earlier edit's values meanwhile.
      const edit = (layout: ListLayout | undefined, source: SourceFile, next: SourceFile) => {
        assert.ok(layout);
        sources.push(new WeakRef(source));
        layouts.push(new WeakRef(layout));
        const again = rereadList(layout, next);
        assert.ok(again?.layout, `${what}: re-read item by item`);
        return { layout: again.layout, source: next };
      };
      const first: SourceFile = { name: 'l.yaml', text };
      let current = { source: first, layout: loadDocumentsLaidOut(first).layout };
      for (const edited of texts) current = edit(current.layout, current.source, { name: 'l.yaml', text: edited });
      const { layout, source } = current;
      // WeakRefs made (or dereferenced) in a turn hold their targets until it ends; a few
      // collections, as another test's work may still hold them for one.
      for (let k = 0; k < 3; k++) {
        await new Promise((resolve) => setImmediate(resolve));
        gc();
      }
      // The first text stays (the input's): items no edit read are still those it gave.
      const kept = (refs: WeakRef<object>[]) => refs.flatMap((ref, k) => (ref.deref() ? [k] : []));
      assert.deepEqual({ sources: kept(sources), layouts: kept(layouts) }, { sources: [0], layouts: [] }, what);
      const objects = layout?.objects.flat() ?? [];
      assert.deepEqual(
        objects.filter((o) => o.source !== source && o.source !== first).map((o) => o.basePath),
        [],
        what,
      );
      assert.deepEqual(
        objects.map((o) => source.text.slice(...(o.locate(['metadata', 'name']) ?? [0, 0]))),
        loadDocuments(source).value.map((o) => source.text.slice(...(o.locate(['metadata', 'name']) ?? [0, 0]))),
        what,
      );
    }
  });

  it('keeps no earlier edit text in the strings its items read (edits down a long List)', async () => {
    // Strings read from a slice of an edit's text kept that whole text (V8's sliced strings),
    // as long as the item stayed: an edit of each item kept every text. Only a heap snapshot
    // sees strings: it counts those as long as the texts.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const names = [0, 1, 2, 3, 4];
    const item = (k: number, v: string) =>
      `  - apiVersion: v1\n    kind: Namespace\n    metadata:\n      name: n${k}\n      labels:\n        team: ${v}-${k}\n`;
    const tail = `# ${'x'.repeat(123_457)}\n`;
    const base = list(
      names.map((k) => item(k, 'a-long-team-name')),
      tail,
    );
    // Made when asked, so that only the layouts hold them.
    const textAt = (edits: number) =>
      list(
        names.map((k) => item(k, k < edits ? 'another-long-team-name' : 'a-long-team-name')),
        tail,
      );
    const edit = (layout: ListLayout | undefined, k: number) => {
      assert.ok(layout);
      return rereadList(layout, { name: 'l.yaml', text: textAt(k) })?.layout;
    };
    let layout = loadDocumentsLaidOut({ name: 'l.yaml', text: base }).layout;
    for (const k of names) layout = edit(layout, k + 1);
    assert.deepEqual(
      layout?.objects.flat().map((o) => (o.value.metadata as { labels: unknown }).labels),
      names.map((k) => ({ team: `another-long-team-name-${k}` })),
    );
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    let json = '';
    for await (const chunk of getHeapSnapshot()) json += chunk;
    const snapshot = JSON.parse(json) as {
      snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
      nodes: number[];
    };
    const { node_fields: fields, node_types: types } = snapshot.snapshot.meta;
    const [type, size] = [fields.indexOf('type'), fields.indexOf('self_size')];
    const lengths: number[] = [];
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      const bytes = snapshot.nodes[i + size] as number;
      if (
        types[0][snapshot.nodes[i + type] as number]?.includes('string') &&
        bytes >= base.length &&
        bytes < base.length + 64
      )
        lengths.push(bytes);
    }
    // The first text (the test's `base`) and the last (the layout's).
    assert.equal(lengths.length, 2, `texts kept: ${lengths.length}`);
  });

  it('reads the whole text again when an edit reaches the head, crosses items with an anchor, or adds a document', () => {
    const text = list([ITEMS[0], ITEMS[1], ITEMS[6], ITEMS[3]] as string[]);
    const { layout } = loadDocumentsLaidOut({ name: 'l.yaml', text });
    assert.ok(layout);
    const cases: [string, string][] = [
      ['the head', text.replace('kind: List', 'kind: Lists')],
      ['an anchor in the head', text.replace('kind: List', 'kind: &k List')],
      [
        'an anchor aliased by another item',
        text.replace('labels: &web\n        app: web', 'labels: &web\n        app: api'),
      ],
      ['a document marker', `${text}---\n`],
      ['every item removed', 'apiVersion: v1\nkind: List\nitems:\n'],
      ['a line the fast reader declines', text.replace('team: a', 'team: "a\n  b"')],
      ['an item indented further', text.replace('  - apiVersion: networking', '   - apiVersion: networking')],
      [
        "a space before the next item's dash",
        text.replace(/\n {2}- apiVersion: networking/, '\n   - apiVersion: networking'),
      ],
    ];
    for (const [what, edited] of cases)
      assert.equal(rereadList(layout, { name: 'l.yaml', text: edited }), undefined, what);
    // An item whose aliases expand past the text's budget (the "billion laughs" shape).
    const strings = Array.from({ length: 100 }, (_, k) => `        - ${String(k).padStart(1000, 'a')}\n`).join('');
    const laughs = `  - apiVersion: v1\n    kind: ConfigMap\n    data: &x\n${strings}    more:\n${'      - *x\n'.repeat(100)}`;
    const expanded = text.replace('  - apiVersion: v1\n    kind: Pod', `${laughs}  - apiVersion: v1\n    kind: Pod`);
    assert.match(loadDocuments({ name: 'l.yaml', text: expanded }).issues[0]?.message ?? '', /expan|alias|large/i);
    assert.equal(rereadList(layout, { name: 'l.yaml', text: expanded }), undefined, 'over the expansion budget');
    // A tail the edit reaches through the line it starts (a space before `metadata:`).
    const tailed = list([ITEMS[0], ITEMS[3]] as string[], 'metadata:\n  resourceVersion: ""\n');
    const laid = loadDocumentsLaidOut({ name: 'l.yaml', text: tailed }).layout;
    assert.ok(laid);
    const spaced = tailed.replace('\nmetadata:', '\n metadata:');
    assert.equal(rereadList(laid, { name: 'l.yaml', text: spaced }), undefined);
  });

  it('re-reads one item of a generated cluster (texts longer than a compared block) as a whole read gives it', () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(300, { seed: 2 })), 'yaml');
    const { layout } = loadDocumentsLaidOut({ name: 'g.yaml', text });
    assert.ok(layout);
    const middle = text.indexOf('kind: NetworkPolicy', text.length / 2);
    const edits = [
      text.slice(0, middle) + text.slice(middle).replace('port: ', 'port: 1'),
      text.slice(0, middle) +
        text.slice(middle).replace('\n    metadata:\n', '\n    metadata:\n      annotations:\n        note: x\n'),
      `${text}# the end\n`,
      text.replace('\n', ' # the first line\n'),
    ];
    for (const edited of edits) {
      const source = { name: 'g.yaml', text: edited };
      const again = rereadList(layout, source);
      assert.ok(again);
      const whole = loadDocuments(source);
      assert.deepEqual(observed(again.loaded.value, again.loaded.issues), observed(whole.value, whole.issues));
      assert.ok(again.carried.size > 0 || edited.startsWith(text), 'items after the edit were moved, not read');
      assert.ok(again.layout, 'the next edit re-reads items too');
    }
  });
});
