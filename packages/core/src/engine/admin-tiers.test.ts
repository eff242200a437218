import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clusterFromYaml } from '../test-helpers.js';
import { domainNameMatches } from './admin-tiers.js';
import { naiveAllowed } from './naive-evaluator.js';
import { createReferenceEngine } from './reference-engine.js';
import type { Peer, PortQuery, SideVerdict } from './types.js';

/**
 * The tiers case by case (docs/admin-tiers.md), each row asserting who decided each side:
 * `admin:Kind/name[dir][i]:Action`, `np:allowed|denied`, `baseline:...`, `default`, with
 * `pass:Kind/name[dir][i]>` in front when a Pass sent it on.
 */

const BASE = `
apiVersion: v1
kind: Namespace
metadata: { name: a, labels: { team: a } }
---
apiVersion: v1
kind: Namespace
metadata: { name: b, labels: { team: b } }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: a, labels: { app: web } }
spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 8080 }] }] }
status: { podIP: 10.0.0.1 }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: b, labels: { app: client } }
spec: { containers: [{ name: c, image: i }] }
status: { podIP: 10.0.0.2 }
---
apiVersion: v1
kind: Pod
metadata: { name: agent, namespace: b, labels: { app: agent } }
spec: { hostNetwork: true, containers: [{ name: c, image: i }] }
status: { podIP: 10.0.0.3 }
---
apiVersion: v1
kind: Node
metadata: { name: n1, labels: { role: control } }
status: { addresses: [{ type: InternalIP, address: 192.0.2.10 }, { type: Hostname, address: n1 }] }
`;

