import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Session } from './engine/session.js';
import type { AppInput, InputFile, Request, Summary } from './protocol.js';
import { elideSummary, restoreSummary, type SummaryWire } from './summary-wire.js';
import { type Answer, answerRequests } from './worker/answer-requests.js';

const dir = join(import.meta.dirname, '../../../examples/001-frontend-backend');
const files: InputFile[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml')
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(dir, f), 'utf8') }));
const input: AppInput = { mode: 'serve', files, namespace: 'default', canSave: true, version: 0 };

/** Edits, toggles and reverts of the example: labels changed (an endpoint's view), policies toggled. */
const step = fc.oneof(
  fc.record({
    op: fc.constant('toggle' as const),
    policy: fc.constantFrom('default/deny-all-ingress-to-backend', 'nope'),
    enabled: fc.boolean(),
  }),
  fc.record({ op: fc.constant('revert' as const) }),
  fc
    .tuple(fc.nat(files.length - 1), fc.constantFrom('app: frontend', 'role: db', '# note'))
    .map(([i, what]): Request => {
      const f = files[i] as InputFile;
      return { op: 'edit', file: f.name, text: f.text.replace(/app: \w+/, what) };
    }),
);

/** What a Session asked the same requests answers (the page's summary). */
function expected(requests: Request[]): Summary[] {
  const s = new Session(input);
  return [
    s.summary(),
    ...requests.map((r) => {
      if (r.op === 'edit') return s.edit(r.file, r.text);
      if (r.op === 'toggle') return s.toggle(r.policy, r.enabled);
      return s.revert();
    }),
  ];
}

describe('summaries leave out the lists equal to the last one’s', () => {
  test('the page restores every summary the worker posts to what the session answered', () => {
    let left = 0;
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 6 }), (requests) => {
        const answers: Answer[] = [];
        const answer = answerRequests(
          (a) => answers.push(a),
          () => Promise.resolve(),
        );
        answer(0, { op: 'load', input });
        for (const [i, r] of requests.entries()) answer(i + 1, r);
        let last: Summary | undefined;
        const restored = answers.map((a) => {
          assert.ok('result' in a, JSON.stringify(a));
          const wire = a.result as SummaryWire;
          left += wire.same?.length ?? 0;
          last = restoreSummary(last, wire);
          const { matrix: _m, ...rest } = last;
          return rest;
        });
        assert.deepEqual(restored, expected(requests));
      }),
      { numRuns: 30 },
    );
    assert.ok(left > 0, 'no list was ever left out');
  });

  test('a list differing in any field is posted whole', () => {
    const s = new Session(input);
    const before = s.summary();
    const endpoint = before.endpoints[0];
    const policy = before.policies[0];
    assert.ok(endpoint && policy);
    const changed: Summary[] = [
      {
        ...before,
        endpoints: [{ ...endpoint, labels: { ...endpoint.labels, extra: 'x' } }, ...before.endpoints.slice(1)],
      },
      {
        ...before,
        endpoints: [{ ...endpoint, ingressIsolated: !endpoint.ingressIsolated }, ...before.endpoints.slice(1)],
      },
      { ...before, endpoints: before.endpoints.slice(1) },
      { ...before, policies: [{ ...policy, enabled: !policy.enabled }, ...before.policies.slice(1)] },
    ];
    assert.deepEqual(elideSummary(before, before).same, ['endpoints', 'policies']);
    assert.deepEqual(
      changed.map((next) => elideSummary(before, next).same),
      [['policies'], ['policies'], ['policies'], ['endpoints']],
    );
    for (const next of changed) assert.deepEqual(restoreSummary(before, elideSummary(before, next)), next);
  });
});
