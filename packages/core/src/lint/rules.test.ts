import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADMIN_LINT_CASES } from './admin-rules-cases.test.js';
import { LINT_RULES } from './registry.js';
import { ALLOW_DNS_RULE, coredns, deployment, lintFindings, namespace, pod, policy } from './test-helpers.js';

/** Each rule: at least one case that must fire and one near miss that must not. */
interface Case {
  rule: string;
  name: string;
  objects: object[];
  /** Findings of `rule` only, as `severity path` (object too when given). */
  expect: string[];
}

const web = [pod('shop', 'web', { app: 'web' }, [{ containerPort: 8080, name: 'http' }])];
const denyAll = (ns: string, types = ['Ingress', 'Egress']) =>
  policy(ns, 'deny-all', { podSelector: {}, policyTypes: types });

const svc = (targetPort: number | string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort }] },
});

const cases: Case[] = [
  // egress-rules-ignored / ingress-rules-ignored
  {
    rule: 'egress-rules-ignored',
    name: 'egress rules under policyTypes [Ingress]',
    objects: [...web, policy('shop', 'p', { podSelector: {}, policyTypes: ['Ingress'], egress: [{}] })],
    expect: ['error spec.egress'],
  },
  {
    rule: 'egress-rules-ignored',
    name: 'policyTypes absent: Egress is defaulted from the rules',
    objects: [...web, policy('shop', 'p', { podSelector: {}, egress: [{}] })],
    expect: [],
  },
  {
    rule: 'ingress-rules-ignored',
    name: 'ingress rules under policyTypes [Egress]',
    objects: [...web, policy('shop', 'p', { podSelector: {}, policyTypes: ['Egress'], ingress: [{}], egress: [{}] })],
    expect: ['error spec.ingress'],
  },
  {
    rule: 'ingress-rules-ignored',
    name: 'both types listed',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] }),
    ],
    expect: [],
  },
  // namespace-pod-selector-or
  {
    rule: 'namespace-pod-selector-or',
    name: 'seed 002 example 6: two peers',
    objects: [
      policy('backend-ns', 'loose-api-ingress', {
        podSelector: { matchLabels: { app: 'secure-api' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { user: 'alice' } } },
              { podSelector: { matchLabels: { role: 'client' } } },
            ],
          },
        ],
      }),
    ],
    expect: ['warning spec.ingress[0].from[1]'],
  },
  {
    rule: 'namespace-pod-selector-or',
    name: 'seed 002 example 5: one AND peer',
    objects: [
      policy('backend-ns', 'strict-api-ingress', {
        podSelector: { matchLabels: { app: 'secure-api' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { user: 'alice' } },
                podSelector: { matchLabels: { role: 'client' } },
              },
            ],
          },
        ],
      }),
    ],
    expect: [],
  },
  {
    rule: 'namespace-pod-selector-or',
    name: 'podSelector {} next to a namespace peer is a deliberate OR',
    objects: [
      policy('a', 'p', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }, { podSelector: {} }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'namespace-pod-selector-or',
    name: 'egress: stray dash in the DNS rule (namespaceSelector {} OR podSelector)',
    objects: [
      policy('a', 'dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }],
      }),
    ],
    expect: ['warning spec.egress[0].to[1]'],
  },
  // dns-egress-blocked
  {
    rule: 'dns-egress-blocked',
    name: 'seed 003: default-deny-all breaks DNS',
    objects: [coredns(), pod('app', 'api', { app: 'api' }), denyAll('app')],
    expect: ['warning spec.policyTypes[1]'],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'seed 003: default-deny-all plus allow-dns',
    objects: [
      coredns(),
      pod('app', 'api', { app: 'api' }),
      denyAll('app'),
      policy('app', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [ALLOW_DNS_RULE] }),
    ],
    expect: [],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'only UDP allowed: TCP 53 blocked is info',
    objects: [
      coredns(),
      pod('app', 'api', { app: 'api' }),
      policy('app', 'udp-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ ...ALLOW_DNS_RULE, ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ],
    expect: ['info spec.policyTypes[0]'],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'policies-only input: judged on a stand-in pod and a stand-in DNS',
    objects: [denyAll('app')],
    expect: ['warning spec.policyTypes[1]'],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'policies-only input with the DNS rule',
    objects: [
      denyAll('app'),
      policy('app', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [ALLOW_DNS_RULE] }),
    ],
    expect: [],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'DNS pods found through the kube-dns Service (labelled k8s-app=coredns here)',
    objects: [
      deployment('kube-system', 'coredns', { 'k8s-app': 'coredns' }, [{ containerPort: 53, protocol: 'UDP' }]),
      pod('kube-system', 'other', { 'k8s-app': 'kube-dns-autoscaler' }),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system' },
        spec: { selector: { 'k8s-app': 'coredns' }, ports: [{ port: 53, protocol: 'UDP' }] },
      },
      pod('app', 'api', { app: 'api' }),
      denyAll('app'),
      policy('app', 'dns-by-label', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns-autoscaler' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      }),
    ],
    expect: ['warning spec.policyTypes[1]'],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'NodeLocal DNSCache: egress to 169.254.20.10/32 on UDP and TCP 53 is DNS',
    objects: [
      coredns(),
      pod('app', 'api', { app: 'api' }),
      policy('app', 'node-local-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
        ],
      }),
    ],
    expect: [],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'an outside-only ipBlock on port 53 is not the cluster DNS',
    objects: [
      coredns(),
      pod('app', 'api', { app: 'api' }),
      policy('app', 'outside-dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '8.8.8.8/32' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ],
    expect: ['warning spec.policyTypes[0]'],
  },
  {
    rule: 'dns-egress-blocked',
    name: 'ingress-only isolation does not touch DNS',
    objects: [coredns(), pod('app', 'api', { app: 'api' }), denyAll('app', ['Ingress'])],
    expect: [],
  },
  // one-sided-allow
  {
    rule: 'one-sided-allow',
    name: 'backend admits frontend, frontend default-deny egress (seed 001 shape)',
    objects: [
      deployment('default', 'frontend', { app: 'frontend' }),
      deployment('default', 'backend', { app: 'backend' }, [{ containerPort: 80 }]),
      policy('default', 'allow-frontend', {
        podSelector: { matchLabels: { app: 'backend' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 80 }] }],
      }),
      policy('default', 'frontend-egress', {
        podSelector: { matchLabels: { app: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [ALLOW_DNS_RULE],
      }),
    ],
    expect: ['warning NetworkPolicy default/allow-frontend spec.ingress[0].from[0]'],
  },
  {
    rule: 'one-sided-allow',
    name: 'both halves present (seed 001)',
    objects: [
      deployment('default', 'frontend', { app: 'frontend' }),
      deployment('default', 'backend', { app: 'backend' }, [{ containerPort: 80 }]),
      policy('default', 'allow-frontend', {
        podSelector: { matchLabels: { app: 'backend' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 80 }] }],
      }),
      policy('default', 'frontend-egress', {
        podSelector: { matchLabels: { app: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'backend' } } }], ports: [{ port: 80 }] }, ALLOW_DNS_RULE],
      }),
    ],
    expect: [],
  },
  {
    rule: 'one-sided-allow',
    name: 'the reverse: egress allowed to pods whose ingress denies it',
    objects: [
      deployment('default', 'frontend', { app: 'frontend' }),
      deployment('default', 'backend', { app: 'backend' }, [{ containerPort: 80 }]),
      policy('default', 'frontend-egress', {
        podSelector: { matchLabels: { app: 'frontend' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'backend' } } }], ports: [{ port: 80 }] }],
      }),
      policy('default', 'backend-deny', { podSelector: { matchLabels: { app: 'backend' } } }),
    ],
    expect: ['warning NetworkPolicy default/frontend-egress spec.egress[0].to[0]'],
  },
  {
    rule: 'one-sided-allow',
    name: 'broad peer: only flagged when every pod it matches is blocked',
    objects: [
      namespace('tenants', { access: 'x' }),
      pod('tenants', 'open', { app: 'open' }),
      pod('tenants', 'closed', { app: 'closed' }),
      pod('api', 'api', { app: 'api' }, [{ containerPort: 80 }]),
      policy('api', 'from-tenants', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { access: 'x' } } }] }],
      }),
      policy('tenants', 'closed-egress', { podSelector: { matchLabels: { app: 'closed' } }, policyTypes: ['Egress'] }),
    ],
    expect: [],
  },
  {
    rule: 'one-sided-allow',
    name: 'policies alone (issue 13): the ingress admits pods whose own egress denies it',
    objects: [
      policy('frontend', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('backend', 'from-frontend', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } },
                podSelector: { matchLabels: { app: 'web' } },
              },
            ],
            ports: [{ port: 8080 }],
          },
        ],
      }),
    ],
    expect: ['warning spec.ingress[0].from[0]'],
  },
  {
    rule: 'one-sided-allow',
    name: 'policies alone, near miss: the egress half is there',
    objects: [
      policy('frontend', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
      policy('frontend', 'web-to-api', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'backend' } },
                podSelector: { matchLabels: { app: 'api' } },
              },
            ],
            ports: [{ port: 8080 }],
          },
        ],
      }),
      policy('backend', 'from-frontend', {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } },
                podSelector: { matchLabels: { app: 'web' } },
              },
            ],
            ports: [{ port: 8080 }],
          },
        ],
      }),
    ],
    expect: [],
  },
  // selects-nothing
  {
    rule: 'selects-nothing',
    name: 'label typo',
    objects: [...web, policy('shop', 'p', { podSelector: { matchLabels: { app: 'wbe' } } })],
    expect: ['warning spec.podSelector.matchLabels.app'],
  },
  {
    rule: 'selects-nothing',
    name: 'the label matches',
    objects: [...web, policy('shop', 'p', { podSelector: { matchLabels: { app: 'web' } } })],
    expect: [],
  },
  {
    rule: 'selects-nothing',
    name: '{} is never "selects nothing", even with no pods',
    objects: [policy('shop', 'p', { podSelector: {} })],
    expect: [],
  },
  {
    rule: 'selects-nothing',
    name: 'no pods in the input at all: info',
    objects: [policy('shop', 'p', { podSelector: { matchLabels: { app: 'web' } } })],
    expect: ['info spec.podSelector'],
  },
  {
    rule: 'selects-nothing',
    name: 'no pods in that namespace: info',
    objects: [...web, policy('other', 'p', { podSelector: { matchLabels: { app: 'api' } } })],
    expect: ['info spec.podSelector'],
  },
  {
    rule: 'selects-nothing',
    name: 'policy without metadata.namespace while its pods live in shop',
    objects: [
      ...web,
      pod('default', 'x', { app: 'other' }),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'p' },
        spec: { podSelector: { matchLabels: { app: 'web' } } },
      },
    ],
    expect: ['warning metadata'],
  },
  {
    rule: 'selects-nothing',
    name: 'wrong namespace, no pods there: warning at metadata.namespace',
    objects: [...web, policy('shopp', 'p', { podSelector: { matchLabels: { app: 'web' } } })],
    expect: ['warning metadata.namespace'],
  },
  {
    rule: 'selects-nothing',
    name: 'a podSelector whose requirements exclude each other: warning, pods or not (issue 13)',
    objects: [
      policy('shop', 'p', {
        podSelector: {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['a'] },
            { key: 'app', operator: 'NotIn', values: ['a'] },
          ],
        },
      }),
    ],
    expect: ['warning spec.podSelector'],
  },
  {
    rule: 'selects-nothing',
    name: 'near miss: app in (a,b) with app notin (a) can match (app=b): info only, no pods',
    objects: [
      policy('shop', 'p', {
        podSelector: {
          matchExpressions: [
            { key: 'app', operator: 'In', values: ['a', 'b'] },
            { key: 'app', operator: 'NotIn', values: ['a'] },
          ],
        },
      }),
    ],
    expect: ['info spec.podSelector'],
  },
  // peer-matches-nothing
  {
    rule: 'peer-matches-nothing',
    name: 'a peer podSelector that contradicts itself: warning with no pods in the input (issue 13)',
    objects: [
      policy('shop', 'p', {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                podSelector: {
                  matchLabels: { app: 'a' },
                  matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }],
                },
              },
            ],
          },
        ],
      }),
    ],
    expect: ['warning spec.ingress[0].from[0].podSelector'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'a namespaceSelector requiring no kubernetes.io/metadata.name: no namespace at all',
    objects: [
      policy('shop', 'p', {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'DoesNotExist' }],
                },
              },
            ],
          },
        ],
      }),
    ],
    expect: ['warning spec.ingress[0].from[0].namespaceSelector'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'near miss: a namespaceSelector requiring some other label absent can match',
    objects: [
      policy('shop', 'p', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'podSelector typo in a peer',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'wbe' } } }] }] }),
    ],
    expect: ['warning spec.ingress[0].from[0].podSelector.matchLabels.app'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'namespaceSelector typo when namespaces are defined',
    objects: [
      namespace('shop', { team: 'shop' }),
      ...web,
      policy('shop', 'p', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shpo' } } }] }],
      }),
    ],
    expect: ['warning spec.ingress[0].from[0].namespaceSelector.matchLabels.team'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'namespaceSelector matching none when the input defines no Namespace: not judged (labels unknown)',
    objects: [
      ...web,
      policy('shop', 'p', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shpo' } } }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'podSelector typo under an empty namespaceSelector: every namespace searched',
    objects: [
      ...web,
      policy('other', 'p', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'wbe' } } }] }],
      }),
    ],
    expect: ['warning spec.ingress[0].from[0].podSelector.matchLabels.app'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'namespace pinned by name but not in the input: info',
    objects: [
      namespace('shop'),
      ...web,
      policy('shop', 'dns', { podSelector: {}, policyTypes: ['Egress'], egress: [ALLOW_DNS_RULE] }),
    ],
    expect: ['info spec.egress[0].to[0].namespaceSelector'],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'matching peer',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ],
    expect: [],
  },
  {
    rule: 'peer-matches-nothing',
    name: 'no pods of that namespace in the input: not judged',
    objects: [
      ...web,
      policy('other', 'p', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] }),
    ],
    expect: [],
  },
  // named-port-unresolved
  {
    rule: 'named-port-unresolved',
    name: 'ingress named port the selected pods do not define',
    objects: [...web, policy('shop', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'htpp' }] }] })],
    expect: ['warning spec.ingress[0].ports[0].port'],
  },
  {
    rule: 'named-port-unresolved',
    name: 'right name, wrong protocol',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http', protocol: 'UDP' }] }] }),
    ],
    expect: ['warning spec.ingress[0].ports[0].port'],
  },
  {
    rule: 'named-port-unresolved',
    name: 'resolves on the selected pods',
    objects: [...web, policy('shop', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] })],
    expect: [],
  },
  {
    rule: 'named-port-unresolved',
    name: 'egress: resolved on the peer pods, not the selected ones',
    objects: [
      ...web,
      pod('shop', 'client', { app: 'client' }),
      policy('shop', 'p', {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] }],
      }),
    ],
    expect: [],
  },
  // ipblock-covers-pod-range
  {
    rule: 'ipblock-covers-pod-range',
    name: 'ipBlock containing pod addresses',
    objects: [
      pod('shop', 'web', { app: 'web' }, [], {}),
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '198.18.0.0/16' } }] }] }),
    ],
    expect: ['warning spec.ingress[0].from[0].ipBlock.cidr'],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: '0.0.0.0/0 is info',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }),
    ],
    expect: ['info spec.ingress[0].from[0].ipBlock.cidr'],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: 'pod range excepted',
    objects: [
      ...web,
      policy('shop', 'p', {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['198.18.0.0/15'] } }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: 'input with real pod IPs: pods without status.podIP (netpol-assigned addresses) are not judged',
    objects: [
      pod('shop', 'web', { app: 'web' }, [], {}, { podIP: '10.244.1.5' }),
      coredns(),
      policy('shop', 'p', {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: 'input with real pod IPs: a block over them',
    objects: [
      pod('shop', 'web', { app: 'web' }, [], {}, { podIP: '10.244.1.5' }),
      coredns(),
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24' } }] }] }),
    ],
    expect: ['warning spec.ingress[0].from[0].ipBlock.cidr'],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: 'dual-stack pod: a block over its second (IPv6) address admits nothing, as the engine says',
    objects: [
      pod(
        'shop',
        'web',
        { app: 'web' },
        [],
        {},
        { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] },
      ),
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: 'fd00::/64' } }] }] }),
    ],
    expect: [],
  },
  {
    rule: 'ipblock-covers-pod-range',
    name: 'dual-stack pod: a block over its primary address',
    objects: [
      pod(
        'shop',
        'web',
        { app: 'web' },
        [],
        {},
        { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] },
      ),
      policy('shop', 'p', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.244.1.0/24' } }] }] }),
    ],
    expect: ['warning spec.ingress[0].from[0].ipBlock.cidr'],
  },
  // ipblock-service-ip
  {
    rule: 'ipblock-service-ip',
    name: 'DNS allowed by the kube-dns ClusterIP',
    objects: [
      coredns(),
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kube-dns', namespace: 'kube-system' },
        spec: { clusterIP: '10.96.0.10', selector: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }] },
      },
      pod('app', 'api', { app: 'api' }),
      policy('app', 'dns', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.96.0.10/32' } }], ports: [{ protocol: 'UDP', port: 53 }] }],
      }),
    ],
    expect: ['warning spec.egress[0].to[0].ipBlock.cidr'],
  },
  {
    rule: 'ipblock-service-ip',
    name: 'a block for "anywhere" and a block holding the pods too are fine',
    objects: [
      ...web,
      svc(8080),
      policy('shop', 'p', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }, { ipBlock: { cidr: '198.18.0.0/15' } }] },
        ],
      }),
    ],
    expect: [],
  },
  // duplicate-policy
  {
    rule: 'duplicate-policy',
    name: 'same name twice',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {} }),
      policy('shop', 'p', { podSelector: { matchLabels: { app: 'web' } } }),
    ],
    expect: ['warning metadata.name'],
  },
  {
    rule: 'duplicate-policy',
    name: 'same content under another name (peer order ignored)',
    objects: [
      ...web,
      policy('shop', 'a', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { x: '1' } } }, { podSelector: { matchLabels: { y: '1' } } }] },
        ],
      }),
      policy('shop', 'b', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { y: '1' } } }, { podSelector: { matchLabels: { x: '1' } } }] },
        ],
      }),
    ],
    expect: ['warning NetworkPolicy shop/b metadata.name'],
  },
  {
    rule: 'duplicate-policy',
    name: 'same rules, other namespace',
    objects: [...web, policy('shop', 'a', { podSelector: {} }), policy('other', 'a', { podSelector: {} })],
    expect: [],
  },
  // shadowed-rule
  {
    rule: 'shadowed-rule',
    name: 'a port rule next to an every-port rule for the same peer',
    objects: [
      ...web,
      policy('shop', 'p', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }] },
          { from: [{ podSelector: { matchLabels: { app: 'web', tier: 'x' } } }], ports: [{ port: 80 }] },
        ],
      }),
    ],
    expect: ['info spec.ingress[1]'],
  },
  {
    rule: 'shadowed-rule',
    name: 'rules that overlap without covering',
    objects: [
      ...web,
      policy('shop', 'p', {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 80 }] },
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 443 }] },
        ],
      }),
    ],
    expect: [],
  },
  // service-port-not-target-port
  {
    rule: 'service-port-not-target-port',
    name: 'allows the Service port 80, pods listen on targetPort 8080',
    objects: [
      ...web,
      svc(8080),
      policy('shop', 'p', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }),
    ],
    expect: ['warning spec.ingress[0].ports[0].port'],
  },
  {
    rule: 'service-port-not-target-port',
    name: 'named targetPort resolves to 8080',
    objects: [...web, svc('http'), policy('shop', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] })],
    expect: ['warning spec.ingress[0].ports[0].port'],
  },
  {
    rule: 'service-port-not-target-port',
    name: 'the rule allows the targetPort too',
    objects: [
      ...web,
      svc(8080),
      policy('shop', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 80 }, { port: 'http' }] }] }),
    ],
    expect: [],
  },
  // lint-disable-unknown-rule
  {
    rule: 'lint-disable-unknown-rule',
    name: 'a misspelt rule id in the annotation',
    objects: [
      ...web,
      policy('shop', 'p', { podSelector: {} }, { 'netpol.dev/lint-disable': 'shadowed-rule, shaddowed-rule' }),
    ],
    expect: ['warning metadata.annotations.netpol.dev/lint-disable'],
  },
  // host-network-pod
  {
    rule: 'host-network-pod',
    name: 'a policy selecting a hostNetwork pod, and a peer matching one',
    objects: [
      ...web,
      pod('shop', 'agent', { app: 'agent' }, [], { hostNetwork: true }),
      policy('shop', 'agent-in', { podSelector: { matchLabels: { app: 'agent' } }, ingress: [{}] }),
      policy('shop', 'web-in', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }] }],
      }),
    ],
    expect: ['warning spec.podSelector', 'warning spec.ingress[0].from[0]'],
  },
  {
    rule: 'host-network-pod',
    name: 'the same pod without hostNetwork',
    objects: [
      ...web,
      pod('shop', 'agent', { app: 'agent' }),
      policy('shop', 'agent-in', { podSelector: { matchLabels: { app: 'agent' } }, ingress: [{}] }),
      policy('shop', 'web-in', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }] }],
      }),
    ],
    expect: [],
  },
  {
    rule: 'lint-disable-unknown-rule',
    name: 'known ids and all',
    objects: [...web, policy('shop', 'p', { podSelector: {} }, { 'netpol.dev/lint-disable': 'shadowed-rule,all' })],
    expect: [],
  },
  ...ADMIN_LINT_CASES,
];

describe('lint rules', () => {
  for (const c of cases) {
    it(`${c.rule}: ${c.name}`, () => {
      const found = lintFindings(c.objects)
        .filter((f) => f.code === c.rule)
        .map((f) =>
          c.expect.some((e) => e.includes(' NetworkPolicy '))
            ? `${f.severity} ${f.object} ${f.path}`
            : `${f.severity} ${f.path}`,
        );
      assert.deepEqual(found, c.expect);
    });
  }

  it('every registered rule has a firing case and a quiet case here', () => {
    for (const rule of LINT_RULES) {
      assert.ok(
        cases.some((c) => c.rule === rule.id && c.expect.length > 0),
        `${rule.id} fires somewhere`,
      );
      assert.ok(
        cases.some((c) => c.rule === rule.id && c.expect.length === 0),
        `${rule.id} stays quiet somewhere`,
      );
    }
  });
});
