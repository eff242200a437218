import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAllDocuments, stringify, type ToStringOptions } from 'yaml';
import { readFastYaml } from './read-fast-yaml.js';

/**
 * Test utility (imports fast-check; never import it from product code): random YAML texts
 * for the fast reader, and the slow path as its oracle. `agrees(text)` returns whether the
 * fast reader accepted the text, and fails the test if it accepted it with a different
 * result than `yaml` gives.
 */
export const YAML_OPTIONS = { version: '1.1', merge: true, uniqueKeys: true } as const;

/** What the slow path makes of `text`: the documents' values, or 'error'. */
export function slowRead(text: string): unknown[] | 'error' {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(docs)) return [];
  try {
    return docs.map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS({ maxAliasCount: 1000 });
    });
  } catch {
    return 'error';
  }
}

export function agrees(text: string): boolean {
  if (!text.includes('\r')) agreesOn(text.replaceAll('\n', '\r\n')); // Windows line ends
  return agreesOn(text);
}

function agreesOn(text: string): boolean {
  const fast = readFastYaml(text);
  if (fast === undefined) return false;
  const slow = slowRead(text);
  assert.notEqual(slow, 'error', `fast reader accepted text yaml rejects:\n${text}`);
  assert.deepStrictEqual(fast, slow, `fast reader disagrees on:\n${text}`);
  assertSameSharing(fast, slow, text);
  return true;
}

/** An alias must give the anchored object itself, in both: object identity maps 1:1. */
function assertSameSharing(fast: unknown, slow: unknown, text: string): void {
  const pairs = new Map<object, object>();
  const walk = (f: unknown, s: unknown) => {
    if (f === null || typeof f !== 'object') return;
    const seen = pairs.get(f);
    if (seen) {
      assert.ok(seen === s, `object shared differently in:\n${text}`);
      return;
    }
    pairs.set(f, s as object);
    for (const [key, value] of Object.entries(f)) walk(value, (s as Record<string, unknown>)[key]);
  };
  walk(fast, slow);
  const reverse = new Set(pairs.values());
  assert.equal(reverse.size, pairs.size, `objects shared in yaml but not in the fast reader:\n${text}`);
}

/** Spellings YAML 1.1 reads as something other than a string, and strings that look odd. */
export const TRICKY = [
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'tRUE'],
  ...['false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'oN', 'yES'],
  ...['~', 'null', 'Null', 'NULL', 'nULL', '', '0', '-0', '+0', '+1', '-12', '007', '08', '0789'],
  ...['0x1F', '0xff', '-0x1_f', '0o17', '0b101', '-0b1_0', '1_000', '1__0', '_1', '1:30', '-1:30:00'],
  ...[
    '190:20:30.15',
    '1:60',
    '.inf',
    '-.Inf',
    '+.INF',
    '.NaN',
    '.nan',
    '.NAN',
    'NaN',
    'inf',
    '1e3',
    'e0',
    'E5',
    'e-3',
    'e',
  ],
  ...['1E-3', '1.5e+3', '.5', '5.', '.', '-.', '1_0.5_0', '1.0', '1.10', '2001-12-14', '2001-12-14t21:59:43.10-05:00'],
  ...['2001-12-14 21:59:43.10 -5', '2002-13-45', '<<', '=', 'a: b', 'a:b', 'a:', 'a #b', '#a', 'a#b'],
  ...["it's", '"q"', "'q'", ' lead', 'trail ', ' ', '- x', '-x', '-', '--', '---', '...', '? x', '?x'],
  ...[': x', ':x', '[x]', '{x}', 'x, y', 'x]', '*a', '&a', '!tag', '!!str', '|', '>', '%x', '@x', '`x'],
  ...['é', '日本語', '😀', '\\', '\\n', 'a\tb', 'line\nbreak', 'a\u0085b', '\u2028', '\u00a0', '\u0007'],
  ...['http://x:80/y', 'app.kubernetes.io/name', '10.0.0.0/8', '198.18.0.1', 'v1', 'apps/v1', '__proto__'],
];

const tricky = fc.constantFrom(...TRICKY);
const word = fc.stringMatching(/^[a-z][a-z0-9.-]{0,12}$/);
const text = fc.oneof(tricky, word, fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const number = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1e21, 0.1, Number.NaN, Number.POSITIVE_INFINITY),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));

/** JSON-like values with tricky strings; `k8s` limits them to what manifests hold. */
export function jsonValue(k8s: boolean): fc.Arbitrary<unknown> {
  const key = k8s ? fc.oneof(word, fc.constantFrom('app.kubernetes.io/name', 'k8s-app')) : fc.oneof(tricky, word, text);
  // Without line breaks (block scalars), tabs and YAML 1.1 breaks (NEL, LS): the reader
  // declines those on purpose, and manifests rarely hold them.
  const oneLine = fc.constantFrom(...TRICKY.filter((s) => !/[\n\t\u0085\u2028]/.test(s)));
  const leaf = k8s ? fc.oneof(word, fc.integer({ min: 0, max: 65535 }), fc.boolean(), oneLine) : scalar;
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('list')),
    map: fc.dictionary(key, tie('tree'), { maxKeys: 5 }),
    list: fc.array(tie('tree'), { maxLength: 4 }),
  }));
  return fc.dictionary(key, tree, { minKeys: 1, maxKeys: 6 });
}

/** A value where one object appears several times (stringify writes `&a1` / `*a1`). */
export function withSharing(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(value, value)
    .map(([shared, other]) => ({ first: shared, other, again: shared, list: [shared, other] }));
}

/** Render styles: gen's (`lineWidth: 0`), kubectl's (sequences not indented), and more. */
export const STYLES: Record<string, ToStringOptions & { version?: '1.1' | '1.2' }> = {
  gen: { version: '1.1', lineWidth: 0 },
  kubectl: { version: '1.1', lineWidth: 0, indentSeq: false },
  indent4: { version: '1.1', indent: 4 },
  flow: { version: '1.1', collectionStyle: 'flow', lineWidth: 0 },
  single: { version: '1.1', defaultStringType: 'QUOTE_SINGLE', defaultKeyType: 'PLAIN' },
  double: { version: '1.1', defaultStringType: 'QUOTE_DOUBLE', lineWidth: 0 },
  // 1.2 quoting leaves `yes`, `0o17`, `1:30` plain: the 1.1 reader must then resolve them.
  core: { version: '1.2' },
};

export function render(value: unknown, style: keyof typeof STYLES): string {
  return stringify(value, STYLES[style]);
}

/** Small edits that break or bend YAML: the fast reader must agree or decline on the result. */
export function mutated(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat(),
    fc.constantFrom(
      ' ',
      '\n',
      ' # c',
      '#',
      ':',
      ': ',
      '- ',
      '  ',
      '"',
      "'",
      '&a ',
      '*a',
      '---\n',
      '...\n',
      '[',
      '}',
      ',',
      '',
    ),
  );
  return fc
    .tuple(text, fc.array(fc.tuple(edit, fc.nat({ max: 3 })), { minLength: 1, maxLength: 3 }))
    .map(([t, edits]) => {
      for (const [[at, insert], remove] of edits) {
        const i = t.length === 0 ? 0 : at % t.length;
        t = t.slice(0, i) + insert + t.slice(i + remove);
      }
      return t;
    });
}
