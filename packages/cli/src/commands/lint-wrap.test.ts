import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeIo } from '../test-helpers.js';
import { lintCommand, wrapFinding } from './lint.js';

const LONG =
  'x.yaml:17:7: NetworkPolicy backend-ns/loose-api-ingress: spec.ingress[0].from[1]: warning: from[0] and from[1] are two peers, so this rule admits every pod in namespaces user=alice OR pods role=client in namespace backend-ns; if you meant only pods role=client in namespaces user=alice, put namespaceSelector and podSelector in one from item [namespace-pod-selector-or]';

describe('lint findings on a terminal (issue 16, item 8)', () => {
  for (const width of [60, 80, 120]) {
    it(`wrap to ${width} columns, the fix on its own indented lines, no word lost`, () => {
      const lines = wrapFinding(LONG, width).split('\n');
      for (const line of lines) assert.ok(line.length <= width, `${line.length}: ${line}`);
      assert.ok(lines.slice(1).every((l) => l.startsWith('    ')));
      assert.ok(
        lines.some((l) => l.startsWith('    if you meant')),
        'the fix starts a line',
      );
      assert.equal(
        lines
          .map((l) => l.trim())
          .join(' ')
          .replace('; if', ' if'),
        LONG.replace('; if', ' if'),
      );
    });
  }
  it('colour codes do not count toward the width', () => {
    const colored = `\u001b[33mwarning\u001b[39m ${'word '.repeat(30).trim()}`;
    for (const line of wrapFinding(colored, 60).split('\n')) {
      assert.ok(line.replace(/\u001b\[[0-9;]*m/g, '').length <= 60);
    }
  });
  it('piped output stays one line per finding', async () => {
    const f = fakeIo({ cwd: process.cwd(), stdin: LONG_POLICY });
    await lintCommand({ file: ['-'], output: 'text', failOn: 'warning' }, f.io);
    const finding = f
      .stdout()
      .split('\n')
      .find((l) => l.includes('[namespace-pod-selector-or]'));
    assert.ok(finding && finding.length > 200, 'one long line');
  });
});

const LONG_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: loose, namespace: backend-ns}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {user: alice}}
    - podSelector: {matchLabels: {role: client}}
`;
