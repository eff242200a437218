import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LINT_RULES } from '@netpol/core/lint';
import { Session } from '../engine/session.js';
import type { AppInput, InputFile, IssueView, Request } from '../protocol.js';
import { type Answer, answerRequests, STALE_LINT } from './answer-requests.js';

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

describe('the matrix the page asks after an edit is computed with the edit', () => {
  test('after an edit, toggle or revert (not a check), the port asked last is prepared; its answer is a fresh session’s', (t) => {
    const prepared = t.mock.method(Session.prototype, 'prepareMatrix');
    const w = worker();
    w.ask(1, { op: 'load', input: input(files) });
    const loaded = w.answerOf(1);
    assert.ok(loaded && 'result' in loaded);
    const port = (loaded.result as { ports: string[] }).ports[0] ?? '80/TCP';
    w.ask(2, { op: 'matrix', port });
    w.ask(3, { op: 'check', from: 'default/frontend', to: 'default/backend', port });
    assert.equal(prepared.mock.callCount(), 0);
    w.ask(4, { op: 'edit', file: edited, text: editedText });
    w.ask(5, { op: 'toggle', policy: 'default/selects-nobody', enabled: false });
    assert.equal(prepared.mock.callCount(), 2);
    w.ask(6, { op: 'matrix', port });
    const fresh = new Session(input(editedFiles));
    fresh.toggle('default/selects-nobody', false);
    assert.deepEqual(w.answerOf(6), { id: 6, result: fresh.matrix(port) });
    w.ask(7, { op: 'revert' });
    assert.equal(prepared.mock.callCount(), 3);
  });
});
