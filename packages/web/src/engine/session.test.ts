import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { InputFile, Summary } from '../protocol.js';
import { Session } from './session.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

function read(example: string): InputFile[] {
  const dir = join(examples, example);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

const session = (files: InputFile[]) =>
  new Session({ mode: 'serve', files, namespace: 'default', canSave: true, version: 0 });

/** What the page is shown, apart from what compares with the input as loaded. */
function shown(s: Session, summary: Summary) {
  const { whatIf: _w, dirty: _d, ...rest } = summary;
  return {
    ...rest,
    matrices: summary.ports.map((p) => s.matrix(p)),
    checks: summary.endpoints
      .slice(0, 4)
      .flatMap((a) => summary.endpoints.slice(0, 4).map((b) => s.check(a.id, b.id, summary.ports[0] ?? '80'))),
  };
}

const input = read('001-frontend-backend');
/** Texts a file may be edited to: another file's, a line dropped or commented out, broken YAML. */
const edit = fc.tuple(fc.integer({ min: 0, max: input.length - 1 }), fc.nat(), fc.nat(4)).map(([i, n, how]) => {
  const text = (input[i] as InputFile).text;
  const lines = text.split('\n');
  const at = n % lines.length;
  const texts = [
    (input[n % input.length] as InputFile).text,
    lines.filter((_, k) => k !== at).join('\n'),
    lines.map((l, k) => (k === at ? `#${l}` : l)).join('\n'),
    `${text}\n---\nkind: [broken\n`,
    text,
  ];
  return { file: (input[i] as InputFile).name, text: texts[how] as string };
});

describe('what-if edits re-read only the edited file', () => {
  test('after any edits, the page sees what a fresh load of the edited files shows', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const s = session(input);
        let summary = s.summary();
        const files = input.map((f) => ({ ...f }));
        for (const e of edits) {
          summary = s.edit(e.file, e.text);
          (files.find((f) => f.name === e.file) as InputFile).text = e.text;
        }
        const fresh = session(files);
        assert.deepEqual(shown(s, summary), shown(fresh, fresh.summary()));
        // The what-if (against the input as loaded) does not depend on the edits' order either.
        const once = session(input);
        let last = once.summary();
        for (const f of files)
          if (f.text !== input.find((g) => g.name === f.name)?.text) last = once.edit(f.name, f.text);
        assert.deepEqual(summary.whatIf, last.whatIf);
        assert.deepEqual(summary.dirty, last.dirty);
      }),
      { numRuns: 40 },
    );
  });

  test('an edit made and undone leaves no what-if and nothing dirty', () => {
    const s = session(input);
    const file = input[0] as InputFile;
    assert.ok(s.edit(file.name, `${file.text}\n# note\n`).dirty.length === 1);
    const back = s.edit(file.name, file.text);
    assert.deepEqual(back.dirty, []);
    assert.deepEqual(back.whatIf?.opened ?? [], []);
    assert.deepEqual(back.whatIf?.closed ?? [], []);
  });
});
