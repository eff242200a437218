import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { generateCluster, genOptionsForPods, renderGenerated } from '@netpol/core/gen';
import fc from 'fast-check';
import { type InputFile, OUT_OF_STEP, type Summary, type TextChange } from '../protocol.js';
import { Session } from './session.js';

/**
 * The editor sends an edit as CodeMirror's changes (`Session.change`), not the file's text
 * (`Session.edit`): whatever the edits, reverts and toggles, a session sent changes answers as
 * one sent the whole texts.
 */

const dir = join(import.meta.dirname, '..', '..', '..', '..', 'examples', '001-frontend-backend');
const input: InputFile[] = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') })),
  // A List: an edit re-reads only the items it touched (core's list-layout).
  { name: 'cluster.yaml', text: renderGenerated(generateCluster(genOptionsForPods(30, { seed: 5 })), 'yaml') },
];
const session = () => new Session({ mode: 'serve', files: input, namespace: 'default', canSave: true, version: 0 });

/** A change's place and what it types: comments, line breaks, indentation, digits of ports, list items. */
const pick = fc.record({
  at: fc.nat(),
  lineStart: fc.boolean(),
  cut: fc.constantFrom(0, 0, 1, 2, 5, 30),
  insert: fc.constantFrom('', '#', ' ', '\n', '1', '9', 'x', '- ', '  ', 'app: web\n', 'port: 53\n'),
});
type Pick = typeof pick extends fc.Arbitrary<infer T> ? T : never;

/** The picks as one edit's changes of `text`: sorted, apart or touching (as a ChangeSet lists them). */
function changesOf(text: string, picks: readonly Pick[]): TextChange[] {
  const changes: TextChange[] = [];
  let at = 0;
  for (const p of picks) {
    let from = at + (p.at % (text.length - at + 1));
    if (p.lineStart) from = Math.max(at, text.lastIndexOf('\n', from - 1) + 1);
    const to = Math.min(text.length, from + p.cut);
    changes.push({ from, to, insert: p.insert });
    at = to;
  }
  return changes;
}

function applied(text: string, changes: readonly TextChange[]): string {
  let out = text;
  for (let k = changes.length - 1; k >= 0; k--) {
    const { from, to, insert } = changes[k] as TextChange;
    out = out.slice(0, from) + insert + out.slice(to);
  }
  return out;
}

const step = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('edit' as const),
      file: fc.nat(),
      picks: fc.array(pick, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('revert' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('toggle' as const), policy: fc.nat(), enabled: fc.boolean() }) },
  // Changes of a text the worker does not hold (a length off by one): refused, nothing changes.
  { weight: 1, arbitrary: fc.record({ op: fc.constant('stale' as const), file: fc.nat() }) },
);

/** What a summary shows, with each port's matrix and the texts and patches behind it. */
function answers(s: Session, summary: Summary) {
  return {
    summary,
    matrices: summary.ports.slice(0, 2).map((p) => s.matrix(p)),
    texts: input.map((f) => s.text(f.name)),
    edited: s.edited(),
    patches: s.patches(),
  };
}

describe('an edit sent as changes (Session.change)', () => {
  test('any edits, reverts and toggles: the same answers as the whole texts sent', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        const whole = session();
        const changed = session();
        let summary = whole.summary();
        for (const s of steps) {
          if (s.op === 'revert') {
            summary = whole.revert();
            assert.deepEqual(answers(changed, changed.revert()), answers(whole, summary));
            continue;
          }
          if (s.op === 'toggle') {
            const policy = summary.policies[s.policy % summary.policies.length]?.id;
            if (policy === undefined) continue;
            summary = whole.toggle(policy, s.enabled);
            assert.deepEqual(answers(changed, changed.toggle(policy, s.enabled)), answers(whole, summary));
            continue;
          }
          const file = (input[s.file % input.length] as InputFile).name;
          const text = whole.text(file) as string;
          if (s.op === 'stale') {
            assert.throws(
              () => changed.change(file, [{ from: 0, to: 0, insert: '#' }], text.length + 1),
              (e: Error) => e.message.startsWith(OUT_OF_STEP),
            );
            assert.deepEqual(answers(changed, changed.summary()), answers(whole, whole.summary()));
            continue;
          }
          const changes = changesOf(text, s.picks);
          summary = whole.edit(file, applied(text, changes));
          assert.deepEqual(answers(changed, changed.change(file, changes, text.length)), answers(whole, summary));
        }
      }),
      { numRuns: 40 },
    );
  });
});
