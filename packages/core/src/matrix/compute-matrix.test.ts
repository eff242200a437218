import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { at } from '../at.js';
import {
  arbitraryClusterObjects,
  manifestText,
  SCENARIO_EXTERNALS,
  SCENARIO_PORTS,
} from '../engine/arbitrary-cluster.js';
import { naiveAllowed } from '../engine/naive-evaluator.js';
import type { PortQuery } from '../engine/types.js';
import { GROUPED_MATRIX_FORMATS, groupedMatrixChunks } from '../format/grouped-matrix-format.js';
import { matrixChunks } from '../format/render-matrix.js';
import { generateCluster } from '../gen/generate-cluster.js';
import { renderGenerated } from '../gen/render-generated.js';
import { loadCluster } from '../load-cluster.js';
import { clusterFromYaml } from '../test-helpers.js';
import { computeMatrix } from './compute-matrix.js';
import { defaultMatrixPorts } from './default-ports.js';
import { groupByNamespace } from './group-by-namespace.js';
import { cellPeers, listMatrixEndpoints, type MatrixEndpoint } from './matrix-endpoints.js';

const TCP80: PortQuery = { protocol: 'TCP', port: 80 };

function endpoints(cluster: ReturnType<typeof clusterFromYaml>, options = {}): MatrixEndpoint[] {
  const listed = listMatrixEndpoints(cluster, options);
  assert.ok(listed.ok);
  return listed.value;
}

/** Every entry of the fast matrix against the naive oracle; returns the number compared. */
function assertAgreesWithNaive(
  cluster: ReturnType<typeof clusterFromYaml>,
  eps: readonly MatrixEndpoint[],
  ports: readonly PortQuery[],
  expand: boolean,
): number {
  const result = computeMatrix(cluster, { endpoints: eps, ports, expand });
  let compared = 0;
  ports.forEach((port, p) => {
    for (let i = 0; i < eps.length; i++) {
      for (let j = 0; j < eps.length; j++) {
        const expected = naiveAllowed(cluster, ...cellPeers(at(eps, i), at(eps, j)), port);
        const actual = result.allowed(i, j, p);
        if (actual !== expected) {
          assert.fail(
            `${at(eps, i).id} -> ${at(eps, j).id} on ${port.port}/${port.protocol}: fast ${actual}, naive ${expected}`,
          );
        }
        compared++;
      }
    }
  });
  return compared;
}

const BASE = `
apiVersion: v1
kind: Namespace
metadata: { name: x, labels: { team: a } }
---
apiVersion: v1
kind: Namespace
metadata: { name: other, labels: { team: b } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: x }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: other, labels: { app: client } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: v1
kind: Pod
metadata: { name: db, namespace: x, labels: { app: db } }
spec: { containers: [{ name: c, image: i, ports: [{ name: http, containerPort: 5432 }] }] }
`;

