import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EditorState, type TransactionSpec } from '@codemirror/state';
import fc from 'fast-check';
import type { AppInput, InputFile, Request } from '../protocol.js';
import { answerRequests } from '../worker/answer-requests.js';
import { editSender } from './doc-edit.js';
import { EngineClient } from './engine-client.js';

/**
 * The page sends an editor's edit as changes only when the worker holds the text they apply
 * to, and the whole text whenever in doubt: after a revert, a reload, an edit the worker
 * refused. The worker here is answer-requests on a real Session, its messages cloned and
 * handled when the test delivers them (so edits are in flight meanwhile).
 */

const dir = join(import.meta.dirname, '../../../../examples/001-frontend-backend');
const files: InputFile[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
const input: AppInput = { mode: 'serve', files, namespace: 'default', canSave: true, version: 0 };
const file = 'other-app.yaml';
const inputText = (files.find((f) => f.name === file) as InputFile).text;

const settled = () => new Promise((resolve) => setImmediate(resolve));

function page() {
  const queue: { id: number; request: Request }[] = [];
  const requests: Request[] = [];
  const fake = {
    onmessage: null as ((event: { data: unknown }) => void) | null,
    onerror: null,
    postMessage(message: { id: number; request: Request }) {
      const copy = structuredClone(message);
      requests.push(copy.request);
      queue.push(copy);
    },
  };
  const client = new EngineClient(fake as unknown as Worker);
  // With the worker's timing (engine-worker.ts adds it to every answer of a timed request).
  const answer = answerRequests(
    (a) => fake.onmessage?.({ data: structuredClone({ ...a, queuedMs: 1, workMs: 1 }) }),
    () => Promise.resolve(),
  );
  /** The worker handles what it was sent (and the page's answers run). */
  async function deliver(): Promise<void> {
    await settled(); // edits waiting behind one just answered are sent first
    for (let k = 0; k < 10 && queue.length > 0; k++) {
      while (queue.length > 0) {
        const { id, request } = queue.shift() as { id: number; request: Request };
        answer(id, request);
      }
      await settled();
    }
  }
  /** What the worker holds of `name` now (asked behind the page's back, as the worker's own handler). */
  async function workerText(name: string): Promise<string | null> {
    const text = client.text(name);
    await deliver();
    return text;
  }
  /** An editor of `name`, opened with `text` as EditorView opens it (its edits go through editSender). */
  function editor(name: string, text: string) {
    const send = editSender((edit) => client.editDoc(edit));
    let state = EditorState.create({ doc: text });
    client.opened(name, text, state.doc);
    return {
      get doc() {
        return state.doc;
      },
      dispatch(spec: TransactionSpec) {
        const tr = state.update(spec);
        state = tr.state;
        if (tr.docChanged) {
          send({ file: name, before: tr.startState.doc, changes: tr.changes, after: state.doc, changed: 0 });
        }
      },
    };
  }
  /** `spec` dispatched in `e` and the worker's answers delivered: the edits sent are `ops`. */
  async function sends(e: ReturnType<typeof editor>, spec: TransactionSpec, ops: string[]): Promise<void> {
    e.dispatch(spec);
    await deliver();
    assert.deepEqual(sentOps(), ops);
  }
  /** The ops of the edits sent since the last call. */
  let seen = 0;
  const sentOps = () => {
    const ops = requests.slice(seen).filter((r) => r.op === 'edit' || r.op === 'change');
    seen = requests.length;
    return ops.map((r) => r.op);
  };
  return { client, answer, deliver, workerText, editor, sentOps, sends };
}

describe('the page sends changes only when the worker holds their text', () => {
  test('opened from the input: changes; after a revert, the stale editor: the whole text', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const e = p.editor(file, inputText);
    await p.sends(e, { changes: { from: 0, insert: '# ' } }, ['change']);
    assert.equal(await p.workerText(file), e.doc.toString());

    p.client.revert();
    await p.sends(e, { changes: { from: 0, insert: '#' } }, ['edit']); // made on the edited text the revert dropped
    assert.equal(await p.workerText(file), e.doc.toString());
    await p.sends(e, { changes: { from: 0, to: 3 } }, ['change']);
    assert.equal(await p.workerText(file), inputText);
  });

  test('an edit sent as changes is timed as an edit (`netpol update: edit`: the bench, DevTools)', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const tr = EditorState.create({ doc: inputText }).update({ changes: { from: 0, insert: '#' } });
    p.client.opened(file, inputText, tr.startState.doc);
    const summary = p.client.editDoc({
      file,
      before: tr.startState.doc,
      changes: tr.changes,
      after: tr.state.doc,
      changed: 0,
    });
    await p.deliver();
    assert.deepEqual(p.sentOps(), ['change']);
    assert.equal(p.client.arrivalOf(await summary)?.op, 'edit');
  });

  test('Revert all puts the reverted text into the editor: nothing sent, the next edit goes as changes', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const e = p.editor(file, inputText);
    await p.sends(e, { changes: { from: 0, insert: '# ' } }, ['change']);
    const reverted = p.client.revert();
    await p.deliver();
    await reverted;
    await p.sends(e, { changes: { from: 0, to: 2 } }, []); // as EditorView's revertAll: the span that differs
    await p.sends(e, { changes: { from: 0, insert: 'x' } }, ['change']);
    assert.equal(await p.workerText(file), `x${inputText}`);
  });

  test('a reload: the editor of the old input sends its next edit whole', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const e = p.editor(file, inputText);
    p.client.load({
      ...input,
      files: files.map((f) => (f.name === file ? { name: file, text: `${inputText}\n` } : f)),
    });
    await p.sends(e, { changes: { from: 0, insert: '# ' } }, ['edit']);
    assert.equal(await p.workerText(file), e.doc.toString());
  });

  test("a reload that puts the editor's text back whole (App): the next edit goes as changes again", async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const e = p.editor(file, inputText);
    e.dispatch({ changes: { from: 0, insert: '# ' } });
    await p.deliver();
    p.client.load(input);
    p.client.edit(file, e.doc.toString());
    await p.deliver();
    assert.deepEqual(p.sentOps(), ['change', 'edit']);
    await p.sends(e, { changes: { from: 0, to: 2 } }, ['change']);
    assert.equal(await p.workerText(file), inputText);
  });

  test('an edited file opened again (another file was shown meanwhile): its first edit goes as changes', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    await p.sends(p.editor(file, inputText), { changes: { from: 0, insert: '# ' } }, ['change']);
    const again = p.editor(file, (await p.workerText(file)) as string);
    await p.sends(again, { changes: { from: 0, to: 2 } }, ['change']);
    assert.equal(await p.workerText(file), inputText);
  });

  test("opened from the worker's text of an edited file (a share link's edit): changes", async () => {
    const p = page();
    p.client.load(input);
    p.client.edit(file, `# linked\n${inputText}`);
    await p.deliver();
    const text = await p.workerText(file);
    assert.deepEqual(p.sentOps(), ['edit']);
    const e = p.editor(file, text as string);
    await p.sends(e, { changes: { from: 2, to: 8, insert: 'shared' } }, ['change']);
    assert.equal(await p.workerText(file), `# shared\n${inputText}`);
  });

  test('changes the worker refuses (its text changed behind the page) go again whole', async () => {
    const p = page();
    p.client.load(input);
    await p.deliver();
    const e = p.editor(file, inputText);
    // An edit the page did not send: the worker's text is no longer the editor's (as long:
    // the worker knows by which request made it).
    p.answer(999, { op: 'edit', file, text: `#${inputText.slice(1)}` });
    await p.sends(e, { changes: { from: 0, insert: '# ' } }, ['change', 'edit']);
    assert.equal(await p.workerText(file), e.doc.toString());
  });

  test('any edits, reverts (the editor then shows the reverted text) and deliveries: the worker ends with the editor text', async () => {
    const pick = fc.record({
      at: fc.nat(),
      cut: fc.nat({ max: 6 }),
      insert: fc.constantFrom('', '#', ' ', '\n', 'x: 1\n'),
    });
    const step = fc.oneof(
      { weight: 5, arbitrary: pick },
      { weight: 2, arbitrary: fc.constant('deliver' as const) },
      { weight: 1, arbitrary: fc.constant('revert' as const) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        const p = page();
        p.client.load(input);
        await p.deliver();
        const e = p.editor(file, inputText);
        for (const s of steps) {
          if (s === 'deliver') await p.deliver();
          else if (s === 'revert') {
            // As EditorView's Revert all: the worker's text put into the editor, an edit like any other.
            const reverted = p.client.revert();
            await p.deliver();
            await reverted;
            const text = (await p.workerText(file)) as string;
            e.dispatch({ changes: { from: 0, to: e.doc.length, insert: text } });
          } else {
            const from = s.at % (e.doc.length + 1);
            e.dispatch({ changes: { from, to: Math.min(e.doc.length, from + s.cut), insert: s.insert } });
          }
        }
        await p.deliver();
        assert.equal(await p.workerText(file), e.doc.toString());
      }),
      { numRuns: 60 },
    );
  });
});
