import { first } from '../at.js';
import { ALLOW_DNS_RULE, coredns, namespace, pod, policy } from './test-helpers.js';

/**
 * Firing cases and near misses of the admin tier lint rules (rules/admin-tiers.ts), in the
 * shape of rules.test.ts's table (which runs them with the others).
 */
export interface AdminLintCase {
  rule: string;
  name: string;
  objects: object[];
  expect: string[];
}

const cnp = (name: string, tier: 'Admin' | 'Baseline', priority: number, spec: object) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name },
  spec: { tier, priority, ...spec },
});
const anp = (name: string, priority: number, spec: object) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name },
  spec: { priority, ...spec },
});

const teams = [
  namespace('a', { team: 'a' }),
  namespace('b', { team: 'b' }),
  pod('a', 'web', { app: 'web' }, [{ containerPort: 8080, name: 'http' }]),
  pod('b', 'client', { app: 'client' }),
];
const intoA = { namespaces: { matchLabels: { team: 'a' } } };
const fromB = [{ namespaces: { matchLabels: { team: 'b' } } }];
const ingress = (action: string, extra: object = {}) => ({ ingress: [{ action, from: fromB, ...extra }] });

export const ADMIN_LINT_CASES: AdminLintCase[] = [
  {
    rule: 'admin-priority-tie',
    name: 'two policies at priority 5 decide b -> a differently',
    objects: [
      ...teams,
      cnp('p-deny', 'Admin', 5, { subject: intoA, ...ingress('Deny') }),
      cnp('p-accept', 'Admin', 5, { subject: intoA, ...ingress('Accept') }),
    ],
    expect: ['warning spec.priority'],
  },
  {
    rule: 'admin-priority-tie',
    name: 'same priority, same action: the order does not matter',
    objects: [
      ...teams,
      cnp('p-deny', 'Admin', 5, { subject: intoA, ...ingress('Deny') }),
      anp('other-deny', 5, { subject: intoA, ingress: [{ action: 'Deny', from: fromB }] }),
    ],
    expect: [],
  },
  {
    rule: 'admin-priority-tie',
    name: 'distinct priorities',
    objects: [
      ...teams,
      cnp('p-deny', 'Admin', 5, { subject: intoA, ...ingress('Deny') }),
      cnp('p-accept', 'Admin', 6, { subject: intoA, ...ingress('Accept') }),
    ],
    expect: [],
  },
  {
    rule: 'admin-rule-shadowed',
    name: 'a Deny to every namespace before an Accept to one',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, {
        subject: intoA,
        ingress: [
          { action: 'Deny', from: [{ namespaces: {} }] },
          { action: 'Accept', from: fromB },
        ],
      }),
    ],
    expect: ['warning spec.ingress[1]'],
  },
  {
    rule: 'admin-rule-shadowed',
    name: 'the earlier rule covers fewer ports',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, {
        subject: intoA,
        ingress: [
          { action: 'Deny', from: [{ namespaces: {} }], protocols: [{ tcp: { destinationPort: { number: 80 } } }] },
          { action: 'Accept', from: fromB },
        ],
      }),
    ],
    expect: [],
  },
  {
    rule: 'pass-to-nothing',
    name: 'a Pass for pods no NetworkPolicy isolates and no baseline selects',
    objects: [...teams, cnp('p', 'Admin', 1, { subject: intoA, ...ingress('Pass') })],
    expect: ['info spec.ingress[0]'],
  },
  {
    rule: 'pass-to-nothing',
    name: 'a NetworkPolicy isolates the pod: the Pass delegates to it',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, ...ingress('Pass') }),
      policy('a', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] }),
    ],
    expect: [],
  },
  {
    rule: 'pass-to-nothing',
    name: 'a baseline policy selects the pod',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, ...ingress('Pass') }),
      cnp('base', 'Baseline', 1, { subject: intoA, ...ingress('Deny') }),
    ],
    expect: [],
  },
  {
    rule: 'admin-deny-blocks-dns',
    name: 'a Deny to every namespace cuts DNS',
    objects: [
      ...teams,
      namespace('kube-system'),
      coredns(),
      cnp('p', 'Admin', 1, { subject: intoA, egress: [{ action: 'Deny', to: [{ namespaces: {} }] }] }),
    ],
    expect: ['warning spec.egress[0]'],
  },
  {
    rule: 'admin-deny-blocks-dns',
    name: 'an Accept for DNS comes first',
    objects: [
      ...teams,
      namespace('kube-system'),
      coredns(),
      cnp('p', 'Admin', 1, {
        subject: intoA,
        egress: [
          {
            action: 'Accept',
            to: [
              {
                pods: {
                  namespaceSelector: first(ALLOW_DNS_RULE.to).namespaceSelector,
                  podSelector: first(ALLOW_DNS_RULE.to).podSelector,
                },
              },
            ],
            protocols: [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }],
          },
          { action: 'Deny', to: [{ namespaces: {} }] },
        ],
      }),
    ],
    expect: [],
  },
  {
    rule: 'baseline-never-applies',
    name: 'every selected pod is isolated for ingress by a NetworkPolicy',
    objects: [
      ...teams,
      cnp('base', 'Baseline', 1, { subject: intoA, ...ingress('Deny') }),
      policy('a', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] }),
    ],
    expect: ['info spec.subject'],
  },
  {
    rule: 'baseline-never-applies',
    name: 'the NetworkPolicy isolates egress only',
    objects: [
      ...teams,
      cnp('base', 'Baseline', 1, { subject: intoA, ...ingress('Deny') }),
      policy('a', 'deny-out', { podSelector: {}, policyTypes: ['Egress'] }),
    ],
    expect: [],
  },
  {
    rule: 'domain-names-unenforceable-without-dns',
    name: 'an Accept to a domain name',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, egress: [{ action: 'Accept', to: [{ domainNames: ['example.com'] }] }] }),
    ],
    expect: ['warning spec.egress[0].to[0].domainNames'],
  },
  {
    rule: 'domain-names-unenforceable-without-dns',
    name: 'networks instead of names',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, egress: [{ action: 'Accept', to: [{ networks: ['203.0.113.0/24'] }] }] }),
    ],
    expect: [],
  },
  {
    rule: 'domain-names-not-accept',
    name: 'a Deny to a domain name (the CRD accepts it)',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, egress: [{ action: 'Deny', to: [{ domainNames: ['example.com'] }] }] }),
    ],
    expect: ['error spec.egress[0].action'],
  },
  {
    rule: 'domain-names-not-accept',
    name: 'an Accept to a domain name',
    objects: [
      ...teams,
      cnp('p', 'Admin', 1, { subject: intoA, egress: [{ action: 'Accept', to: [{ domainNames: ['example.com'] }] }] }),
    ],
    expect: [],
  },
];
