import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EditorState, type TransactionSpec } from '@codemirror/state';
import fc from 'fast-check';
import { applyChanges } from '../engine/edit-patch.js';
import { changeList, type DocEdit, editSender, mergeEdits } from './doc-edit.js';
import { latestOnly } from './latest-only.js';

/**
 * The editor sends each edit as CodeMirror's changes; while one is computed in the worker, the
 * edits made meanwhile wait composed into one. A "worker" here applies what it is sent to its
 * own text (as Session.change does); the test settles its answers when it likes.
 */

const settled = () => new Promise((resolve) => setImmediate(resolve));

function worker(initial: Record<string, string>) {
  const texts = new Map(Object.entries(initial));
  const sent: DocEdit[] = [];
  const answers: (() => void)[] = [];
  const send = (edit: DocEdit) => {
    sent.push(edit);
    return new Promise<void>((resolve) => {
      answers.push(() => {
        const text = texts.get(edit.file) ?? '';
        texts.set(
          edit.file,
          edit.before ? applyChanges(text, changeList(edit.changes), edit.before.length) : edit.after.toString(),
        );
        resolve();
      });
    });
  };
  return { texts, sent, answers, send };
}

/** An editor of one file whose every transaction goes to `send` as the EditorView's listener makes it. */
function editor(file: string, text: string, send: (edit: DocEdit) => void) {
  let state = EditorState.create({ doc: text });
  return {
    get doc() {
      return state.doc;
    },
    dispatch(spec: TransactionSpec) {
      const tr = state.update(spec);
      state = tr.state;
      if (tr.docChanged) send({ file, before: tr.startState.doc, changes: tr.changes, after: state.doc, changed: 0 });
    },
  };
}

/** A transaction from random picks: one to three changes (inserts, deletes, replaces) of `length` characters. */
const changePick = fc.record({
  at: fc.nat(),
  cut: fc.nat({ max: 4 }),
  insert: fc.constantFrom('', 'a', 'bc', '\n', '#'),
});
function spec(length: number, picks: { at: number; cut: number; insert: string }[]): TransactionSpec {
  const changes: { from: number; to: number; insert: string }[] = [];
  let at = 0;
  for (const p of picks) {
    const from = at + (p.at % (length - at + 1));
    const to = Math.min(length, from + p.cut);
    changes.push({ from, to, insert: p.insert });
    at = to;
  }
  return { changes };
}

const step = fc.oneof(
  { weight: 3, arbitrary: fc.array(changePick, { minLength: 1, maxLength: 3 }) },
  // The worker answers the oldest edit it was sent.
  { weight: 1, arbitrary: fc.constant('answer' as const) },
);

describe("the editor's edits sent as changes", () => {
  test('edits made while one is computed are all sent, composed: the worker ends with the editor text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const w = worker({ f: 'kind: List\nitems: []\n' });
        const e = editor('f', 'kind: List\nitems: []\n', editSender(w.send));
        let answered = 0;
        for (const s of steps) {
          if (s === 'answer') {
            if (answered < w.sent.length) w.answers[answered++]?.();
            await settled();
          } else e.dispatch(spec(e.doc.length, s));
          assert.ok(w.sent.length - answered <= 1, 'one edit of a file at a time');
        }
        while (answered < w.sent.length) {
          w.answers[answered++]?.();
          await settled();
        }
        assert.equal(w.texts.get('f'), e.doc.toString());
        assert.ok(
          w.sent.every((edit) => edit.before !== undefined),
          'every edit went as changes',
        );
      }),
      { numRuns: 200 },
    );
  });

  test('two keystrokes while an edit is computed: one edit of both (the newest alone would lose the first)', async () => {
    const w = worker({ f: 'port: 80\n' });
    const e = editor('f', 'port: 80\n', editSender(w.send));
    e.dispatch({ changes: { from: 0, insert: '# ' } });
    e.dispatch({ changes: { from: 10, insert: '8' } }); // waits
    e.dispatch({ changes: { from: 11, insert: '0' } }); // waits, composed with the one before
    w.answers[0]?.();
    await settled();
    assert.equal(w.sent.length, 2);
    assert.deepEqual(changeList((w.sent[1] as DocEdit).changes), [{ from: 10, to: 10, insert: '80' }]);
    w.answers[1]?.();
    await settled();
    assert.equal(w.texts.get('f'), '# port: 8080\n');

    // The same keystrokes through a queue that keeps the newest edit alone: the worker misses one.
    const naive = worker({ f: 'port: 80\n' });
    const n = editor('f', 'port: 80\n', latestOnly(naive.send));
    n.dispatch({ changes: { from: 0, insert: '# ' } });
    n.dispatch({ changes: { from: 10, insert: '8' } });
    n.dispatch({ changes: { from: 11, insert: '0' } });
    naive.answers[0]?.();
    await settled();
    assert.throws(() => naive.answers[1]?.(), /out of step/);
  });

  test("an edit of another file waits in its own queue: neither file's edit is dropped", async () => {
    const w = worker({ a: 'a\n', b: 'b\n' });
    const send = editSender(w.send);
    const a = editor('a', 'a\n', send);
    const b = editor('b', 'b\n', send);
    a.dispatch({ changes: { from: 0, insert: '1' } });
    a.dispatch({ changes: { from: 0, insert: '2' } }); // waits behind a's first
    b.dispatch({ changes: { from: 0, insert: '3' } }); // b's own: sent at once
    assert.deepEqual(
      w.sent.map((edit) => edit.file),
      ['a', 'b'],
    );
    for (let k = 0; k < 3; k++) {
      w.answers[k]?.();
      await settled();
    }
    assert.deepEqual(Object.fromEntries(w.texts), { a: '21a\n', b: '3b\n' });
  });

  test('edits that do not follow each other (another document of the file) go as the whole text', () => {
    const one = EditorState.create({ doc: 'x' }).update({ changes: { from: 0, insert: 'a' } });
    const other = EditorState.create({ doc: 'x' }).update({ changes: { from: 1, insert: 'b' } });
    const edit = (tr: typeof one): DocEdit => ({
      file: 'f',
      before: tr.startState.doc,
      changes: tr.changes,
      after: tr.state.doc,
      changed: 0,
    });
    const merged = mergeEdits(edit(one), edit(other));
    assert.equal(merged.before, undefined);
    assert.equal(merged.after.toString(), 'xb');
  });

  test("idle(file) settles once every edit of that file was answered, whatever other files' wait", async () => {
    const w = worker({ f: 'port: 80\n', g: 'port: 81\n' });
    const send = editSender(w.send);
    const f = editor('f', 'port: 80\n', send);
    const g = editor('g', 'port: 81\n', send);
    f.dispatch({ changes: { from: 0, insert: '#' } });
    f.dispatch({ changes: { from: 0, insert: '#' } }); // waits for the first
    g.dispatch({ changes: { from: 0, insert: '#' } });
    let idle = false;
    void send.idle('f').then(() => {
      idle = true;
    });
    w.answers.shift()?.(); // f's first
    await settled();
    assert.equal(idle, false, "f's second edit is on its way now");
    w.answers.shift()?.(); // g's
    await settled();
    assert.equal(idle, false);
    w.answers.shift()?.(); // f's second
    await settled();
    assert.equal(idle, true);
    assert.equal(w.texts.get('f'), '##port: 80\n');
  });
});
