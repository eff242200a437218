import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { InputFile } from '../protocol.js';
import { Session } from './session.js';

const examples = join(import.meta.dirname, '..', '..', '..', '..', 'examples');
const ADMIN = '005-admin-guardrails';

/** `only`: the example's files to read (all but expect.yaml when absent). */
function session(example: string, only?: readonly string[]): Session {
  const dir = join(examples, example);
  const files: InputFile[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') && f !== 'expect.yaml' && (!only || only.includes(f)))
    .sort()
    .map((f) => ({ name: `${example}/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  return new Session({ mode: 'serve', files, namespace: 'default', canSave: false, version: 0 });
}

const GUARDRAILS = 'ClusterNetworkPolicy/cluster-guardrails';

describe('admin tier policies in the page (the worker side)', () => {
  test('the summary lists them in the order they are consulted, with tier, priority and source', () => {
    const summary = session(ADMIN).summary();
    assert.deepEqual(
      summary.adminPolicies?.map((p) => [p.id, p.tier, p.priority, p.title, p.file, p.enabled]),
      [
        [
          GUARDRAILS,
          'admin',
          10,
          'ClusterNetworkPolicy cluster-guardrails (priority 10)',
          `${ADMIN}/guardrails.yaml`,
          true,
        ],
        [
          'ClusterNetworkPolicy/team-delegation',
          'admin',
          20,
          'ClusterNetworkPolicy team-delegation (priority 20)',
          `${ADMIN}/team-delegation.yaml`,
          true,
        ],
        [
          'ClusterNetworkPolicy/default-deny',
          'baseline',
          100,
          'ClusterNetworkPolicy default-deny (priority 100)',
          `${ADMIN}/baseline-default-deny.yaml`,
          true,
        ],
      ],
    );
    assert.equal(session('001-frontend-backend').summary().adminPolicies, undefined);
  });

  test('selecting one explains it as netpol explain --policy cnp/NAME does', () => {
    const view = session(ADMIN).select('policy', GUARDRAILS);
    assert.equal(view.kind, 'admin');
    if (view.kind !== 'admin') return;
    assert.equal(view.tier, 'admin tier: before NetworkPolicies');
    assert.equal(`${view.file}:${view.line}`, `${ADMIN}/guardrails.yaml:3`);
    assert.equal(view.subject, 'every pod in namespaces kubernetes.io/metadata.name notin (kube-system)');
    assert.deepEqual(view.selects, ['team-a/api', 'team-b/client']);
    assert.deepEqual(view.ingress, { words: 'no rules (ingress is left to the next tiers)', rules: [] });
    assert.equal(view.egress.words, 'the first rule that matches decides:');
    assert.deepEqual(
      view.egress.rules.map((r) => [r.index, r.name, r.action, r.line, r.text, r.matches]),
      [
        [
          0,
          'allow-dns',
          'Accept',
          17,
          'Accept to pods k8s-app=kube-dns in namespace kube-system, on 53/UDP, 53/TCP',
          'matches 1 pod: kube-system/coredns-0',
        ],
        [
          1,
          'deny-kube-system',
          'Deny',
          34,
          'Deny to every pod in namespace kube-system, on every port',
          'matches 2 pods: kube-system/coredns-0, kube-system/metrics-server',
        ],
      ],
    );
  });

  test('toggled off, it leaves the model: its Deny no longer decides, the what-if says so, and it can be put back', () => {
    const s = session(ADMIN, ['dns.yaml', 'workloads.yaml', 'guardrails.yaml']);
    const ask = () => s.check('team-a/api', 'kube-system/metrics-server', '443');
    assert.equal(ask().allowed, false);
    assert.match(
      ask().lines?.join('\n') ?? '',
      /admin: ClusterNetworkPolicy cluster-guardrails \(priority 10\) spec\.egress\[1\] "deny-kube-system" Deny/,
    );
    const off = s.toggle(GUARDRAILS, false);
    assert.equal(off.adminPolicies?.find((p) => p.id === GUARDRAILS)?.enabled, false);
    assert.deepEqual(off.whatIf?.policies.removed, [GUARDRAILS]);
    assert.ok(
      off.whatIf?.opened.some(
        (c) => c.from === 'team-a/api' && c.to === 'kube-system/metrics-server' && c.protocol === 'TCP',
      ),
    );
    assert.equal(ask().allowed, true);
    assert.deepEqual(s.select('policy', GUARDRAILS), {
      kind: 'none',
      id: GUARDRAILS,
      message: `no policy ${GUARDRAILS} (toggled off?)`,
    });
    assert.deepEqual(s.locate(GUARDRAILS), { file: `${ADMIN}/guardrails.yaml`, line: 3 });
    const back = s.toggle(GUARDRAILS, true);
    assert.equal(back.whatIf, undefined);
    assert.equal(ask().allowed, false);
  });
});