describe('computeMatrix', () => {
  test('open cluster: everything allowed, null between externals, self allowed', () => {
    const cluster = clusterFromYaml(BASE);
    const eps = endpoints(cluster, { externals: ['203.0.113.7', '203.0.113.8'] });
    assert.deepEqual(
      eps.map((e) => e.id),
      ['other/client', 'x/db', 'x/web[Deployment]', '203.0.113.7', '203.0.113.8'],
    );
    const result = computeMatrix(cluster, { endpoints: eps, ports: [TCP80] });
    assert.equal(result.allowed(3, 4, 0), null);
    assert.equal(result.allowed(3, 3, 0), null);
    assert.equal(result.allowed(0, 0, 0), true);
    assert.equal(result.allowed(0, 3, 0), true);
    assertAgreesWithNaive(cluster, eps, [TCP80], true);
  });

  const DENY_X = `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: deny, namespace: x }
spec: { podSelector: {} }
`;

  test('default deny isolates ingress; a pod to itself stays allowed, a workload to itself is replica to replica', () => {
    const cluster = clusterFromYaml(BASE + DENY_X);
    const eps = endpoints(cluster);
    for (const expand of [true, false]) {
      const result = computeMatrix(cluster, { endpoints: eps, ports: [TCP80], expand });
      const web = eps.findIndex((e) => e.id === 'x/web[Deployment]');
      const client = eps.findIndex((e) => e.id === 'other/client');
      const db = eps.findIndex((e) => e.id === 'x/db');
      assert.equal(result.allowed(client, web, 0), false);
      assert.equal(result.allowed(web, client, 0), true);
      // x/web has 3 replicas under default deny: web-0 -> web-1 is denied (SPEC, issue 11 #8).
      assert.equal(result.allowed(web, web, 0), false);
      assert.equal(at(result.row(web, 0), web >>> 5) & (1 << (web & 31)), 0);
      // A bare pod to itself: always allowed.
      assert.equal(result.allowed(db, db, 0), true);
    }
  });

  test('named port resolves per destination; unresolved is denied', () => {
    const cluster = clusterFromYaml(
      `${BASE}${DENY_X}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: http-8080, namespace: x }
spec:
  podSelector: {}
  ingress: [{ ports: [{ port: 8080 }] }]
`,
    );
    const eps = endpoints(cluster, { externals: ['203.0.113.7'] });
    const ports: PortQuery[] = [
      { protocol: 'TCP', port: 'http' },
      { protocol: 'UDP', port: 'http' },
      { protocol: 'TCP', port: 8080 },
    ];
    const result = computeMatrix(cluster, { endpoints: eps, ports });
    const at = (id: string) => eps.findIndex((e) => e.id === id);
    // web's http is 8080 (allowed), db's http is 5432 (not in the rule).
    assert.equal(result.allowed(at('other/client'), at('x/web[Deployment]'), 0), true);
    assert.equal(result.allowed(at('other/client'), at('x/db'), 0), false);
    // no UDP port named http anywhere; external destinations never resolve a name.
    assert.equal(result.allowed(at('other/client'), at('x/web[Deployment]'), 1), false);
    assert.equal(result.allowed(at('other/client'), at('203.0.113.7'), 0), false);
    assertAgreesWithNaive(cluster, eps, ports, true);
  });

  test('one policy text in several namespaces: peer and port sets shared per text stay per namespace', () => {
    // The same rules copied into namespaces a and b (and a variant in c): a peer without
    // namespaceSelector means "here" in each copy, one with a namespaceSelector means the same
    // pods in every copy; ports that read alike share a set, ports that differ by protocol,
    // range or name must not.
    const namespaces = ['a', 'b', 'c'];
    const pod = (ns: string, name: string, ports: string) => `
---
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns}, labels: { app: ${name} } }
spec: { containers: [{ name: c, image: i, ports: ${ports} }] }`;
    const policy = (ns: string, ports: string, teamPorts: string) => `
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: api, namespace: ${ns} }
spec:
  podSelector: { matchLabels: { app: api } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from: [{ podSelector: { matchLabels: { app: web } } }]
      ports: ${ports}
    - from: [{ namespaceSelector: { matchLabels: { team: t } }, podSelector: { matchLabels: { app: web } } }]
      ports: ${teamPorts}
  egress:
    - to: [{ podSelector: { matchLabels: { app: web } } }]
      ports: ${ports}`;
    const text = [
      ...namespaces.map(
        (ns) => `
---
apiVersion: v1
kind: Namespace
metadata: { name: ${ns}, labels: { team: ${ns === 'c' ? 'u' : 't'} } }`,
      ),
      ...namespaces.flatMap((ns) => [
        pod(ns, 'web', `[{ name: http, containerPort: ${ns === 'b' ? 80 : 8080} }]`),
        pod(ns, 'api', `[{ name: http, containerPort: ${ns === 'a' ? 80 : 8080} }]`),
      ]),
      policy('a', '[{ port: 80 }, { port: http }]', '[{ port: 80 }]'),
      policy('b', '[{ port: 80 }, { port: http }]', '[{ port: 81 }]'),
      policy('c', '[{ port: 80, protocol: UDP }, { port: http }]', '[{ port: 80, endPort: 81 }]'),
    ].join('');
    const cluster = clusterFromYaml(text);
    const eps = endpoints(cluster);
    const ports: PortQuery[] = [
      TCP80,
      { protocol: 'TCP', port: 81 },
      { protocol: 'TCP', port: 8080 },
      { protocol: 'UDP', port: 80 },
    ];
    const result = computeMatrix(cluster, { endpoints: eps, ports, expand: false });
    const at = (id: string) => eps.findIndex((e) => e.id === id);
    // "here": on 8080 (b's api names it http) b's copy of the first rule admits b's web, not a's.
    assert.equal(result.allowed(at('b/web'), at('b/api'), 0), true);
    assert.equal(result.allowed(at('a/web'), at('b/api'), 2), false);
    // a's http is 80 on api: named port admits 80 there, and 8080 nowhere in a.
    assert.equal(result.allowed(at('a/web'), at('a/api'), 2), false);
    assert.equal(result.allowed(at('b/web'), at('b/api'), 2), true);
    assert.equal(result.allowed(at('a/web'), at('a/api'), 0), true);
    // The namespaceSelector peer (team t) admits a's and b's web, on each copy's own ports:
    // 80 in a, 81 in b, 80-81 in c; never c's web (team u).
    assert.equal(result.allowed(at('a/web'), at('b/api'), 1), true);
    assert.equal(result.allowed(at('b/web'), at('a/api'), 1), false);
    assert.equal(result.allowed(at('a/web'), at('c/api'), 1), true);
    assert.equal(result.allowed(at('c/web'), at('a/api'), 1), false);
    // c's first rule is UDP 80 and http (8080 on c's api), not TCP 80.
    assert.equal(result.allowed(at('c/web'), at('c/api'), 3), true);
    assert.equal(result.allowed(at('c/web'), at('c/api'), 2), true);
    assert.equal(result.allowed(at('c/web'), at('c/api'), 0), false);
    assertAgreesWithNaive(cluster, eps, ports, false);
    assertAgreesWithNaive(cluster, eps, ports, true);
  });

  test('per-pod: replicas are endpoints, grouped into one class', () => {
    const cluster = clusterFromYaml(BASE + DENY_X);
    const eps = endpoints(cluster, { perPod: true });
    assert.deepEqual(
      eps.map((e) => e.id),
      ['other/client', 'x/db', 'x/web-0', 'x/web-1', 'x/web-2'],
    );
    const result = computeMatrix(cluster, { endpoints: eps, ports: [TCP80] });
    assert.equal(result.stats.podClasses, 3);
    // replicas of one isolated workload do not reach each other, but each reaches itself
    assert.equal(result.allowed(2, 3, 0), false);
    assert.equal(result.allowed(3, 3, 0), true);
    assertAgreesWithNaive(cluster, eps, [TCP80], true);
  });

  test('IPv6 pods, ipBlocks and outside addresses agree with the oracle', () => {
    const cluster = clusterFromYaml(`
apiVersion: v1
kind: Pod
metadata: { name: a, namespace: v6, labels: { app: a } }
spec: { containers: [{ name: c, image: i }] }
status: { podIP: "2001:db8::10", podIPs: [{ ip: "2001:db8::10" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: b, namespace: v6, labels: { app: b } }
spec: { containers: [{ name: c, image: i }] }
status: { podIP: "2001:db8:1::20", podIPs: [{ ip: "2001:db8:1::20" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: c, namespace: v6, labels: { app: c } }
spec: { containers: [{ name: c, image: i }] }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: p, namespace: v6 }
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress: [{ from: [{ ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] } }] }]
  egress: [{ to: [{ ipBlock: { cidr: "::/0", except: ["2001:db8::/64"] } }, { ipBlock: { cidr: 0.0.0.0/0 } }] }]
`);
    const eps = endpoints(cluster, { externals: ['2001:db8::99', '2001:db8:1::1', '2001:db9::1', '203.0.113.9'] });
    assert.equal(eps.length, 7);
    assertAgreesWithNaive(cluster, eps, [TCP80], true);
    assertAgreesWithNaive(cluster, eps, [TCP80], false);
    const result = computeMatrix(cluster, { endpoints: eps, ports: [TCP80] });
    const at = (id: string) => eps.findIndex((e) => e.id === id);
    assert.equal(result.allowed(at('2001:db8::99'), at('v6/a'), 0), true);
    assert.equal(result.allowed(at('2001:db8:1::1'), at('v6/a'), 0), false);
    assert.equal(result.allowed(at('v6/b'), at('v6/a'), 0), false);
  });

  test('namespace filter and invalid external', () => {
    const cluster = clusterFromYaml(BASE);
    assert.deepEqual(
      endpoints(cluster, { namespaces: ['other'] }).map((e) => e.id),
      ['other/client'],
    );
    const invalid = listMatrixEndpoints(cluster, { externals: ['nope'] });
    assert.ok(!invalid.ok);
    assert.equal(invalid.error.code, 'external-invalid');
    assert.equal(invalid.error.input, 'nope');
  });
});

