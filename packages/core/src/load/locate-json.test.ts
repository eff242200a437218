import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isSeq, parseDocument } from 'yaml';
import { at } from '../at.js';
import type { FieldPath, Range } from '../issues.js';
import { loadDocuments } from './load-documents.js';
import { createJsonLocator } from './locate-json.js';

/** Every path into a JSON value, plus one missing child per container. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): FieldPath[] {
  const out: FieldPath[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...prefix, i]));
    out.push([...prefix, value.length], [...prefix, 'x']);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...prefix, k]));
    out.push([...prefix, 'missing'], [...prefix, 0]);
  } else {
    out.push([...prefix, 'below-a-scalar']);
  }
  return out;
}

/** The YAML library's view of the same path (the locator JSON used to go through). */
function yamlRange(text: string, path: FieldPath): Range | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking a YAML AST
  let node: any = parseDocument(text).contents;
  let range: Range = [node.range[0], node.range[1]];
  for (const key of path) {
    if (isMap(node)) {
      // biome-ignore lint/suspicious/noExplicitAny: scalar keys
      const pair = node.items.find((p: any) => String(p.key.value) === String(key));
      if (!pair) return range;
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      const value: any = pair.value;
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      range = [(pair.key as any).range[0], value.range[1]];
      node = value;
    } else if (isSeq(node) && typeof key === 'number' && node.items[key]) {
      // biome-ignore lint/suspicious/noExplicitAny: yaml node
      const item: any = node.items[key];
      range = [item.range[0], item.range[1]];
      node = item;
    } else {
      return range;
    }
  }
  return range;
}

const SAMPLES = [
  '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a","labels":{"x":"1"}}},{"kind":"Pod"}]}',
  '  {\n  "a" : [ 1 , -2.5e3, true, false, null, "s\\"q\\\\", [], {} ],\n\t"b": {"c\\u0041": {"d": [[0], [1, [2]]]}},\n  "e": "}]{["\n}\n',
  '[{"x": 1}, {"y": [true]}]',
];

describe('createJsonLocator', () => {
  for (const [n, text] of SAMPLES.entries()) {
    it(`agrees with the YAML locator on every path of sample ${n}`, () => {
      const locate = createJsonLocator(text);
      const paths = pathsOf(JSON.parse(text));
      assert.ok(paths.length > 10);
      for (const path of paths) {
        assert.deepEqual(locate(path)?.[0], yamlRange(text, path)?.[0], `start of ${JSON.stringify(path)}`);
        assert.deepEqual(locate(path)?.[1], yamlRange(text, path)?.[1], `end of ${JSON.stringify(path)}`);
      }
    });
  }

  it('keeps the last of repeated keys, as JSON.parse does', () => {
    const text = '{"a": 1, "a": 22}';
    assert.deepEqual(createJsonLocator(text)(['a']), [9, 16]);
  });

  it('serves loadDocuments: a field of the 500th item of a big list', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ kind: 'Pod', metadata: { name: `p${i}` } }));
    const text = JSON.stringify({ kind: 'List', items }, null, 1);
    const objects = loadDocuments({ name: 'l.json', text }).value;
    const range = at(objects, 500).locate(['metadata', 'name']);
    assert.ok(range);
    assert.equal(text.slice(range[0], range[1]), '"name": "p500"');
  });
});
