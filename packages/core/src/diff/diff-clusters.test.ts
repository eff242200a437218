import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, first } from '../at.js';
import { portSpansWords } from '../format/words.js';
import { ALLOW_DNS_RULE, coredns, deployment, loadText, namespace, pod, policy, stream } from '../lint/test-helpers.js';
import type { Protocol } from '../model/types.js';
import { type ConnectionChange, diffClusters } from './diff-clusters.js';
import { partitionPorts, spansToJson } from './port-partition.js';

const cluster = (objects: object[]) => loadText(stream(objects)).loaded.cluster;
const rows = (
  list: { from: string; to: string; protocol: Protocol; spans: readonly (readonly [number, number])[] }[],
) => list.map((c) => `${c.from} -> ${c.to} ${portSpansWords(c.protocol, c.spans)}`);

// Seed 002: examples 5 (AND) and 6 (OR) over pods that tell them apart.
const world = [
  namespace('backend-ns'),
  namespace('alice-ns', { user: 'alice' }),
  namespace('bob-ns', { user: 'bob' }),
  deployment('backend-ns', 'secure-api', { app: 'secure-api' }, [{ containerPort: 8443 }]),
  pod('alice-ns', 'client', { role: 'client' }),
  pod('alice-ns', 'other', {}),
  pod('bob-ns', 'client', { role: 'client' }),
  pod('backend-ns', 'local-client', { role: 'client' }),
];
const peers = {
  and: [{ namespaceSelector: { matchLabels: { user: 'alice' } }, podSelector: { matchLabels: { role: 'client' } } }],
  or: [{ namespaceSelector: { matchLabels: { user: 'alice' } } }, { podSelector: { matchLabels: { role: 'client' } } }],
};
const apiPolicy = (from: object[]) =>
  policy('backend-ns', 'api-ingress', {
    podSelector: { matchLabels: { app: 'secure-api' } },
    policyTypes: ['Ingress'],
    ingress: [{ from }],
  });