/** Random clusters plus Deployments with replicas, so classes hold several endpoints. */
const arbitraryWithReplicas = fc
  .tuple(
    arbitraryClusterObjects(),
    fc.array(
      fc.record({
        ns: fc.constantFrom('x', 'y'),
        app: fc.constantFrom('a', 'b', 'c'),
        replicas: fc.integer({ min: 1, max: 3 }),
        named: fc.boolean(),
      }),
      { maxLength: 2 },
    ),
  )
  .map(([objects, deployments]) => {
    const extra = deployments.map((d, i) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `d${i}`, namespace: d.ns },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: { app: d.app } },
        template: {
          metadata: { labels: { app: d.app } },
          spec: {
            containers: [
              {
                name: 'c',
                image: 'i',
                ports: d.named ? [{ name: 'http', containerPort: 80 }] : [{ containerPort: 81 }],
              },
            ],
          },
        },
      },
    }));
    const result = loadCluster([{ name: 'arbitrary.yaml', text: manifestText([...objects, ...extra]) }]);
    assert.ok(result.ok, result.issues.map((i) => i.message).join('; '));
    return result.value.cluster;
  });

describe('computeMatrix agrees with naiveAllowed on random clusters', () => {
  for (const [name, perPod, expand] of [
    ['per-pod, expanded rows', true, true],
    ['per-pod, class matrix only', true, false],
    ['workloads, expanded rows', false, true],
  ] as const) {
    test(name, () => {
      let endpointsSeen = 0;
      let classesSeen = 0;
      fc.assert(
        fc.property(arbitraryWithReplicas, fc.subarray([...SCENARIO_EXTERNALS]), (cluster, externals) => {
          const eps = endpoints(cluster, { perPod, externals });
          assertAgreesWithNaive(cluster, eps, SCENARIO_PORTS, expand);
          const stats = computeMatrix(cluster, { endpoints: eps, ports: [TCP80] }).stats;
          endpointsSeen += eps.length;
          classesSeen += stats.podClasses + stats.externalClasses;
        }),
        { numRuns: 150, seed: 4242 },
      );
      // The fast path ran: endpoints were grouped into fewer classes than there are endpoints.
      assert.ok(classesSeen < endpointsSeen, `classes ${classesSeen} endpoints ${endpointsSeen}`);
    });
  }
});

