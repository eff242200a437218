import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IssueView } from '../protocol.js';
import { problemRows } from './problem-rows.js';

const finding = (code: string, message: string, line: number, source: IssueView['source'] = 'lint'): IssueView => ({
  file: 'cluster.yaml',
  from: line * 10,
  to: line * 10 + 5,
  line,
  col: 3,
  severity: 'warning',
  code,
  path: 'spec.ingress[0]',
  message,
  source,
});

describe('the Problems list keeps its rows across lints', () => {
  const before = [finding('one-sided-allow', 'a', 10), finding('one-sided-allow', 'a', 20), finding('dns', 'b', 30)];
  const keys = (rows: ReturnType<typeof problemRows>) => rows.map((r) => [r.key, r.hidden]);

  test('while lint runs, the last findings are rows still, hidden, with the keys they had', () => {
    const shown = problemRows([finding('invalid', 'x', 1, 'validate'), ...before], [], 200);
    const running = problemRows([finding('invalid', 'x', 1, 'validate')], before, 200);
    assert.deepEqual(
      keys(running),
      shown.map((r) => [r.key, r.issue.source === 'lint']),
    );
  });

  test('findings moved by an edit above them keep their keys (the same rows), repeated ones told apart', () => {
    const moved = before.map((f) => ({ ...f, line: (f.line ?? 0) + 1, from: (f.from ?? 0) + 7 }));
    assert.deepEqual(keys(problemRows(moved, [], 200)), keys(problemRows(before, [], 200)));
    assert.equal(new Set(problemRows(before, [], 200).map((r) => r.key)).size, 3);
  });

  test('the first `limit` rows are listed, the hidden ones in what is left', () => {
    assert.deepEqual(
      problemRows([finding('invalid', 'x', 1, 'validate')], before, 2).map((r) => [r.issue.code, r.hidden]),
      [
        ['invalid', false],
        ['one-sided-allow', true],
      ],
    );
    assert.deepEqual(problemRows(before, [], 1).length, 1);
  });
});
