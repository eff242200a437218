import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { generateCluster, genOptionsForPods } from '../gen/generate-cluster.js';
import { renderGenerated } from '../gen/render-generated.js';
import { agrees, jsonValue, mutated, render, STYLES, TRICKY, withSharing } from './arbitrary-yaml.js';
import { handWritten } from './arbitrary-yaml-text.js';
import { readFastYaml } from './read-fast-yaml.js';

const accepts = (text: string) => assert.ok(agrees(text), `declined:\n${text}`);
const declines = (text: string) => assert.equal(readFastYaml(text), undefined, `accepted:\n${text}`);

/** Plain values the fast reader declines by design (indicators, tags, control characters). */
const LEFT_TO_YAML = new Set([
  ...['a: b', 'a:', '- x', '-', '? x', ': x', '{x}', '*a', '!tag', '!!str', '|', '>', '%x', '@x', '`x'],
  ...['a\tb', 'line\nbreak', 'a\u0085b', '\u2028', '\u0007'],
]);

describe('readFastYaml', () => {
  it('reads the manifest subset exactly as yaml does', () => {
    for (const text of [
      '',
      '# only a comment\n',
      'a: 1\n',
      'a: 1\n---\n',
      '---\na: 1\n---\n---\nb: [x, y]\n',
      '# c\n--- # c\na: 1\n...\n# c\n---\nb: 2\n...\n',
      'a: 1\n...\nb: 2\n',
      'a: 1\r\nb: [x]\r\n', // Windows line ends
      'kind: List\nitems:\n- a: 1\n  b:\n  - x\n  - - y\n    - z\n  c: {}\n  d: []\n- e\n-\n- f: {g: h, i: [1, 2]}\n',
      "a:\n    b:  c   # comment\n    d: \"x: y\"\n# between\n    e: 'it''s'\n",
      'k: "\\x41\\u00e9\\U0001F600\\t\\n\\"\\\\\\/\\0\\a\\b\\e\\f\\v\\r\\N\\_\\L\\P\\ "\n',
      'a: b#c\nd: http://x:80/y\ne: a, b [c] {d}\nf: -1\ng: ---\n"quoted key" : 1\n\'s\': 2\n',
      'labels: &a1\n  app: x\ntemplate:\n  labels: *a1\nlist: [*a1, &s scalar, *s]\nnull: &n\nagain: *n\n',
      '~: tilde key\n1: one\n0x10: hex\nyes: bool key\n',
      '__proto__: {a: 1}\nconstructor: 2\n',
      'a: {x: , y: 1}\n',
      '- - - deep\n    - er\n  - x\n',
      'scalar document\n',
      '"quoted document"\n',
      'a: 2001-12-14\nb: 1:30\nc: .\nd: 0x_\n',
    ]) {
      accepts(text);
    }
  });

  it('declines what it does not fully understand, leaving it (and its errors) to yaml', () => {
    for (const text of [
      'a: !!str 1\n', // tags
      'a: |\n  x\n', // block scalars
      'a: >-\n  x\n',
      'a: b\n  c\n', // multi-line plain scalar
      'a: "b\n  c"\n', // multi-line quoted scalar
      'a: [b,\n  c]\n', // multi-line flow
      '? a\n: b\n', // complex key
      'base: &b {x: 1}\nderived:\n  <<: *b\n', // merge key
      '%YAML 1.1\n---\na: 1\n', // directive
      'a:\tb\n', // tab
      'a: 1\rb: 2\n', // a lone CR
      '\ufeffa: 1\n', // BOM
      'a: 1\na: 2\n', // duplicate key (an error)
      'a: b: c\n', // nested compact mapping (an error)
      'a: 1\n b: 2\n', // bad indentation
      'a: *missing\n',
      'a: &x [*x]\n',
      '- &a k: v\n', // an anchor on a key
      'a: [x, ]\n',
      '[a: b]\n',
      '{a:b}\n',
      '...\n',
      '--- a\n',
      'a: "\\q"\n', // bad escape (an error)
      'a: "\\UFFFFFFFF"\n',
      'a: -\n',
      'a: @x\n',
    ]) {
      declines(text);
      agrees(text); // (trivially) — and the oracle itself must not throw
    }
  });

  it('declines implicit keys longer than YAML allows (1024 chars to the colon)', () => {
    for (const n of [1020, 1022, 1023, 1024, 1025, 1030]) {
      const key = 'k'.repeat(n);
      for (const text of [`"${key}": 1\n`, `${key}: 1\n`, `${key} : 1\n`, `{"${key}": 1}\n`, `{${key}: 1}\n`])
        agrees(text);
    }
    declines(`${'k'.repeat(1030)}: 1\n`);
  });

  it('declines nesting too deep for its recursion instead of throwing', () => {
    declines(`a: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
  });

  it('declines an anchor aliased too often for toJS (resource exhaustion guard)', () => {
    const many = `a: &a [x]\nb: [${Array(1000).fill('*a').join(', ')}]\n`;
    declines(many);
    accepts(`a: &a [x]\nb: [${Array(10).fill('*a').join(', ')}]\n`);
  });

  it('resolves every tricky scalar as YAML 1.1 does, as a value and as a key', () => {
    let accepted = 0;
    for (const s of TRICKY) {
      for (const text of [`v: ${s}\n`, `- ${s}\n`, `[${s}]\n`, `{v: ${s}}\n`, `${s}: v\n`, `{${s}: v}\n`]) {
        if (agrees(text)) accepted++;
      }
      // A declined text is compared with nothing: every scalar but these must reach the comparison.
      if (!LEFT_TO_YAML.has(s)) assert.ok(agrees(`v: ${s}\n`), `declined: v: ${JSON.stringify(s)}`);
    }
    assert.ok(accepted > TRICKY.length * 3, `accepted ${accepted} of ${TRICKY.length * 6}`);
  });

  it('agrees with yaml on random values in every render style', () => {
    const accepted: Record<string, number> = {};
    fc.assert(
      fc.property(
        fc.oneof(jsonValue(false), withSharing(jsonValue(false))),
        fc.constantFrom(...Object.keys(STYLES)),
        (value, style) => {
          const text = render(value, style);
          if (agrees(text)) accepted[style] = (accepted[style] ?? 0) + 1;
          if (agrees(`${text}---\n${text}`)) accepted.multi = (accepted.multi ?? 0) + 1;
        },
      ),
      { numRuns: 600 },
    );
    // Each style's output is mostly read on the fast path (tricky strings still get declined at times).
    for (const style of Object.keys(STYLES)) assert.ok((accepted[style] ?? 0) > 10, `${style}: ${accepted[style]}`);
  });

  it('agrees with yaml on hand-written YAML (uneven indents, comments, compact forms)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(handWritten(fc.oneof(jsonValue(true), withSharing(jsonValue(true)), jsonValue(false))), (text) => {
        if (agrees(text)) accepted++;
      }),
      { numRuns: 500 },
    );
    assert.ok(accepted > 150, `accepted ${accepted} of 500`);
  });

  it('agrees with yaml (or declines) on randomly edited texts', () => {
    const rendered = fc.tuple(
      fc.oneof(jsonValue(true), withSharing(jsonValue(true))),
      fc.constantFrom(...Object.keys(STYLES)),
    );
    let accepted = 0;
    fc.assert(
      fc.property(mutated(rendered.map(([value, style]) => render(value, style))), (text) => {
        if (agrees(text)) accepted++;
      }),
      { numRuns: 500 },
    );
    assert.ok(accepted > 50, `accepted ${accepted}`);
  });

  it('accepts nearly all manifest-like values in the styles gen and kubectl write', () => {
    let accepted = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        fc.oneof(jsonValue(true), withSharing(jsonValue(true))),
        fc.constantFrom('gen', 'kubectl'),
        (value, style) => {
          runs++;
          if (agrees(render(value, style))) accepted++;
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(accepted / runs > 0.97, `accepted ${accepted} of ${runs}`);
  });

  it("reads gen's output on the fast path, sharing label objects like toJS", () => {
    const text = renderGenerated(generateCluster(genOptionsForPods(300, { policies: 40, seed: 3 })), 'yaml');
    accepts(text);
    const [list] = readFastYaml(text) as [
      { items: { kind: string; metadata: unknown; spec: { template: { metadata: { labels: unknown } } } }[] },
    ];
    const deployment = list.items.find((i) => i.kind === 'Deployment');
    assert.ok(deployment);
    assert.equal((deployment.metadata as { labels: unknown }).labels, deployment.spec.template.metadata.labels);
  });

  it('agrees on every example and on the YAML in the seed tutorials', () => {
    let accepted = 0;
    for (const file of listFiles('examples')) {
      const text = readFileSync(file, 'utf8');
      for (const chunk of file.endsWith('.md') ? fencedBlocks(text) : [text]) if (agrees(chunk)) accepted++;
    }
    assert.ok(accepted > 50, `accepted ${accepted} example files`);
    // The seeds sit beside the repository (../shared), where CI lays them too.
    for (const file of listFiles('../shared/seeds')) {
      const text = readFileSync(file, 'utf8');
      agrees(text);
      for (const chunk of manifestRuns(text)) agrees(chunk);
    }
  });
});

/** The files under `dir`, relative to the repository's root. */
function listFiles(dir: string): string[] {
  const path = fileURLToPath(new URL(`../../../../${dir}`, import.meta.url));
  try {
    return readdirSync(path, { recursive: true })
      .map((f) => join(path, String(f)))
      .filter((f) => statSync(f).isFile());
  } catch {
    return []; // ../shared is absent outside this workplace
  }
}

function fencedBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/** Tutorials in plain text: runs of lines from `apiVersion:` to the next blank line. */
function manifestRuns(text: string): string[] {
  return [...text.matchAll(/^apiVersion:[\s\S]*?(?=\n\s*\n|$(?![\s\S]))/gm)].map((m) => `${m[0]}\n`);
}
