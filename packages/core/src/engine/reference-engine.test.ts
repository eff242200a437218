import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { atLeast } from '../at.js';
import type { ClusterModel } from '../model/types.js';
import { clusterFromYaml } from '../test-helpers.js';
import { naiveAllowed } from './naive-evaluator.js';
import { createReferenceEngine } from './reference-engine.js';
import type { Peer, PortQuery, SideVerdict } from './types.js';

/**
 * Case tables after the Kubernetes NetworkPolicy concept page and the upstream e2e suite
 * (test/e2e/network/netpol): namespaces x, y, z labelled `ns: <name>`, pods a, b, c labelled
 * `pod: <name>`, each serving TCP and UDP on 80 and 81 with names `serve-80-tcp` etc. Every
 * row asserts the deciding rules of both sides, not only the boolean.
 */

const NAMESPACES = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];

function baseCluster(): string {
  const docs: string[] = [];
  for (const ns of NAMESPACES) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: '${ns}', labels: {ns: '${ns}'}}`);
    for (const [i, pod] of PODS.entries()) {
      docs.push(`apiVersion: v1
kind: Pod
metadata: {name: ${pod}, namespace: '${ns}', labels: {pod: ${pod}}}
spec:
  containers:
    - name: c
      image: agnhost
      ports:
        - {name: serve-80-tcp, containerPort: 80}
        - {name: serve-81-tcp, containerPort: 81}
        - {name: serve-80-udp, containerPort: 80, protocol: UDP}
        - {name: serve-81-udp, containerPort: 81, protocol: UDP}
status: {podIP: 10.${NAMESPACES.indexOf(ns)}.0.${i + 1}}`);
    }
  }
  return docs.join('\n---\n');
}

function policy(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: '${ns}'}\nspec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}`;
}

function peer(cluster: ClusterModel, text: string): Peer {
  const pod = cluster.pods.find((p) => p.id === text);
  return pod ? { kind: 'pod', pod } : { kind: 'external', ip: text };
}

function port(text: string): PortQuery {
  const [p, proto] = atLeast(text.split('/'), 1);
  return { port: /^\d+$/.test(p) ? Number(p) : p, protocol: (proto ?? 'TCP') as PortQuery['protocol'] };
}

/** `open` (not isolated), `none` (isolated, no rule), `-` (outside address), or the rules. */
function side(s: SideVerdict): string {
  if (!s.applies) return '-';
  if (!s.isolated) return 'open';
  if (s.allowedBy.length === 0) return 'none';
  return s.allowedBy.map((r) => `${r.policy.id} ${r.direction}[${r.ruleIndex}]`).join(', ');
}

interface Row {
  name: string;
  policies: string[];
  from: string;
  to: string;
  port: string;
  allowed: boolean;
  egress: string;
  ingress: string;
  note?: string;
}

const denyAllIngress = (ns: string) => policy(ns, 'deny-all', 'podSelector: {}');
const denyAllEgress = (ns: string) => policy(ns, 'deny-all-egress', 'podSelector: {}\npolicyTypes: [Egress]');