const cnp = (name: string, tier: string, priority: number, spec: string) => `
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: ${name} }
spec:
  tier: ${tier}
  priority: ${priority}
${spec}`;
const anp = (name: string, priority: number, spec: string) => `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: ${name} }
spec:
  priority: ${priority}
${spec}`;
const banp = (spec: string) => `
---
apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: { name: default }
spec:
${spec}`;
const np = (name: string, namespace: string, spec: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: ${name}, namespace: ${namespace} }
spec:
${spec}`;

/** Ingress of namespace a's pods. */
const INTO_A = `  subject: { namespaces: { matchLabels: { team: a } } }`;
const FROM_B = `[{ namespaces: { matchLabels: { team: b } } }]`;
const NP_ALLOW_B = np(
  'allow-b',
  'a',
  `  podSelector: {}\n  ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: b } } }] }]`,
);
const NP_DENY_ALL = np('deny-all', 'a', `  podSelector: {}\n  policyTypes: [Ingress]`);

function words(side: SideVerdict): string {
  const ref = (r: NonNullable<SideVerdict['adminRule']>) => `${r.policy.id}[${r.direction}][${r.ruleIndex}]`;
  const passed = (side.passedBy ?? []).map((r) => `pass:${ref(r)}>`).join('');
  switch (side.tier) {
    case 'admin':
    case 'baseline':
      return `${passed}${side.tier}:${ref(side.adminRule!)}:${side.adminRule!.action}`;
    case 'networkpolicy':
      return `${passed}np:${side.allowed ? 'allowed' : 'denied'}`;
    case 'default':
      return `${passed}default`;
    default:
      return 'no-tier';
  }
}

type Row = [
  name: string,
  extra: string,
  from: string,
  to: string,
  port: PortQuery,
  egress: string,
  ingress: string,
  allowed: boolean,
];

const TCP8080: PortQuery = { protocol: 'TCP', port: 8080 };

const rows: Row[] = [
  [
    'no admin policy selects: default on both sides',
    cnp(
      'other',
      'Admin',
      1,
      `  subject: { namespaces: { matchLabels: { team: z } } }\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'default',
    true,
  ],
  [
    'admin Deny beats a NetworkPolicy allow',
    cnp('deny-b', 'Admin', 10, `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`) + NP_ALLOW_B,
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/deny-b[ingress][0]:Deny',
    false,
  ],
  [
    'admin Accept beats NetworkPolicy isolation',
    cnp('accept-b', 'Admin', 10, `${INTO_A}\n  ingress: [{ action: Accept, from: ${FROM_B} }]`) + NP_DENY_ALL,
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/accept-b[ingress][0]:Accept',
    true,
  ],
  [
    'Pass skips the tier: NetworkPolicy decides',
    cnp('pass-b', 'Admin', 1, `${INTO_A}\n  ingress: [{ action: Pass, from: ${FROM_B} }]`) +
      cnp('deny-b', 'Admin', 2, `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`) +
      NP_ALLOW_B,
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'pass:ClusterNetworkPolicy/pass-b[ingress][0]>np:allowed',
    true,
  ],
  [
    'Pass, not isolated: the baseline decides',
    cnp('pass-b', 'Admin', 1, `${INTO_A}\n  ingress: [{ action: Pass, from: ${FROM_B} }]`) +
      banp(`${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'pass:ClusterNetworkPolicy/pass-b[ingress][0]>baseline:BaselineAdminNetworkPolicy/default[ingress][0]:Deny',
    false,
  ],
  [
    'isolated pods never reach the baseline',
    banp(`${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`) + NP_ALLOW_B,
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'np:allowed',
    true,
  ],
  [
    'baseline Pass falls through to the default',
    cnp('base-pass', 'Baseline', 1, `${INTO_A}\n  ingress: [{ action: Pass, from: ${FROM_B} }]`) +
      cnp('base-deny', 'Baseline', 2, `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'pass:ClusterNetworkPolicy/base-pass[ingress][0]>default',
    true,
  ],
  [
    'lower priority value first',
    cnp('late-deny', 'Admin', 10, `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`) +
      cnp('early-accept', 'Admin', 5, `${INTO_A}\n  ingress: [{ action: Accept, from: ${FROM_B} }]`),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/early-accept[ingress][0]:Accept',
    true,
  ],
  [
    'equal priority: ClusterNetworkPolicy before AdminNetworkPolicy (documented order)',
    anp('aaa', 5, `${INTO_A}\n  ingress: [{ action: Deny, from: [{ namespaces: { matchLabels: { team: b } } }] }]`) +
      cnp('zzz', 'Admin', 5, `${INTO_A}\n  ingress: [{ action: Accept, from: ${FROM_B} }]`),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/zzz[ingress][0]:Accept',
    true,
  ],
  [
    'equal priority, same kind: by name',
    cnp('b-deny', 'Admin', 5, `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B} }]`) +
      cnp('a-accept', 'Admin', 5, `${INTO_A}\n  ingress: [{ action: Accept, from: ${FROM_B} }]`),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/a-accept[ingress][0]:Accept',
    true,
  ],
  [
    'rules in written order; a rule whose port misses is skipped',
    cnp(
      'ordered',
      'Admin',
      5,
      `${INTO_A}\n  ingress:\n  - { action: Accept, from: ${FROM_B}, protocols: [{ tcp: { destinationPort: { number: 80 } } }] }\n  - { action: Deny, from: ${FROM_B} }\n  - { action: Accept, from: ${FROM_B} }`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/ordered[ingress][1]:Deny',
    false,
  ],
  [
    'a v1alpha2 port range and a v1alpha1 named port',
    cnp(
      'range',
      'Admin',
      5,
      `${INTO_A}\n  ingress: [{ action: Deny, from: ${FROM_B}, protocols: [{ tcp: { destinationPort: { range: { start: 8000, end: 8100 } } } }] }]`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:ClusterNetworkPolicy/range[ingress][0]:Deny',
    false,
  ],
  [
    'a named port resolves on the destination pod',
    anp(
      'named',
      5,
      `${INTO_A}\n  ingress: [{ action: Deny, from: [{ namespaces: {} }], ports: [{ namedPort: http }] }]`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'admin:AdminNetworkPolicy/named[ingress][0]:Deny',
    false,
  ],
  [
    'a v1alpha1 portRange with start above end matches nothing',
    anp(
      'empty-range',
      5,
      `${INTO_A}\n  ingress: [{ action: Deny, from: [{ namespaces: {} }], ports: [{ portRange: { start: 9000, end: 8000 } }] }]`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'default',
    'default',
    true,
  ],
  [
    'networks match pod addresses',
    cnp(
      'cidr',
      'Admin',
      5,
      `  subject: { namespaces: { matchLabels: { team: b } } }\n  egress: [{ action: Deny, to: [{ networks: [10.0.0.0/31] }] }]`,
    ),
    'b/client',
    'a/web',
    TCP8080,
    'admin:ClusterNetworkPolicy/cidr[egress][0]:Deny',
    'default',
    false,
  ],
  [
    'nodes match the node addresses',
    cnp(
      'nodes',
      'Admin',
      5,
      `  subject: { namespaces: {} }\n  egress: [{ action: Deny, to: [{ nodes: { matchLabels: { role: control } } }] }]`,
    ),
    'b/client',
    '192.0.2.10',
    TCP8080,
    'admin:ClusterNetworkPolicy/nodes[egress][0]:Deny',
    'outside',
    false,
  ],
  [
    'a nodes selector picking no node matches nothing',
    cnp(
      'nodes',
      'Admin',
      5,
      `  subject: { namespaces: {} }\n  egress: [{ action: Deny, to: [{ nodes: { matchLabels: { role: worker } } }] }]`,
    ),
    'b/client',
    '192.0.2.10',
    TCP8080,
    'default',
    'outside',
    true,
  ],
  [
    'a host-network pod is never a subject',
    cnp('all', 'Admin', 5, `  subject: { namespaces: {} }\n  egress: [{ action: Deny, to: [{ namespaces: {} }] }]`),
    'b/agent',
    'a/web',
    TCP8080,
    'default',
    'default',
    true,
  ],
  [
    'a host-network pod is never a pod peer',
    cnp('all', 'Admin', 5, `  subject: { namespaces: {} }\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]`),
    'b/agent',
    'a/web',
    TCP8080,
    'default',
    'default',
    true,
  ],
  [
    'but networks (egress only) see a host-network pod',
    cnp(
      'all',
      'Admin',
      5,
      `  subject: { namespaces: {} }\n  egress: [{ action: Deny, to: [{ networks: [10.0.0.3/32] }] }]`,
    ),
    'b/client',
    'b/agent',
    TCP8080,
    'admin:ClusterNetworkPolicy/all[egress][0]:Deny',
    'default',
    false,
  ],
  [
    'domainNames match no address in the engine',
    cnp(
      'dns',
      'Admin',
      5,
      `  subject: { namespaces: {} }\n  egress: [{ action: Accept, to: [{ domainNames: [example.com] }] }, { action: Deny, to: [{ networks: [0.0.0.0/0] }] }]`,
    ),
    'b/client',
    '203.0.113.10',
    { protocol: 'TCP', port: 443 },
    'admin:ClusterNetworkPolicy/dns[egress][1]:Deny',
    'outside',
    false,
  ],
  [
    'egress Accept does not decide the destination side',
    cnp(
      'accept-out',
      'Admin',
      5,
      `  subject: { namespaces: { matchLabels: { team: b } } }\n  egress: [{ action: Accept, to: [{ namespaces: {} }] }]`,
    ) + NP_DENY_ALL,
    'b/client',
    'a/web',
    TCP8080,
    'admin:ClusterNetworkPolicy/accept-out[egress][0]:Accept',
    'np:denied',
    false,
  ],
];

function peer(cluster: ReturnType<typeof clusterFromYaml>, id: string): Peer {
  const pod = cluster.pods.find((p) => p.id === id);
  return pod ? { kind: 'pod', pod } : { kind: 'external', ip: id };
}

describe('admin tiers: who decides each side', () => {
  for (const [name, extra, from, to, port, egress, ingress, allowed] of rows) {
    it(name, () => {
      const cluster = clusterFromYaml(BASE + extra);
      const source = peer(cluster, from);
      const destination = peer(cluster, to);
      const verdict = createReferenceEngine(cluster).check(source, destination, port);
      const side = (s: SideVerdict) => (s.applies ? words(s) : 'outside');
      assert.deepEqual([side(verdict.egress), side(verdict.ingress), verdict.allowed], [egress, ingress, allowed]);
      assert.equal(naiveAllowed(cluster, source, destination, port), allowed, 'the naive evaluator agrees');
    });
  }

  it('a pod reaching itself is not subject to the tiers', () => {
    const cluster = clusterFromYaml(
      BASE +
        cnp(
          'all',
          'Admin',
          1,
          `  subject: { namespaces: {} }\n  ingress: [{ action: Deny, from: [{ namespaces: {} }] }]`,
        ),
    );
    const web = peer(cluster, 'a/web');
    const verdict = createReferenceEngine(cluster).check(web, web, TCP8080);
    assert.deepEqual([verdict.allowed, verdict.note], [true, 'self']);
  });
});

describe('domainNameMatches (CNP-types DomainName examples)', () => {
  const rows: [string, string, boolean][] = [
    ['kubernetes.io', 'kubernetes.io', true],
    ['kubernetes.io', 'www.kubernetes.io', false],
    ['kubernetes.io', 'my-kubernetes.io', false],
    ['blog.kubernetes.io', 'blog.kubernetes.io', true],
    ['blog.kubernetes.io', 'kubernetes.io', false],
    ['*.kubernetes.io', 'www.kubernetes.io', true],
    ['*.kubernetes.io', 'latest.blog.kubernetes.io', true],
    ['*.kubernetes.io', 'kubernetes.io', false],
    ['*.kubernetes.io', 'wikipedia.org', false],
    ['*.kubernetes.io', 'my-kubernetes.io', false],
    ['Example.COM.', 'example.com', true],
    ['example.com', 'EXAMPLE.com.', true],
  ];
  for (const [pattern, name, matches] of rows) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${name}`, () =>
      assert.equal(domainNameMatches(pattern, name), matches));
  }
});
