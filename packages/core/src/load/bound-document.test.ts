import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, first } from '../at.js';
import { flowNestingExcess, MAX_NESTING } from './bound-document.js';
import { loadDocuments } from './load-documents.js';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n';
const POD_JSON =
  '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c","image":"i"}]}';

/** Line and column (1-based) of an issue's range start. */
function lineCol(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${at(before, before.length - 1).length + 1}`;
}

function load(name: string, text: string) {
  const { value, issues } = loadDocuments({ name, text });
  return {
    objects: value.length,
    issues: issues.map((i) => ({ code: i.code, message: i.message, at: i.range ? lineCol(text, i.range[0]) : '' })),
  };
}

describe('load bounds (issue 16, items 3 and 16)', () => {
  const aliasBomb = `${POD}x:\n  a: &a [${Array.from({ length: 2500 }, (_, i) => `s${i}`).join(',')}]\n  b: [${Array.from({ length: 899 }, () => '*a').join(',')}]\n`;
  const rows: [string, string, string, RegExp | undefined, string?][] = [
    ['an anchor of 2,500 strings aliased 899 times', 'bomb.yaml', aliasBomb, /aliases expand/, '7:'],
    ['a few aliases are fine', 'few.yaml', `${POD}x:\n  a: &a [1, 2, 3]\n  b: [*a, *a, *a]\n`, undefined],
    [
      'JSON nested 100,000 deep',
      'deep.json',
      `${POD_JSON},"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      /nested more than 512/,
      '1:',
    ],
    ['JSON nested 500 deep is fine', 'ok.json', `${POD_JSON},"x":${'['.repeat(500)}${']'.repeat(500)}}`, undefined],
    [
      'YAML flow nested 100,000 deep',
      'deep.yaml',
      `${POD}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      /nested more than 512 levels deep/,
      '5:',
    ],
    [
      'YAML nested 600 deep',
      'deep600.yaml',
      `${POD}x: ${'['.repeat(600)}${']'.repeat(600)}\n`,
      /nested more than 512/,
      '5:',
    ],
    [
      'a JSON key repeated',
      'dup.json',
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","name":"b"}}',
      /"name" is repeated in metadata/,
      '1:56',
    ],
    [
      'a JSON key repeated at the top',
      'dup-top.json',
      '{"kind":"Pod","apiVersion":"v1","kind":"Service"}',
      /"kind" is repeated$/,
      '1:33',
    ],
    [
      'a repeated key in a List item',
      'dup-list.json',
      '{"kind":"List","items":[{"kind":"Pod","metadata":{"labels":{"a":"1","a":"2"}}}]}',
      /"a" is repeated in items\[0\]\.metadata\.labels/,
      '1:',
    ],
    [
      'a repeated key written with an escape',
      'dup-esc.json',
      '{"kind":"Pod","k\\u0069nd":"Service"}',
      /"kind" is repeated/,
      '1:15',
    ],
    [
      'colons inside strings and keys are no duplicate',
      'colons.json',
      '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a","annotations":{"a:b":"{\\"x\\":1, \\"y\\" : 2}"}}}',
      undefined,
    ],
    [
      'an escaped colon is no duplicate',
      'esc-colon.json',
      '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a\\u003ab"}}',
      undefined,
    ],
    [
      'the same key in sibling objects is fine',
      'siblings.json',
      '{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"}},{"kind":"Pod","metadata":{"name":"b"}}]}',
      undefined,
    ],
    [
      // yaml composed these for ~10 s, then overflowed the stack: a crash, not an error.
      'YAML flow nested 100,000 deep, one bracket a line',
      'deep-lines.yaml',
      `${POD}x: ${'[\n '.repeat(100_000)}${']\n '.repeat(100_000)}`,
      /nested more than 512 levels deep/,
      '517:2',
    ],
    [
      'YAML flow maps with anchors and tags nested 600 deep, one a line',
      'deep-tags.yaml',
      `${POD}x: ${'&a !!map {k:\n '.repeat(600)}${'}\n '.repeat(600)}`,
      /nested more than 512 levels deep/,
      '517:',
    ],
    [
      'YAML flow nested 500 deep, one bracket a line, is fine',
      'ok-lines.yaml',
      `${POD}x: ${'[\n '.repeat(500)}${']\n '.repeat(500)}`,
      undefined,
    ],
    ['a YAML key repeated (unchanged)', 'dup.yaml', 'kind: Pod\nkind: Service\n', /Map keys must be unique/, '2:1'],
  ];
  for (const [name, file, text, expected, at] of rows) {
    it(name, () => {
      const got = load(file, text);
      const errors = got.issues.filter((i) => i.code === 'syntax');
      if (!expected) return assert.deepEqual(errors, [], JSON.stringify(errors));
      assert.equal(errors.length, 1, JSON.stringify(got.issues));
      assert.match(first(errors).message, expected);
      assert.ok(first(errors).at.startsWith(at ?? ''), `${first(errors).at} should start with ${at}`);
      assert.equal(got.objects, 0, 'no object from a refused document');
    });
  }
});

describe('flowNestingExcess: where a flow collection opens past 512 levels', () => {
  const deep = (open: string) => open.repeat(MAX_NESTING + 1);
  const rows: [string, string, number | undefined][] = [
    ['513 brackets after a key', `x: ${deep('[')}`, 3 + MAX_NESTING],
    ['513 braces, one a line, after a sequence dash', `- ${deep('{a:\n')}`, 2 + 4 * MAX_NESTING],
    ['JSON objects', deep('{"a":'), 5 * MAX_NESTING],
    ['512 brackets are fine', `x: ${'['.repeat(MAX_NESTING)}`, undefined],
    ['brackets closed as they open never add up', `x: ${'[]'.repeat(1000)}`, undefined],
    ['inside a double-quoted scalar', `x: "${deep('[')}"`, undefined],
    ['inside a single-quoted scalar, with an escaped quote', `x: 'it''s ${deep('{')}'`, undefined],
    ['inside a plain scalar', `x: a${deep('[')}`, undefined],
    ['in a comment', `x: 1 # ${deep('[')}`, undefined],
    ['in a block scalar, line by line', `x: |\n${'  [\n'.repeat(600)}y: 1\n`, undefined],
    ['after a block scalar ends', `x: |\n  text\ny: ${deep('[')}`, 'x: |\n  text\ny: '.length + MAX_NESTING],
    ['a quote inside a plain scalar opens nothing', `x: don't ${deep('[')}`, undefined],
  ];
  for (const [name, text, expected] of rows) {
    it(name, () => assert.equal(flowNestingExcess(text), expected));
  }
});
