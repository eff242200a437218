import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli as runCliWith } from '../test-helpers.js';

const FIXTURES = fileURLToPath(new URL('./check-fixtures/', import.meta.url));

function runCli(argv: string[], stdin = '') {
  return runCliWith(argv, { stdin, cwd: FIXTURES, env: { NO_COLOR: '1' } });
}

const FILES = ['-f', 'shop.yaml', '-f', 'policies.yaml'];

describe('netpol explain', () => {
  test('every policy: what it selects, each rule with file:line, ignored egress flagged', async () => {
    const r = await runCli(['explain', ...FILES, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { policies } = JSON.parse(r.stdout);
    assert.deepEqual(
      policies.map((p: { policy: { id: string } }) => p.policy.id),
      ['shop/default-deny', 'shop/only-client'],
    );
    const [deny, only] = policies;
    assert.deepEqual(deny.selects, ['shop/backend-0', 'shop/backend-1']);
    assert.deepEqual([deny.ingress.isolates, deny.ingress.rules.length], [true, 0]);
    assert.deepEqual([only.egress.isolates, only.egress.ignored], [false, true]);
    assert.deepEqual(
      only.ingress.rules.map((r: { rule: string; file: string; line: number; pods: string[] }) => [
        r.rule,
        r.file,
        r.line,
        r.pods,
      ]),
      [['spec.ingress[0]', 'policies.yaml', 14, ['default/client']]],
    );
  });

  test('one policy in text', async () => {
    const r = await runCli(['explain', ...FILES, '--policy', 'shop/only-client']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NetworkPolicy shop\/only-client {2}\(policies\.yaml:7\)/);
    assert.match(
      r.stdout,
      /spec\.ingress\[0\] \(policies\.yaml:14\): from pods app=client in namespace default, on http\/TCP/,
    );
    assert.match(r.stdout, /egress: IGNORED/);
  });

  test('a pod: isolating policies and the rules that admit traffic', async () => {
    const r = await runCli(['explain', ...FILES, '--pod', 'shop/backend[Deployment]', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { pod } = JSON.parse(r.stdout);
    assert.equal(pod.id, 'shop/backend-0');
    assert.deepEqual(
      pod.ingress.selectedBy.map((p: { id: string }) => p.id),
      ['shop/default-deny', 'shop/only-client'],
    );
    assert.deepEqual(
      pod.ingress.rules.map((r: { policy: string; rule: string; ports: string[] }) => [r.policy, r.rule, r.ports]),
      [['shop/only-client', 'spec.ingress[0]', ['http/TCP (8080 on shop/backend-0)']]],
    );
    assert.equal(pod.egress.isolated, false);
    assert.deepEqual(
      pod.egress.ignoredBy.map((p: { id: string }) => p.id),
      ['shop/only-client'],
    );
  });

  test('a workload without replicas is explained as its pod template, not as a replica of itself', async () => {
    const r = await runCli(['explain', ...FILES, '--pod', 'shop/backend[StatefulSet]']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^StatefulSet shop\/backend\[StatefulSet\] {2}\(no replicas: its pod template; no address;/);
    assert.doesNotMatch(r.stdout, /replica of/);
  });

  test('no policies: says every pod is open', async () => {
    const r = await runCli(['explain', '-f', 'shop.yaml', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { policies: [] });
  });

  const bad: [string, string[], RegExp][] = [
    ['unknown policy', ['--policy', 'only-clint'], /did you mean shop\/only-client/],
    ['unknown pod', ['--pod', 'shop/backnd-0'], /did you mean shop\/backend-0/],
    ['a Service is not a pod', ['--pod', 'backend.shop'], /not a pod/],
    ['both flags', ['--pod', 'client', '--policy', 'x'], /not both/],
  ];
  for (const [name, args, message] of bad) {
    test(`bad input: ${name} → exit 2`, async () => {
      const r = await runCli(['explain', ...FILES, ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
    });
  }
});
