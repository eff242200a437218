import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { clusterFromYaml } from '../../../core/src/test-helpers.js';
import { featuresYaml } from './fixtures.js';
import { compileRuleset, planUpdate } from './index.js';
import { planDataplane } from './plan.js';
import { planPodChanges } from './plan-changes.js';

const golden = (name: string) => new URL(`./golden/${name}.nft`, import.meta.url);

/** Compare with the golden file; `UPDATE_GOLDEN=1` rewrites it (review the diff). */
function assertGolden(name: string, text: string): void {
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(golden(name), text);
  assert.equal(text, readFileSync(golden(name), 'utf8'), `golden/${name}.nft differs (UPDATE_GOLDEN=1 to accept)`);
}

const WEB = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: agnhost, ports: [{name: http, containerPort: 8080}]}]}
status: {podIP: 198.18.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
spec: {containers: [{name: c, image: agnhost}]}
status: {podIP: 198.18.1.11}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {clusterIP: 198.19.0.80, selector: {app: web}, ports: [{port: 80, targetPort: http}]}
`;

/** kube-dns: one Service with UDP and TCP ports (nft once refused its NAT map's value type). */
const DNS = `
apiVersion: v1
kind: Pod
metadata: {name: coredns-0, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
  - name: c
    image: coredns
    ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53}]
status: {podIP: 198.18.1.53}
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec:
  clusterIP: 198.19.0.10
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, protocol: UDP, targetPort: dns}, {name: dns-tcp, port: 53, targetPort: dns-tcp}]
`;

const POLICIES = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-allow, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: client}}}]
    ports: [{port: http}, {port: 9000, endPort: 9010, protocol: UDP}, {protocol: SCTP, port: 5000}]
  - from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.10/32]}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-egress, namespace: default}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - to: [{podSelector: {}}]
`;