describe('diffClusters', () => {
  it('seed 002: AND → OR opens the alice namespace pods and local role=client pods to the API', () => {
    const d = diffClusters(cluster([...world, apiPolicy(peers.and)]), cluster([...world, apiPolicy(peers.or)]));
    const api = 'backend-ns/secure-api[Deployment]';
    assert.deepEqual(rows(d.opened), [
      `alice-ns/other -> ${api} every TCP port`,
      `alice-ns/other -> ${api} every UDP port`,
      `alice-ns/other -> ${api} every SCTP port`,
      `backend-ns/local-client -> ${api} every TCP port`,
      `backend-ns/local-client -> ${api} every UDP port`,
      `backend-ns/local-client -> ${api} every SCTP port`,
    ]);
    assert.deepEqual(d.closed, []);
    assert.deepEqual(d.policies, {
      added: [],
      removed: [],
      changed: ['backend-ns/api-ingress'],
      details: [
        {
          id: 'backend-ns/api-ingress',
          changes: [
            '-ingress from pods role=client in namespaces user=alice, on every port',
            '+ingress from every pod in namespaces user=alice or pods role=client in namespace backend-ns, on every port',
          ],
        },
      ],
    });
    // And back: the same connections close.
    const back = diffClusters(cluster([...world, apiPolicy(peers.or)]), cluster([...world, apiPolicy(peers.and)]));
    assert.deepEqual(rows(back.closed), rows(d.opened));
    assert.deepEqual(back.opened, []);
  });

  it('identical inputs: empty diff', () => {
    const objects = [...world, apiPolicy(peers.or), coredns()];
    const d = diffClusters(cluster(objects), cluster(objects));
    assert.deepEqual(
      { opened: d.opened, closed: d.closed, policies: d.policies, endpoints: d.endpoints },
      {
        opened: [],
        closed: [],
        policies: { added: [], removed: [], changed: [], details: [] },
        endpoints: { added: [], removed: [], changed: [] },
      },
    );
  });

  it('reordered peers and reformatted rules are not a change', () => {
    const a = apiPolicy([first(peers.or), at(peers.or, 1)]);
    const b = apiPolicy([at(peers.or, 1), first(peers.or)]);
    const d = diffClusters(cluster([...world, a]), cluster([...world, b]));
    assert.deepEqual(d.policies.changed, []);
    assert.deepEqual(d.opened, []);
  });

  it('seed 000 part 3: default-deny egress closes DNS and the internet; allow-dns reopens UDP/TCP 53 only', () => {
    const base = [
      coredns(),
      pod('frontend', 'client', {}),
      deployment('backend', 'backend', { app: 'backend' }, [{ containerPort: 80 }]),
    ];
    const deny = policy('frontend', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    const dns = policy('frontend', 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [ALLOW_DNS_RULE] });
    const d = diffClusters(cluster(base), cluster([...base, deny]));
    assert.deepEqual(d.policies.added, ['frontend/deny-egress']);
    assert.deepEqual(rows(d.closed), [
      'frontend/client -> backend/backend[Deployment] every TCP port',
      'frontend/client -> backend/backend[Deployment] every UDP port',
      'frontend/client -> backend/backend[Deployment] every SCTP port',
      'frontend/client -> kube-system/coredns[Deployment] every TCP port',
      'frontend/client -> kube-system/coredns[Deployment] every UDP port',
      'frontend/client -> kube-system/coredns[Deployment] every SCTP port',
      'frontend/client -> 203.0.113.10 every TCP port',
      'frontend/client -> 203.0.113.10 every UDP port',
      'frontend/client -> 203.0.113.10 every SCTP port',
    ]);
    const fix = diffClusters(cluster([...base, deny]), cluster([...base, deny, dns]));
    assert.deepEqual(rows(fix.opened), [
      'frontend/client -> kube-system/coredns[Deployment] 53/TCP',
      'frontend/client -> kube-system/coredns[Deployment] 53/UDP',
    ]);
    assert.deepEqual(fix.closed, []);
  });

  it('egress to an ipBlock opens its class of outside addresses, exceptions stay closed', () => {
    const base = [
      pod('app', 'web', { app: 'web' }),
      policy('app', 'deny', { podSelector: {}, policyTypes: ['Egress'] }),
    ];
    const allow = policy('app', 'to-lan', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '192.168.1.0/24', except: ['192.168.1.50/32'] } }], ports: [{ port: 5432 }] }],
    });
    const d = diffClusters(cluster(base), cluster([...base, allow]));
    assert.deepEqual(rows(d.opened), ['app/web -> 192.168.1.0 5432/TCP']);
    assert.deepEqual(
      d.externals.map((x) => `${x.ip} ${x.label}`),
      ['203.0.113.10 outside every ipBlock', '192.168.1.0 in 192.168.1.0/24 except 192.168.1.50/32'],
    );
  });

  it('outside addresses: never in the model pod/Service range, documentation addresses preferred', () => {
    const c = cluster([
      pod('app', 'web'),
      policy('app', 'p', {
        podSelector: {},
        ingress: [
          { from: [{ ipBlock: { cidr: '198.18.0.0/16', except: ['198.18.5.0/24'] } }] },
          { from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '203.0.113.0/24'] } }] },
        ],
      }),
    ]);
    assert.deepEqual(
      diffClusters(c, c).externals.map((x) => `${x.ip} ${x.label}`),
      ['198.51.100.10 in 0.0.0.0/0 except 10.0.0.0/8, 203.0.113.0/24', '203.0.113.10 outside every ipBlock'],
    );
  });

  it('an endpoint in one version only gains (or loses) every connection it has there (issue 13)', () => {
    // Ingress of every pod of a is denied; egress is not isolated: y reaches only outside.
    const base = [pod('a', 'x'), policy('a', 'deny', { podSelector: {} })];
    const text = (list: ConnectionChange[]) =>
      list.map((c) => `${c.from} -> ${c.to} ${c.protocol} ${spansToJson(c.spans)}`);
    const gained = ['TCP', 'UDP', 'SCTP'].map((p) => `a/y -> 203.0.113.10 ${p} 1-65535`);
    const added = diffClusters(cluster(base), cluster([...base, pod('a', 'y')]));
    assert.deepEqual(added.endpoints, { added: ['a/y'], removed: [], changed: [] });
    assert.deepEqual([text(added.opened), text(added.closed)], [gained, []]);
    const removed = diffClusters(cluster([...base, pod('a', 'y')]), cluster(base));
    assert.deepEqual(removed.endpoints, { added: [], removed: ['a/y'], changed: [] });
    assert.deepEqual([text(removed.opened), text(removed.closed)], [[], gained]);
  });

  it('a label change on a pod is diffed even when no policy changed', () => {
    const rules = policy('a', 'only-web', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] }],
    });
    const d = diffClusters(
      cluster([pod('a', 'db', { app: 'db' }), pod('a', 'c', { app: 'web' }), rules]),
      cluster([pod('a', 'db', { app: 'db' }), pod('a', 'c', { app: 'webb' }), rules]),
    );
    assert.deepEqual(rows(d.closed), ['a/c -> a/db 5432/TCP']);
    // The reviewer is told why: which endpoint changed and how.
    assert.deepEqual(d.endpoints.changed, [{ id: 'a/c', changes: ['labels app=web → app=webb'] }]);
  });

  it('a label no policy reads, on every pod, changes no verdict; one a selector or rule reads does', () => {
    const world = (version: string, extra: Record<string, string> = {}, teamB = 'b') => [
      namespace('a'),
      namespace('b', { team: teamB }),
      pod('a', 'db', { app: 'db', version, ...extra }, [{ containerPort: 5432, name: 'pg' }]),
      pod('a', 'web', { app: 'web', version }),
      pod('b', 'web', { app: 'web', version }),
      policy('a', 'db-ingress', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'pg' }] },
          { from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] },
        ],
      }),
      policy('a', 'canary-egress', {
        podSelector: { matchLabels: { track: 'canary' } },
        policyTypes: ['Egress'],
        egress: [],
      }),
    ];
    // Every pod relabelled, no verdict changed: nothing opened or closed, the labels reported.
    const unseen = diffClusters(cluster(world('v1')), cluster(world('v2')));
    assert.deepEqual([unseen.opened, unseen.closed], [[], []]);
    assert.equal(unseen.endpoints.changed.length, 3);
    assert.deepEqual(first(unseen.endpoints.changed).changes, ['labels version=v1 → version=v2']);
    // A label that makes another policy select the pod: its egress closes.
    const selected = diffClusters(cluster(world('v1')), cluster(world('v2', { track: 'canary' })));
    assert.deepEqual(rows(selected.closed).slice(0, 2), [
      'a/db -> a/web every TCP port',
      'a/db -> a/web every UDP port',
    ]);
    // A namespace label a namespaceSelector reads: b's pods lose the rule that admitted them
    // (the other rule's podSelector reads a's pods only).
    const namespaceLabel = diffClusters(cluster(world('v1')), cluster(world('v2', {}, 'c')));
    assert.deepEqual(rows(namespaceLabel.closed), [
      'b/web -> a/db every TCP port',
      'b/web -> a/db every UDP port',
      'b/web -> a/db every SCTP port',
    ]);
    assert.deepEqual(namespaceLabel.opened, []);
  });

  it('changed endpoints name labels, namespace labels and ports that changed', () => {
    const d = diffClusters(
      cluster([namespace('a', { team: 'x' }), pod('a', 'p', { app: 'p' }, [{ containerPort: 80 }])]),
      cluster([namespace('a'), pod('a', 'p', { app: 'p', tier: 'web' }, [{ containerPort: 8080, name: 'http' }])]),
    );
    assert.deepEqual(d.endpoints.changed, [
      { id: 'a/p', changes: ['labels +tier=web', 'namespace labels -team=x', 'ports 80/TCP → 8080/TCP (http)'] },
    ]);
  });

  it('port partition: every named number and range edge starts a span', () => {
    const c = cluster([
      pod('a', 'p', {}, [{ containerPort: 8080, name: 'http' }]),
      policy('a', 'x', { podSelector: {}, ingress: [{ ports: [{ port: 100, endPort: 200 }, { port: 'http' }] }] }),
    ]);
    assert.deepEqual(partitionPorts([c]).get('TCP'), [
      [1, 99],
      [100, 200],
      [201, 8079],
      [8080, 8080],
      [8081, 65535],
    ]);
    assert.deepEqual(partitionPorts([c]).get('UDP'), [[1, 65535]]);
  });
});
