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

  test('a class of pods (policies alone): groups the same policies select, each explained as a pod is', async () => {
    const r = await runCli(['explain', '-f', 'policies.yaml', '--pod', 'shop/{tier!=db}']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Pods shop\/\{tier!=db\} {2}\(every pod that could exist there, in 2 groups the policies treat apart\)$/m,
    );
    const groups = r.stdout.split(/^(?=shop\/)/m).slice(1);
    assert.deepEqual(
      groups.map((g) => g.split('\n')[0]),
      ['shop/{app!=backend,tier!=db}', 'shop/{app=backend,tier!=db}'],
    );
    assert.match(groups[0] ?? '', /^ {2}ingress: isolated by shop\/default-deny \(policies\.yaml:1\)$/m);
    assert.match(groups[0] ?? '', /no rule admits anything/);
    assert.match(
      groups[1] ?? '',
      /^ {6}shop\/only-client spec\.ingress\[0\] \(policies\.yaml:14\): pods app=client in namespace default, on http\/TCP$/m,
    );
    assert.match(
      groups[1] ?? '',
      /note: shop\/only-client selects it and has egress rules, but its policyTypes lacks Egress/,
    );
  });

  test('a class of pods in JSON: each group with its classes and both directions in explain --pod shape', async () => {
    const r = await runCli(['explain', ...FILES, '--pod', '*/{app=backend}', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { pods } = JSON.parse(r.stdout);
    assert.deepEqual([pods.endpoint, pods.symbolic, pods.notes], ['*/{app=backend}', true, []]);
    const seen = (d: {
      isolated: boolean;
      selectedBy: { id: string }[];
      rules: { policy: string; rule: string }[];
    }) => [d.isolated, d.selectedBy.map((p) => p.id), d.rules.map((x) => `${x.policy} ${x.rule}`)];
    assert.deepEqual(
      pods.groups.map((g: { pods: string; classes: string[]; ingress: never; egress: never }) => [
        g.pods,
        g.classes,
        seen(g.ingress),
        seen(g.egress),
      ]),
      [
        [
          'shop/{app=backend}',
          ['shop/{app=backend}'],
          [true, ['shop/default-deny', 'shop/only-client'], ['shop/only-client spec.ingress[0]']],
          [false, [], []],
        ],
        [
          '{kubernetes.io/metadata.name!=shop}/{app=backend}',
          ['{kubernetes.io/metadata.name!=shop}/{app=backend}'],
          [false, [], []],
          [false, [], []],
        ],
      ],
    );
    // A rule's pods are the input's (as explain --policy lists them).
    assert.deepEqual(pods.groups[0].ingress.rules[0].pods, ['default/client']);
  });

  const bad: [string, string[], RegExp][] = [
    ['outside addresses are not pods', ['--pod', '10.0.0.0/8'], /--pod: 10\.0\.0\.0\/8 is outside addresses, not pods/],
    [
      'a class whose selectors contradict',
      ['--pod', 'shop/{app=a,app!=a}'],
      /--pod: shop\/\{app=a,app!=a\} can match no pod at all/,
    ],
    ['a class that does not parse', ['--pod', 'shop/{app=a'], /--pod: "\{app=a": a selector ends with \}/],
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