describe('compileRuleset golden text', () => {
  const cases: [string, string, boolean][] = [
    ['empty', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n', true],
    ['service-no-policy', WEB, true],
    ['policies', WEB + POLICIES, true],
    ['policies-no-enforce', WEB + POLICIES, false],
    ['dns-service-udp-and-tcp', DNS, true],
  ];
  for (const [name, yaml, enforce] of cases) {
    it(name, () => {
      const cluster = clusterFromYaml(yaml);
      assertGolden(name, compileRuleset(cluster, { enforce }));
    });
  }

  it('uses the table name asked for and refuses names nft would misread', () => {
    const cluster = clusterFromYaml(WEB);
    assert.match(compileRuleset(cluster, { enforce: true, table: 'np_test' }), /^table inet np_test \{$/m);
    assert.throws(() => compileRuleset(cluster, { enforce: true, table: 'a b' }), /invalid nftables table name/);
  });

  it('never writes a rule per policy: the rule count stays fixed as policies grow', () => {
    const many = Array.from(
      { length: 200 },
      (_, i) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p${i}, namespace: default}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {n: "${i}"}}}], ports: [{port: ${1000 + i}}]}]`,
    ).join('');
    const rules = (text: string) => text.split('\n').filter((l) => /^\t\t(ct|meta|ip|drop|numgen)/.test(l)).length;
    const one = compileRuleset(clusterFromYaml(WEB + POLICIES), { enforce: true });
    const lots = compileRuleset(clusterFromYaml(WEB + POLICIES + many), { enforce: true });
    assert.equal(rules(lots), rules(one), 'the chains gained rules');
    assert.ok(lots.length > one.length, 'the policies are in the maps');
  });
});

describe('planUpdate', () => {
  const base = clusterFromYaml(WEB + POLICIES);
  const options = { enforce: true, table: 'netpol' };
  const relabel = (from: string, to: string) => clusterFromYaml((WEB + POLICIES).replace(from, to));

  it('does nothing when nothing the dataplane sees changed', () => {
    const update = planUpdate(planDataplane(base), clusterFromYaml(WEB + POLICIES), options);
    assert.equal(update.mode, 'none');
    assert.equal(update.script, '');
  });

  it('moves a relabelled pod into existing classes with element changes only', () => {
    // A third pod like client, then it changes to look like web's peers (app: client).
    const withThird = clusterFromYaml(
      `${WEB}${POLICIES}---
apiVersion: v1
kind: Pod
metadata: {name: third, namespace: default, labels: {app: third}}
spec: {containers: [{name: c, image: agnhost}]}
status: {podIP: 198.18.1.12}
`,
    );
    const moved = clusterFromYaml(
      `${WEB}${POLICIES}---
apiVersion: v1
kind: Pod
metadata: {name: third, namespace: default, labels: {app: client}}
spec: {containers: [{name: c, image: agnhost}]}
status: {podIP: 198.18.1.12}
`,
    );
    const before = planDataplane(withThird);
    const update = planUpdate(before, moved, options);
    assert.equal(update.mode, 'elements');
    const egressClass = before.egress.subjects.get('198.18.1.11');
    const ingressPeer = before.ingress.podPeers.get('198.18.1.11');
    assert.equal(
      update.script,
      [
        'delete element inet netpol ingress_peer_pod { 198.18.1.12 }',
        `add element inet netpol egress_subject { 198.18.1.12 : ${egressClass} }`,
        `add element inet netpol ingress_peer_pod { 198.18.1.12 : ${ingressPeer} }`,
        '',
      ].join('\n'),
    );
    assert.equal(update.changes, 3);
  });

  it('recompiles in full when the policies change', () => {
    const update = planUpdate(planDataplane(base), clusterFromYaml(WEB), options);
    assert.equal(update.mode, 'full');
    assert.match(update.script, /^delete table inet netpol$/m);
  });

  it('updates Service backends by element changes, NAT chains per endpoint count', () => {
    const plan = planDataplane(base);
    const gone = planUpdate(plan, relabel('labels: {app: web}', 'labels: {app: web2}'), options);
    assert.equal(gone.mode, 'elements');
    const lines = gone.script.trim().split('\n');
    for (const line of [
      'delete element inet netpol services { 198.19.0.80 . tcp . 80 }',
      'delete element inet netpol endpoints { 198.19.0.80 . tcp . 80 . 0 }',
      'delete element inet netpol hairpin { 198.18.1.10 . 198.18.1.10 }',
    ]) {
      assert.ok(lines.includes(line), `${line}\nnot in\n${gone.script}`);
    }
    assert.equal(lines.at(-1), 'delete chain inet netpol nat_tcp_1', 'the chain goes once nothing jumps there');
    // And back: the chain comes first, then the elements that use it.
    const back = planUpdate(gone.plan, base, options);
    assert.equal(back.mode, 'elements');
    const again = back.script.trim().split('\n');
    assert.deepEqual(again.slice(0, 2), [
      'add chain inet netpol nat_tcp_1',
      'add rule inet netpol nat_tcp_1 meta l4proto tcp meta mark set numgen random mod 1 dnat ip to ip daddr . meta l4proto . th dport . meta mark map @endpoints',
    ]);
    assert.ok(again.includes('add element inet netpol services { 198.19.0.80 . tcp . 80 : goto nat_tcp_1 }'));
    assert.ok(again.includes('add element inet netpol endpoints { 198.19.0.80 . tcp . 80 . 0 : 198.18.1.10 . 8080 }'));
  });
});

describe('planPodChanges and Services', () => {
  it('plans Service endpoints as a fresh plan does when pods join or leave them', () => {
    const base = clusterFromYaml(featuresYaml());
    const variants: Record<string, string>[] = [
      { app: 'client', pool: 'yes' },
      { app: 'other' },
      { app: 'web', pool: 'yes' },
      { app: 'worker', pool: 'yes' },
    ];
    let previous = planDataplane(base);
    for (const otherLabels of variants) {
      const next = clusterFromYaml(featuresYaml({ otherLabels }));
      const changed = planPodChanges(previous, next);
      assert.ok(changed, 'only pods changed');
      assert.deepEqual(changed.plan.services, planDataplane(next).services, JSON.stringify(otherLabels));
      previous = changed.plan;
    }
  });
});