const ROWS: Row[] = [
  // No policies: everything is open.
  {
    name: 'no policy: open',
    policies: [],
    from: 'x/a',
    to: 'y/b',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  // Default deny ingress (concept page "Default deny all ingress traffic").
  {
    name: 'default deny ingress denies other namespaces',
    policies: [denyAllIngress('x')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'default deny ingress denies same namespace',
    policies: [denyAllIngress('x')],
    from: 'x/b',
    to: 'x/a',
    port: '81/UDP',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'default deny ingress leaves egress open',
    policies: [denyAllIngress('x')],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'default deny ingress: self is always allowed',
    policies: [denyAllIngress('x')],
    from: 'x/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'none',
    note: 'self',
  },
  {
    name: 'default deny ingress denies outside sources',
    policies: [denyAllIngress('x')],
    from: '203.0.113.10',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: '-',
    ingress: 'none',
  },
  // Allow all ingress (concept page: a rule `{}`).
  {
    name: 'allow-all ingress rule {} admits everything',
    policies: [denyAllIngress('x'), policy('x', 'allow-all', 'podSelector: {}\ningress: [{}]')],
    from: '203.0.113.10',
    to: 'x/c',
    port: '81/UDP',
    allowed: true,
    egress: '-',
    ingress: 'x/allow-all ingress[0]',
  },
  // Default deny egress.
  {
    name: 'default deny egress denies pods',
    policies: [denyAllEgress('x')],
    from: 'x/a',
    to: 'x/b',
    port: '80',
    allowed: false,
    egress: 'none',
    ingress: 'open',
  },
  {
    name: 'default deny egress denies outside',
    policies: [denyAllEgress('x')],
    from: 'x/a',
    to: '203.0.113.10',
    port: '443',
    allowed: false,
    egress: 'none',
    ingress: '-',
  },
  {
    name: 'default deny egress leaves ingress open',
    policies: [denyAllEgress('x')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  // Allow from namespace (e2e "should allow ingress access from namespace on one named port" et al).
  {
    name: 'namespaceSelector alone admits every pod of matching namespaces',
    policies: [
      policy(
        'x',
        'allow-y',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]',
      ),
    ],
    from: 'y/c',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/allow-y ingress[0]',
  },
  {
    name: 'namespaceSelector alone excludes other namespaces (own too)',
    policies: [
      policy(
        'x',
        'allow-y',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]',
      ),
    ],
    from: 'x/b',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'policy podSelector: unselected pod stays open',
    policies: [
      policy(
        'x',
        'allow-y',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]',
      ),
    ],
    from: 'z/b',
    to: 'x/b',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'namespaceSelector {} admits every namespace',
    policies: [policy('x', 'all-ns', 'podSelector: {}\ningress: [{from: [{namespaceSelector: {}}]}]')],
    from: 'z/c',
    to: 'x/b',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/all-ns ingress[0]',
  },
  {
    name: 'namespaceSelector {} does not admit outside addresses',
    policies: [policy('x', 'all-ns', 'podSelector: {}\ningress: [{from: [{namespaceSelector: {}}]}]')],
    from: '203.0.113.10',
    to: 'x/b',
    port: '80',
    allowed: false,
    egress: '-',
    ingress: 'none',
  },
  {
    name: 'kubernetes.io/metadata.name label selects a namespace by name',
    policies: [
      policy(
        'x',
        'by-name',
        'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: z}}}]}]',
      ),
    ],
    from: 'z/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/by-name ingress[0]',
  },
  // podSelector alone = the policy's own namespace.
  {
    name: 'podSelector alone admits matching pods of the own namespace',
    policies: [
      policy(
        'x',
        'allow-b',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ],
    from: 'x/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/allow-b ingress[0]',
  },
  {
    name: 'podSelector alone excludes same-labelled pods elsewhere',
    policies: [
      policy(
        'x',
        'allow-b',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ],
    from: 'y/b',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  // AND vs OR (e2e "should allow ingress access from namespace and pod" / "...or...").
  {
    name: 'AND: both selectors in one peer, both match',
    policies: [
      policy(
        'x',
        'and',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n        podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'y/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/and ingress[0]',
  },
  {
    name: 'AND: right namespace, wrong pod',
    policies: [
      policy(
        'x',
        'and',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n        podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'y/c',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'AND: right pod, wrong namespace',
    policies: [
      policy(
        'x',
        'and',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n        podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'z/b',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'OR: two peers, namespace matches',
    policies: [
      policy(
        'x',
        'or',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n      - podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'y/c',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/or ingress[0]',
  },
  {
    name: 'OR: two peers, pod of own namespace matches',
    policies: [
      policy(
        'x',
        'or',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n      - podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'x/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/or ingress[0]',
  },
  {
    name: 'OR: pod of a third namespace matches neither',
    policies: [
      policy(
        'x',
        'or',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n  - from:\n      - namespaceSelector: {matchLabels: {ns: "y"}}\n      - podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    from: 'z/b',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  // matchExpressions.
  {
    name: 'matchExpressions In',
    policies: [
      policy(
        'x',
        'in',
        'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchExpressions: [{key: ns, operator: In, values: ["y", z]}]}}]}]',
      ),
    ],
    from: 'z/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/in ingress[0]',
  },
  {
    name: 'matchExpressions NotIn excludes the listed value',
    policies: [
      policy(
        'x',
        'notin',
        'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: ["y"]}]}}]}]',
      ),
    ],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'matchExpressions NotIn is true when the key is absent',
    policies: [
      policy(
        'x',
        'notin',
        'podSelector: {}\ningress: [{from: [{podSelector: {matchExpressions: [{key: role, operator: NotIn, values: [db]}]}}]}]',
      ),
    ],
    from: 'x/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/notin ingress[0]',
  },
  {
    name: 'matchExpressions DoesNotExist',
    policies: [policy('x', 'dne', 'podSelector: {matchExpressions: [{key: pod, operator: DoesNotExist}]}')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'matchExpressions Exists',
    policies: [policy('x', 'ex', 'podSelector: {matchExpressions: [{key: pod, operator: Exists}]}')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  // Ports: numbers, protocols, named ports, ranges.
  {
    name: 'port 80 admits TCP/80',
    policies: [policy('x', 'p80', 'podSelector: {}\ningress: [{ports: [{port: 80}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/p80 ingress[0]',
  },
  {
    name: 'port 80 (TCP by default) does not admit UDP/80',
    policies: [policy('x', 'p80', 'podSelector: {}\ningress: [{ports: [{port: 80}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80/UDP',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'port 80 does not admit 81',
    policies: [policy('x', 'p80', 'podSelector: {}\ningress: [{ports: [{port: 80}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'protocol UDP without port admits every UDP port',
    policies: [policy('x', 'udp', 'podSelector: {}\ningress: [{ports: [{protocol: UDP}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81/UDP',
    allowed: true,
    egress: 'open',
    ingress: 'x/udp ingress[0]',
  },
  {
    name: 'protocol UDP without port does not admit TCP',
    policies: [policy('x', 'udp', 'podSelector: {}\ningress: [{ports: [{protocol: UDP}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'named rule port resolves on the selected pod (ingress)',
    policies: [policy('x', 'named', 'podSelector: {}\ningress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81/UDP',
    allowed: true,
    egress: 'open',
    ingress: 'x/named ingress[0]',
  },
  {
    name: 'named rule port: other number denied',
    policies: [policy('x', 'named', 'podSelector: {}\ningress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80/UDP',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'named rule port with the wrong protocol never matches',
    policies: [policy('x', 'named', 'podSelector: {}\ningress: [{ports: [{port: serve-81-udp}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'named query resolves on the destination',
    policies: [policy('x', 'p81', 'podSelector: {}\ningress: [{ports: [{port: 81}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: 'serve-81-tcp',
    allowed: true,
    egress: 'open',
    ingress: 'x/p81 ingress[0]',
  },
  {
    name: 'named query that does not resolve is denied',
    policies: [],
    from: 'y/a',
    to: 'x/a',
    port: 'nope',
    allowed: false,
    egress: 'open',
    ingress: 'open',
    note: 'named-port-unresolved',
  },
  {
    name: 'named query to an outside address never resolves',
    policies: [],
    from: 'x/a',
    to: '203.0.113.10',
    port: 'http',
    allowed: false,
    egress: 'open',
    ingress: '-',
    note: 'named-port-unresolved',
  },
  {
    name: 'named egress rule port resolves on the peer pod',
    policies: [
      policy('x', 'eg-named', 'podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: serve-80-tcp}]}]'),
    ],
    from: 'x/a',
    to: 'y/b',
    port: '80',
    allowed: true,
    egress: 'x/eg-named egress[0]',
    ingress: 'open',
  },
  {
    name: 'named egress rule port never matches an outside address',
    policies: [
      policy('x', 'eg-named', 'podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: serve-80-tcp}]}]'),
    ],
    from: 'x/a',
    to: '203.0.113.10',
    port: '80',
    allowed: false,
    egress: 'none',
    ingress: '-',
  },
  {
    name: 'endPort range includes its ends',
    policies: [policy('x', 'range', 'podSelector: {}\ningress: [{ports: [{port: 81, endPort: 90}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '90',
    allowed: true,
    egress: 'open',
    ingress: 'x/range ingress[0]',
  },
  {
    name: 'endPort range excludes below',
    policies: [policy('x', 'range', 'podSelector: {}\ningress: [{ports: [{port: 81, endPort: 90}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'endPort range excludes above',
    policies: [policy('x', 'range', 'podSelector: {}\ningress: [{ports: [{port: 81, endPort: 90}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '91',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'ports list is an OR',
    policies: [policy('x', 'two', 'podSelector: {}\ningress: [{ports: [{port: 80}, {port: 81, protocol: UDP}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '81/UDP',
    allowed: true,
    egress: 'open',
    ingress: 'x/two ingress[0]',
  },
  {
    name: 'peers AND ports: right peer, wrong port',
    policies: [
      policy(
        'x',
        'pp',
        'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}], ports: [{port: 80}]}]',
      ),
    ],
    from: 'y/a',
    to: 'x/a',
    port: '81',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'peers AND ports: wrong peer, right port',
    policies: [
      policy(
        'x',
        'pp',
        'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}], ports: [{port: 80}]}]',
      ),
    ],
    from: 'z/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  // ipBlock.
  {
    name: 'ipBlock admits outside addresses in the cidr',
    policies: [
      policy(
        'x',
        'cidr',
        'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]}]',
      ),
    ],
    from: '203.0.113.10',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: '-',
    ingress: 'x/cidr ingress[0]',
  },
  {
    name: 'ipBlock except carves out addresses',
    policies: [
      policy(
        'x',
        'cidr',
        'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]}]',
      ),
    ],
    from: '203.0.113.200',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: '-',
    ingress: 'none',
  },
  {
    name: 'ipBlock sees pod IPs',
    policies: [
      policy(
        'x',
        'podcidr',
        'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.0.3/32]}}]}]',
      ),
    ],
    from: 'y/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/podcidr ingress[0]',
  },
  {
    name: 'ipBlock except excludes a pod IP',
    policies: [
      policy(
        'x',
        'podcidr',
        'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.1.0.0/16, except: [10.1.0.3/32]}}]}]',
      ),
    ],
    from: 'y/c',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'egress ipBlock to an outside address',
    policies: [
      policy(
        'x',
        'out',
        'podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}]',
      ),
    ],
    from: 'x/a',
    to: '203.0.113.10',
    port: '443',
    allowed: true,
    egress: 'x/out egress[0]',
    ingress: '-',
  },
  {
    name: 'egress ipBlock except blocks the pod range',
    policies: [
      policy(
        'x',
        'out',
        'podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}], ports: [{port: 443}]}]',
      ),
    ],
    from: 'x/a',
    to: 'y/a',
    port: '443',
    allowed: false,
    egress: 'none',
    ingress: 'open',
  },
  // policyTypes defaulting.
  {
    name: 'no policyTypes and egress rules: Egress is added',
    policies: [policy('x', 'both', 'podSelector: {}\negress: [{to: [{podSelector: {}}]}]')],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: false,
    egress: 'none',
    ingress: 'open',
  },
  {
    name: 'no policyTypes and egress rules: Ingress isolated too',
    policies: [policy('x', 'both', 'podSelector: {}\negress: [{to: [{podSelector: {}}]}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: false,
    egress: 'open',
    ingress: 'none',
  },
  {
    name: 'no policyTypes, egress rule admits own namespace',
    policies: [policy('x', 'both', 'podSelector: {}\negress: [{to: [{podSelector: {}}]}]')],
    from: 'x/a',
    to: 'x/b',
    port: '80',
    allowed: false,
    egress: 'x/both egress[0]',
    ingress: 'none',
  },
  {
    name: 'egress: [] without policyTypes does not isolate egress',
    policies: [policy('x', 'empty-egress', 'podSelector: {}\negress: []')],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'egress rules ignored when policyTypes lacks Egress',
    policies: [
      policy(
        'x',
        'ignored',
        'podSelector: {}\npolicyTypes: [Ingress]\negress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ],
    from: 'x/a',
    to: 'y/c',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'policyTypes [Egress] does not isolate ingress',
    policies: [policy('x', 'eg', 'podSelector: {}\npolicyTypes: [Egress]\ningress: []\negress: [{}]')],
    from: 'y/a',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'open',
  },
  {
    name: 'policyTypes [Ingress, Egress] with no rules denies both ways',
    policies: [policy('x', 'lock', 'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress, Egress]')],
    from: 'x/a',
    to: 'x/b',
    port: '80',
    allowed: false,
    egress: 'none',
    ingress: 'open',
  },
  // Multiple policies are a union.
  {
    name: 'union of rules across policies',
    policies: [
      denyAllIngress('x'),
      policy('x', 'from-y', 'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]'),
      policy(
        'x',
        'from-b',
        'podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}, namespaceSelector: {}}]}]',
      ),
    ],
    from: 'y/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/from-b ingress[0], x/from-y ingress[0]',
  },
  {
    name: 'union: every allowing rule of one policy is cited',
    policies: [
      policy(
        'x',
        'two-rules',
        'podSelector: {}\ningress: [{ports: [{port: 80}]}, {from: [{podSelector: {}}]}, {ports: [{port: 81}]}]',
      ),
    ],
    from: 'x/b',
    to: 'x/a',
    port: '80',
    allowed: true,
    egress: 'open',
    ingress: 'x/two-rules ingress[0], x/two-rules ingress[1]',
  },
  // Both sides must allow.
  {
    name: 'egress allows but ingress denies',
    policies: [
      denyAllIngress('y'),
      denyAllEgress('x'),
      policy(
        'x',
        'to-y',
        'podSelector: {}\negress: [{to: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]\npolicyTypes: [Egress]',
      ),
    ],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: false,
    egress: 'x/to-y egress[0]',
    ingress: 'none',
  },
  {
    name: 'ingress allows but egress denies',
    policies: [
      denyAllEgress('x'),
      policy('y', 'from-x', 'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}}]}]'),
    ],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: false,
    egress: 'none',
    ingress: 'y/from-x ingress[0]',
  },
  {
    name: 'both sides allow',
    policies: [
      denyAllEgress('x'),
      policy(
        'x',
        'to-y',
        'podSelector: {}\negress: [{to: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]\npolicyTypes: [Egress]',
      ),
      policy('y', 'from-x', 'podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}}]}]'),
    ],
    from: 'x/a',
    to: 'y/a',
    port: '80',
    allowed: true,
    egress: 'x/to-y egress[0]',
    ingress: 'y/from-x ingress[0]',
  },
  {
    name: 'outside to outside has no policy side',
    policies: [denyAllIngress('x')],
    from: '203.0.113.10',
    to: '203.0.113.11',
    port: '80',
    allowed: true,
    egress: '-',
    ingress: '-',
    note: 'external-to-external',
  },
];

describe('reference engine: e2e-style case table', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const cluster = clusterFromYaml([baseCluster(), ...row.policies].join('\n---\n'));
      assert.equal(cluster.policies.length, row.policies.length);
      const engine = createReferenceEngine(cluster);
      const from = peer(cluster, row.from);
      const to = peer(cluster, row.to);
      const query = port(row.port);
      const verdict = engine.check(from, to, query);
      assert.deepEqual(
        { allowed: verdict.allowed, egress: side(verdict.egress), ingress: side(verdict.ingress), note: verdict.note },
        { allowed: row.allowed, egress: row.egress, ingress: row.ingress, note: row.note },
      );
      const naive = naiveAllowed(cluster, from, to, query);
      if (naive !== null) assert.equal(verdict.allowed, naive, 'naive evaluator disagrees');
    });
  }
});

describe('reference engine: reasons', () => {
  test('cites the matching peer and port indexes', () => {
    const cluster = clusterFromYaml(
      [
        baseCluster(),
        policy(
          'x',
          'p',
          'podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {pod: c}}}, {namespaceSelector: {matchLabels: {ns: "y"}}}], ports: [{port: 81}, {port: 80}]}]',
        ),
      ].join('\n---\n'),
    );
    const engine = createReferenceEngine(cluster);
    const verdict = engine.check(peer(cluster, 'y/a'), peer(cluster, 'x/a'), port('80'));
    assert.equal(verdict.ingress.allowedBy.length, 1);
    const [ref] = atLeast(verdict.ingress.allowedBy, 1);
    assert.deepEqual([ref.ruleIndex, ref.peerIndex, ref.portIndex], [0, 1, 1]);
    assert.deepEqual(
      verdict.ingress.selectedBy.map((p) => p.id),
      ['x/p'],
    );
    assert.equal(verdict.port, 80);
  });

  test('resolved named query reports the port number', () => {
    const cluster = clusterFromYaml(baseCluster());
    const verdict = createReferenceEngine(cluster).check(
      peer(cluster, 'x/a'),
      peer(cluster, 'y/a'),
      port('serve-81-udp/UDP'),
    );
    assert.equal(verdict.port, 81);
    assert.equal(verdict.allowed, true);
  });

  test('selectedBy lists only policies with that direction in their types', () => {
    const cluster = clusterFromYaml([baseCluster(), denyAllIngress('x'), denyAllEgress('x')].join('\n---\n'));
    const verdict = createReferenceEngine(cluster).check(peer(cluster, 'x/a'), peer(cluster, 'x/b'), port('80'));
    assert.deepEqual(
      verdict.egress.selectedBy.map((p) => p.id),
      ['x/deny-all-egress'],
    );
    assert.deepEqual(
      verdict.ingress.selectedBy.map((p) => p.id),
      ['x/deny-all'],
    );
  });
});