describe('computeMatrix one port at a time', () => {
  // A generated cluster (its workloads name ports http, metrics, grpc, dns...) on numeric
  // ports, named ones resolved per destination, and UDP: the streamed outputs and every
  // grouped format must read the same whether each port's class matrix is computed up
  // front or only while that port is written (then dropped).
  const cluster = (() => {
    const text = renderGenerated(
      generateCluster({ namespaces: 3, workloadsPerNamespace: 5, replicas: 2, policies: 24, seed: 11 }),
      'json',
    );
    const result = loadCluster([{ name: 'gen.json', text }]);
    assert.ok(result.ok, result.issues.map((i) => i.message).join('; '));
    return result.value.cluster;
  })();
  const NAMED: PortQuery[] = [
    { protocol: 'TCP', port: 'http' },
    { protocol: 'TCP', port: 'metrics' },
    { protocol: 'UDP', port: 'dns' },
    { protocol: 'TCP', port: 'postgres' },
  ];

  for (const perPod of [false, true]) {
    test(perPod ? 'per pod' : 'workloads', () => {
      const eps = endpoints(cluster, { perPod, externals: ['203.0.113.9'] });
      const ports = [...defaultMatrixPorts(cluster, eps), ...NAMED];
      assert.ok(ports.length >= 8, `ports ${ports.length}`);
      const upFront = computeMatrix(cluster, { endpoints: eps, ports, expand: false });
      const onePort = () => computeMatrix(cluster, { endpoints: eps, ports, expand: false, onePortAtATime: true });
      const text = (chunks: Iterable<string>) => [...chunks].join('');

      // The ports differ from each other, so handing one port's matrix to another shows.
      const perPortJson = ports.map((_, p) =>
        JSON.stringify(Array.from({ length: eps.length }, (_, i) => Array.from(upFront.row(i, p)))),
      );
      assert.ok(new Set(perPortJson).size >= 4, `distinct port matrices ${new Set(perPortJson).size}`);

      for (const format of ['json', 'csv'] as const) {
        assert.equal(text(matrixChunks(onePort(), format)), text(matrixChunks(upFront, format)), format);
      }
      for (const format of GROUPED_MATRIX_FORMATS) {
        assert.equal(
          text(groupedMatrixChunks(groupByNamespace(onePort()), format)),
          text(groupedMatrixChunks(groupByNamespace(upFront), format)),
          `--group-by namespace -o ${format}`,
        );
      }
      // Going back to an earlier port computes it again, with the same answer.
      const back = onePort();
      for (const p of [ports.length - 1, 0, ports.length - 1, 1]) {
        for (let i = 0; i < eps.length; i += 3) {
          for (let j = 0; j < eps.length; j++) {
            assert.equal(
              back.allowed(i, j, p),
              upFront.allowed(i, j, p),
              `${at(eps, i).id} -> ${at(eps, j).id} port ${p}`,
            );
          }
        }
      }
    });
  }
});
