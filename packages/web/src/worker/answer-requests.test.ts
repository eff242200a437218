import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LINT_RULES } from '@netpol/core/lint';
import { Session } from '../engine/session.js';
import type { AppInput, InputFile, IssueView, Request, Summary } from '../protocol.js';
import { type Answer, answerRequests, EDIT_WARM_ROUNDS, STALE_LINT } from './answer-requests.js';

/**
 * Issue 15: an edit made while lint runs must not wait for it. The worker's logic runs here
 * with a pause the test releases by hand (the worker's is a macrotask): what is answered
 * before lint goes on, not how fast.
 */

const dir = join(import.meta.dirname, '../../../../examples/001-frontend-backend');
const files: InputFile[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
const input = (list: InputFile[]): AppInput => ({
  mode: 'serve',
  files: list,
  namespace: 'default',
  canSave: true,
  version: 0,
});

const edited = 'other-app.yaml';
/** A policy that selects no pod: a selects-nothing finding the input as loaded does not have. */
const editedText = `${files.find((f) => f.name === edited)?.text}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: selects-nobody\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: nobody\n  policyTypes: [Ingress]\n`;
const editedFiles = files.map((f) => (f.name === edited ? { name: f.name, text: editedText } : f));

const findingsOf = (list: InputFile[]) => new Session(input(list)).lint();
const selectsNobody = (issues: IssueView[]) =>
  issues.some((i) => i.code === 'selects-nothing' && i.file === edited && /app=nobody/.test(i.message));

function worker() {
  const answers: Answer[] = [];
  const pauses: (() => void)[] = [];
  const answer = answerRequests(
    (a) => answers.push(a),
    () => new Promise<void>((resolve) => pauses.push(resolve)),
  );
  const ask = (id: number, request: Request) => answer(id, request);
  const answerOf = (id: number) => answers.find((a) => a.id === id);
  /** Lets lint go on, one pause at a time, until `id` is answered; how many pauses it took. */
  async function releaseUntil(id: number): Promise<number> {
    let released = 0;
    for (let i = 0; i < 100 && !answerOf(id); i++) {
      const next = pauses.shift();
      assert.ok(next, `request ${id} waits for nothing`);
      next();
      released++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return released;
  }
  return { answers, pauses, ask, answerOf, releaseUntil };
}

describe('lint in the worker runs a rule at a time', () => {
  test('the edit changes the findings (the stale ones would be wrong)', () => {
    assert.equal(selectsNobody(findingsOf(files)), false);
    assert.equal(selectsNobody(findingsOf(editedFiles)), true);
  });

  test('lint with nothing else asked: a pause after each step, then the session’s findings', async () => {
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    w.ask(2, { op: 'lint' });
    assert.equal(w.answerOf(2), undefined, 'lint answered before any pause');
    // the context, each rule, and one more for one-sided-allow (its setup, then this small input's one chunk)
    assert.equal(await w.releaseUntil(2), LINT_RULES.length + 2);
    assert.deepEqual(w.answerOf(2), { id: 2, result: findingsOf(files) });
  });

  test('an edit during lint is answered before lint goes on; the stale lint is abandoned, never shown', async () => {
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    w.ask(2, { op: 'lint' });
    assert.equal(w.pauses.length, 1);
    w.ask(3, { op: 'edit', file: edited, text: editedText });
    const edit = w.answerOf(3);
    assert.ok(edit && 'result' in edit, 'the edit waited for lint');
    assert.deepEqual(
      w.answers.map((a) => a.id),
      [1, 3],
    );
    assert.equal(await w.releaseUntil(2), 1, 'the stale lint ran another rule');
    assert.deepEqual(w.answerOf(2), { id: 2, error: STALE_LINT });
    // The page asks again for its new summary: the edited state's findings.
    w.ask(4, { op: 'lint' });
    await w.releaseUntil(4);
    const again = w.answerOf(4);
    assert.ok(again && 'result' in again);
    assert.deepEqual(again.result, findingsOf(editedFiles));
    assert.equal(selectsNobody(again.result as IssueView[]), true);
  });

  test('requests that change no state (matrix, check, text) are answered during lint, which goes on', async () => {
    const w = worker();
    const loaded = (() => {
      w.ask(1, { op: 'load', input: input(files) });
      const a = w.answerOf(1);
      assert.ok(a && 'result' in a);
      return a.result as { ports: string[] };
    })();
    w.ask(2, { op: 'lint' });
    w.pauses.shift()?.(); // lint's first rule
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(w.pauses.length, 1);
    w.ask(3, { op: 'matrix', port: loaded.ports[0] ?? '80/TCP' });
    w.ask(4, { op: 'text', file: edited });
    assert.ok(w.answerOf(3) && w.answerOf(4));
    assert.equal(w.answerOf(2), undefined);
    await w.releaseUntil(2);
    assert.deepEqual(w.answerOf(2), { id: 2, result: findingsOf(files) });
  });

  test('a toggle during lint makes it stale too; two lints of one state agree', async () => {
    const w = worker();
    w.ask(1, { op: 'load', input: input(editedFiles) });
    w.ask(2, { op: 'lint' });
    w.ask(3, { op: 'toggle', policy: 'default/selects-nobody', enabled: false });
    await w.releaseUntil(2);
    assert.deepEqual(w.answerOf(2), { id: 2, error: STALE_LINT });
    w.ask(4, { op: 'lint' });
    w.ask(5, { op: 'lint' });
    await w.releaseUntil(4);
    await w.releaseUntil(5);
    assert.deepEqual(w.answerOf(4), w.answerOf(5) && { ...w.answerOf(5), id: 4 });
    const answer = w.answerOf(4);
    assert.ok(answer && 'result' in answer);
    assert.equal(selectsNobody(answer.result as IssueView[]), false, 'the toggled-off policy was linted');
  });
});

describe('the matrix the page shows goes with an edit’s answer', () => {
  test('an edit, toggle or revert answers with the matrix of the port asked last, a fresh session’s; a check does not', () => {
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    const loaded = w.answerOf(1);
    assert.ok(loaded && 'result' in loaded);
    const port = (loaded.result as Summary).ports[0] ?? '80/TCP';
    w.ask(2, { op: 'revert' });
    assert.equal(summaryOf(w.answerOf(2)).matrix, undefined, 'a matrix before the page asked one');
    w.ask(3, { op: 'matrix', port });
    w.ask(4, { op: 'check', from: 'default/frontend', to: 'default/backend', port });
    assert.ok(!('matrix' in (resultOf(w.answerOf(4)) as object)));
    w.ask(5, { op: 'edit', file: edited, text: editedText });
    w.ask(6, { op: 'toggle', policy: 'default/selects-nobody', enabled: false });
    const fresh = new Session(input(editedFiles));
    assert.deepEqual(summaryOf(w.answerOf(5)).matrix, fresh.matrix(port));
    fresh.toggle('default/selects-nobody', false);
    assert.deepEqual(summaryOf(w.answerOf(6)).matrix, fresh.matrix(port));
    w.ask(7, { op: 'revert' });
    assert.deepEqual(summaryOf(w.answerOf(7)).matrix, new Session(input(files)).matrix(port));
  });

  test('a change that costs a whole matrix answers without it, then computes it before the page asks', (t) => {
    const carried = t.mock.method(Session.prototype, 'quickMatrix', () => undefined);
    const prepared = t.mock.method(Session.prototype, 'prepareMatrix');
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    const port = (resultOf(w.answerOf(1)) as Summary).ports[0] ?? '80/TCP';
    w.ask(2, { op: 'matrix', port });
    w.ask(3, { op: 'edit', file: edited, text: editedText });
    assert.equal(summaryOf(w.answerOf(3)).matrix, undefined);
    assert.equal(carried.mock.callCount(), 1);
    assert.equal(prepared.mock.callCount(), 1);
    w.ask(4, { op: 'matrix', port });
    assert.deepEqual(resultOf(w.answerOf(4)), new Session(input(editedFiles)).matrix(port));
  });

  test("the input's what-if side is found once after a load, after the first matrix is answered", (t) => {
    const prepared = t.mock.method(Session.prototype, 'prepareWhatIf');
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    const port = (resultOf(w.answerOf(1)) as Summary).ports[0] ?? '80/TCP';
    assert.equal(prepared.mock.callCount(), 0, 'before the first view asked its matrix');
    w.ask(2, { op: 'matrix', port });
    assert.ok(w.answerOf(2), 'the matrix is answered first');
    assert.equal(prepared.mock.callCount(), 1);
    w.ask(3, { op: 'matrix', port });
    w.ask(4, { op: 'edit', file: edited, text: editedText });
    w.ask(5, { op: 'matrix', port });
    assert.equal(prepared.mock.callCount(), 1, 'once a load');
    w.ask(6, { op: 'load', input: input(files) });
    w.ask(7, { op: 'matrix', port });
    assert.equal(prepared.mock.callCount(), 2, 'again after a reload');
  });
  test('the edit path is run ahead a few times after the editor opened a file, between requests, once a load', async (t) => {
    const prepared = t.mock.method(Session.prototype, 'prepareEdit');
    const w = worker();
    /** Runs what waits for a pause (`pauses`: lint's steps, the edit path's rounds), one at a time. */
    const releaseAll = async () => {
      for (let i = 0; i < 20 && w.pauses.length > 0; i++) {
        w.pauses.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    w.ask(1, { op: 'load', input: input(files) });
    const port = (resultOf(w.answerOf(1)) as Summary).ports[0] ?? '80/TCP';
    w.ask(2, { op: 'matrix', port });
    await releaseAll();
    assert.equal(prepared.mock.callCount(), 0, 'not before the editor opens');
    w.ask(3, { op: 'editorOpened', file: edited });
    assert.ok(w.answerOf(3), 'answered first');
    assert.equal(prepared.mock.callCount(), 0, 'after a pause: a request that came meanwhile goes first');
    await releaseAll();
    assert.equal(prepared.mock.callCount(), EDIT_WARM_ROUNDS);
    assert.deepEqual(prepared.mock.calls[0]?.arguments, [edited]);
    w.ask(4, { op: 'editorOpened', file: edited });
    w.ask(5, { op: 'edit', file: edited, text: editedText });
    await releaseAll();
    assert.equal(prepared.mock.callCount(), EDIT_WARM_ROUNDS, 'once a load');
    w.ask(6, { op: 'load', input: input(files) });
    w.ask(7, { op: 'editorOpened', file: edited });
    w.pauses.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(prepared.mock.callCount(), EDIT_WARM_ROUNDS + 1, 'again after a reload');
    w.ask(8, { op: 'load', input: input(files) });
    await releaseAll();
    assert.equal(prepared.mock.callCount(), EDIT_WARM_ROUNDS + 1, 'and no more once another input came');
  });
});

function resultOf(answer: Answer | undefined): unknown {
  assert.ok(answer && 'result' in answer, `no result: ${JSON.stringify(answer)}`);
  return answer.result;
}

const summaryOf = (answer: Answer | undefined) => resultOf(answer) as Summary;
