import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { atLeast } from '../at.js';
import { runLint } from './run-lint.js';
import { ALLOW_DNS_RULE, coredns, deployment, loadText, namespace, pod, policy, stream } from './test-helpers.js';

/** Messages of one rule (what a user reads): the facts they state must be true. */
function messages(objects: object[], rule: string): string[] {
  const { loaded } = loadText(stream(objects));
  return runLint(loaded)
    .filter((f) => f.code === rule)
    .map((f) => f.message);
}

const api = pod('app', 'api', { app: 'api' });
const egressOnly = (name: string, egress: object[]) =>
  policy('app', name, { podSelector: {}, policyTypes: ['Egress'], egress });

describe('lint messages state what happens', () => {
  it('duplicate-policy: points at the first copy by file:line', () => {
    const [message] = atLeast(
      messages(
        [api, policy('app', 'a', { podSelector: {} }), policy('app', 'b', { podSelector: {} })],
        'duplicate-policy',
      ),
      1,
    );
    // The stream is one JSON document per line: policy a is on line 3 (after api and ---).
    assert.match(message, /app\/a \(t\.yaml:3\)/);
  });

  it('dns-egress-blocked, only UDP allowed: the egress lacks 53/TCP (not "ingress denies")', () => {
    const [message] = atLeast(
      messages(
        [coredns(), api, egressOnly('udp-dns', [{ ...ALLOW_DNS_RULE, ports: [{ protocol: 'UDP', port: 53 }] }])],
        'dns-egress-blocked',
      ),
      1,
    );
    assert.match(message, /no egress rule allows 53\/TCP/);
    assert.doesNotMatch(message, /ingress/);
  });

  it('dns-egress-blocked, DNS pods isolated for ingress: blames their ingress and says to allow ingress', () => {
    const [message] = atLeast(
      messages(
        [
          coredns(),
          api,
          egressOnly('allow-dns', [ALLOW_DNS_RULE]),
          policy('kube-system', 'deny-in', { podSelector: {}, policyTypes: ['Ingress'] }),
        ],
        'dns-egress-blocked',
      ),
      1,
    );
    assert.match(message, /ingress policies of the DNS pods deny it/);
    assert.match(message, /allow ingress to the DNS pods/);
  });

  it('dns-egress-blocked on a policies-only input names the namespace, not a made-up pod id', () => {
    const [message] = atLeast(
      messages([policy('app', 'deny', { podSelector: {}, policyTypes: ['Egress'] })], 'dns-egress-blocked'),
      1,
    );
    assert.match(message, /^any pod in namespace app /);
    assert.doesNotMatch(message, /</);
  });

  it('namespace-pod-selector-or: `namespaceSelector: {}` reads "every namespace", egress "allows traffic to"', () => {
    const [message] = atLeast(
      messages(
        [
          api,
          egressOnly('dns', [
            { to: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] },
          ]),
        ],
        'namespace-pod-selector-or',
      ),
      1,
    );
    assert.match(message, /allows traffic to every pod in every namespace OR/);
    assert.match(message, /meant only pods k8s-app=kube-dns in every namespace,/);
    assert.doesNotMatch(message, /namespaces \{\}/);
  });

  it('one-sided-allow: the rule it suggests, pasted into a policy of the source pods, clears the finding', () => {
    const objects = [
      namespace('frontend', { access: 'frontend' }),
      namespace('backend'),
      pod('frontend', 'client', { app: 'client' }),
      deployment('backend', 'backend', { app: 'backend', tier: 'web' }, [{ containerPort: 80 }]),
      policy('backend', 'allow-frontend', {
        podSelector: {
          matchLabels: { app: 'backend' },
          matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }],
        },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { access: 'frontend' } } }], ports: [{ port: 80 }] }],
      }),
      policy('frontend', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
    ];
    const [message] = atLeast(messages(objects, 'one-sided-allow'), 1);
    const snippet = /the egress rule (\{.*\}), or drop this peer/.exec(message)?.[1];
    assert.ok(snippet, message);
    const fix = `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: fix, namespace: frontend}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - ${snippet}\n`;
    const { loaded } = loadText(`${stream(objects)}\n${fix}`);
    assert.deepEqual(
      runLint(loaded).filter((f) => f.code === 'one-sided-allow'),
      [],
    );
  });

  // Remotes of other namespaces are judged once per side class (issue 18): these rows hold pods
  // alike but for the one thing that makes their side answer differently.
  it('one-sided-allow: of look-alike clients in three namespaces, names only those whose own egress denies', () => {
    const client = (ns: string) => pod(ns, 'client', { app: 'client' });
    const denyEgress = (ns: string) => policy(ns, 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const [message, ...more] = messages(
      [
        ...['b', 'c', 'd'].flatMap((ns) => [namespace(ns), client(ns), denyEgress(ns)]),
        policy('c', 'to-a', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } }],
              ports: [{ port: 80 }],
            },
          ],
        }),
        pod('a', 'server', { app: 'server' }, [{ containerPort: 80 }]),
        policy('a', 'from-clients', {
          podSelector: {},
          ingress: [
            {
              from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }],
              ports: [{ port: 80 }],
            },
          ],
        }),
      ],
      'one-sided-allow',
    );
    assert.deepEqual(more, []);
    assert.match(
      message ?? '',
      /the egress of b\/client, d\/client denies it \(b\/client is isolated for egress by b\/deny-egress /,
    );
  });

  it('one-sided-allow: of look-alike servers whose named port differs, names only the one its ingress denies', () => {
    const server = (ns: string, port: number) =>
      pod(ns, 'server', { app: 'server' }, [{ containerPort: port, name: 'http' }]);
    const on80 = (ns: string) => policy(ns, 'in-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
    const [message, ...more] = messages(
      [
        namespace('b'),
        namespace('c'),
        server('b', 80),
        server('c', 8080),
        on80('b'),
        on80('c'),
        pod('a', 'client', { app: 'client' }),
        policy('a', 'to-servers', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'server' } } }],
              ports: [{ port: 'http' }],
            },
          ],
        }),
      ],
      'one-sided-allow',
    );
    assert.deepEqual(more, []);
    assert.match(
      message ?? '',
      /but the ingress of c\/server denies it \(c\/server is isolated for ingress by c\/in-80 /,
    );
  });

  it('one-sided-allow: a look-alike client in the policy namespace reaches it by its own-namespace rule, one elsewhere does not', () => {
    const client = (ns: string) => pod(ns, 'client', { app: 'client' });
    const toOwnNamespace = (ns: string) =>
      policy(ns, 'egress-own', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: {} }] }] });
    const [message, ...more] = messages(
      [
        namespace('a'),
        namespace('b'),
        client('a'),
        client('b'),
        toOwnNamespace('a'),
        toOwnNamespace('b'),
        pod('a', 'server', { app: 'server' }, [{ containerPort: 80 }]),
        policy('a', 'from-clients', {
          podSelector: { matchLabels: { app: 'server' } },
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'client' } } }] }],
        }),
      ],
      'one-sided-allow',
    );
    assert.deepEqual(more, []);
    assert.match(
      message ?? '',
      /but the egress of b\/client denies it \(b\/client is isolated for egress by b\/egress-own /,
    );
  });
});
