import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli as runCliWith } from '../test-helpers.js';

/** check / explain / validate on the admin tiers, over examples/005-admin-guardrails. */
const EXAMPLE = fileURLToPath(new URL('../../../../examples/005-admin-guardrails/', import.meta.url));

function runCli(argv: string[]) {
  return runCliWith(argv, { cwd: EXAMPLE, env: { NO_COLOR: '1' } });
}

describe('admin tiers in check, explain and validate', () => {
  test('check names the admin rule that decided, then the NetworkPolicy after a Pass', async () => {
    const denied = await runCli([
      'check',
      '-f',
      '.',
      '--from',
      'team-b/client',
      '--to',
      'kube-system/metrics-server',
      '--port',
      '443',
    ]);
    assert.equal(denied.code, 1, denied.stderr);
    assert.match(
      denied.stdout,
      /egress {2}team-b\/client: admin: ClusterNetworkPolicy cluster-guardrails \(priority 10\) spec\.egress\[1\] "deny-kube-system" Deny \(guardrails\.yaml:\d+\)/,
    );
    const passed = await runCli([
      'check',
      '-f',
      '.',
      '--from',
      'team-b/client',
      '--to',
      'team-a/api',
      '--port',
      '8080',
      '-o',
      'json',
    ]);
    assert.equal(passed.code, 0, passed.stderr);
    const [pair] = JSON.parse(passed.stdout).pairs;
    assert.deepEqual(
      [
        pair.egress.tier,
        pair.egress.passedBy.map(
          (r: { policy: string; rule: string; action: string }) => `${r.policy} ${r.rule} ${r.action}`,
        ),
        pair.egress.allowedBy.map((r: { policy: string }) => r.policy),
      ],
      ['networkpolicy', ['team-delegation spec.egress[0] Pass'], ['team-b/client-to-api']],
    );
  });

  test('check: the baseline decides where no NetworkPolicy isolates', async () => {
    const r = await runCli(['check', '-f', '.', '--from', 'team-a/api', '--to', 'team-b/client', '--port', '8080']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /egress {2}team-a\/api: passed by admin: ClusterNetworkPolicy team-delegation .* Pass .*, then not isolated \(no policy selects it for egress\); baseline: ClusterNetworkPolicy default-deny \(priority 100\) spec\.egress\[0\] "deny-all-egress" Deny/,
    );
  });

  test('explain --policy cnp/NAME: subject and each rule in words', async () => {
    const r = await runCli(['explain', '-f', '.', '--policy', 'cnp/cluster-guardrails']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ClusterNetworkPolicy cluster-guardrails \(priority 10\) {2}\(guardrails\.yaml:\d+\) {2}admin tier: before NetworkPolicies$/m,
    );
    assert.match(
      r.stdout,
      /spec\.egress\[0\] \(guardrails\.yaml:\d+\) "allow-dns": Accept to pods k8s-app=kube-dns in namespace kube-system, on 53\/UDP, 53\/TCP/,
    );
    const missing = await runCli(['explain', '-f', '.', '--policy', 'anp/cluster-guardrails']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no AdminNetworkPolicy "cluster-guardrails" in the input/);
  });

  test('explain --pod lists the admin policies in consult order', async () => {
    const r = await runCli(['explain', '-f', '.', '--pod', 'team-b/client', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const { pod } = JSON.parse(r.stdout);
    assert.deepEqual(
      pod.adminPolicies.map((p: { id: string; tier: string }) => `${p.tier} ${p.id}`),
      [
        'admin ClusterNetworkPolicy/cluster-guardrails',
        'admin ClusterNetworkPolicy/team-delegation',
        'baseline ClusterNetworkPolicy/default-deny',
      ],
    );
  });

  test('validate: a CEL rule of the CRD, with file:line:col and field path', async () => {
    const text = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: bad}
spec:
  tier: Admin
  priority: 1
  subject: {namespaces: {}}
  egress:
  - action: Deny
    to: [{networks: [10.0.0.0/8]}]
    protocols: [{destinationNamedPort: web}]
`;
    const r = await runCliWith(['validate', '-f', '-'], { stdin: text, env: { NO_COLOR: '1' } });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^-:9:5: ClusterNetworkPolicy bad: spec\.egress\[0\]: Invalid value: "object": networks\/nodes\/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks\/nodes\/domainNames$/m,
    );
  });
});
