import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, atLeast, first, loadCluster } from '@netpol/core';
import { labCluster, objectKey } from './lab-cluster.js';
import type { ConnectOutcome, ConnectTarget } from './lab-connect.js';
import { sctpProbeProblem } from './lab-connect.js';
import { defaultProbePorts, labProbe, probeEndpoints } from './lab-probe.js';
import type { LabState, StoredObject } from './lab-state.js';

const yaml = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: b}
spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: web, ports: [{containerPort: 8080}, {containerPort: 53, protocol: UDP}]}]}}}
---
apiVersion: v1
kind: Pod
metadata: {name: z, namespace: a}
spec: {containers: [{name: c, image: z, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: b}
spec: {containers: [{name: c, image: a}]}
`;

describe('probe endpoints', () => {
  const cluster = loadCluster([{ name: 't.yaml', text: yaml }]).value.cluster;
  const pods: LabState['pods'] = {};
  cluster.pods.forEach((p, i) => {
    pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: first(p.ips), signature: '' };
  });
  const state: LabState = {
    version: 1,
    labId: 't',
    enforce: true,
    createdAt: '',
    nextPodIndex: 9,
    pods,
    outside: [{ name: 'example.com', ip: '203.0.113.10', index: 1, netns: 'np-t-x1' }],
    objects: [],
  };
  it('lists bare pods, each workload once (first replica), then outside hosts, sorted', () => {
    // As `matrix` lists them (SPEC): the node is not an endpoint unless asked (`--node`).
    assert.deepEqual(
      probeEndpoints(cluster, state).map((e) => e.id),
      ['a/z', 'b/a', 'b/web[Deployment]', '203.0.113.10'],
    );
    const eps = probeEndpoints(cluster, state, true);
    assert.deepEqual(
      eps.map((e) => e.id),
      ['a/z', 'b/a', 'b/web[Deployment]', '198.18.0.1', '203.0.113.10'],
    );
    assert.equal(at(eps, 2).pod?.id, 'b/web-0');
    assert.equal(at(eps, 2).replica?.pod.id, 'b/web-1');
    assert.equal(first(eps).replica, undefined);
    assert.deepEqual(at(eps, 3), { id: '198.18.0.1', netns: 'np-t-node', ip: '198.18.0.1', node: true });
    assert.equal(at(eps, 4).netns, 'np-t-x1');
  });
  it('default ports are every container port, by protocol then number', () => {
    assert.deepEqual(
      defaultProbePorts(cluster).map((p) => `${p.port}/${p.protocol}`),
      ['80/TCP', '8080/TCP', '53/UDP'],
    );
  });
});

describe('lab probe: a timeout where the engine expects an answer is asked again', () => {
  const objects: StoredObject[] = [
    {
      key: objectKey('Pod', 'default', 'a'),
      value: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', namespace: 'default', labels: { run: 'a' } },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      },
    },
    {
      key: objectKey('Pod', 'default', 'b'),
      value: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'b', namespace: 'default', labels: { app: 'b' } },
        spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80 }] }] },
      },
    },
    {
      key: objectKey('NetworkPolicy', 'default', 'only-a'),
      value: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'only-a', namespace: 'default' },
        spec: {
          podSelector: { matchLabels: { app: 'b' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { run: 'a' } } }], ports: [{ port: 80 }] }],
        },
      },
    },
  ];
  const { cluster } = labCluster(objects);
  const pods: LabState['pods'] = {};
  cluster.pods.forEach((p, i) => {
    pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: first(p.ips), signature: '' };
  });
  const state: LabState = {
    version: 1,
    labId: 't',
    enforce: true,
    createdAt: '',
    nextPodIndex: 9,
    pods,
    outside: [{ name: 'example.com', ip: '203.0.113.10', index: 1, netns: 'np-t-x1' }],
    objects,
  };
  const bIp = cluster.pods.find((p) => p.id === 'default/b')?.ips[0];
  const ports = [{ port: 80, protocol: 'TCP' as const }];

  it('a slow first answer is not a disagreement; only expected answers are retried, with a longer timeout', async () => {
    const calls: { netns: string; targets: string[]; ms: number }[] = [];
    const seen = new Set<string>();
    const connect = async (_dir: string, netns: string, targets: readonly ConnectTarget[], ms: number) => {
      calls.push({ netns, targets: targets.map((t) => t.ip), ms });
      // First attempt from each source: everything times out (a busy machine); then answers.
      const first = !seen.has(netns);
      seen.add(netns);
      return targets.map(() => (first ? 'timeout' : 'open') as ConnectOutcome);
    };
    const report = await labProbe(state, '/nonexistent', { ports, timeoutMs: 400, connect });
    assert.deepEqual(report.disagreements, []);
    const retries = calls.filter((c) => c.ms !== 400);
    assert.ok(retries.length > 0);
    assert.ok(retries.every((c) => c.ms === 2000));
    // default/b only admits default/a (and itself): no one else's probe to b is asked twice.
    const admitted = new Set([pods['default/a']?.netns, pods['default/b']?.netns]);
    for (const c of retries) if (!admitted.has(c.netns)) assert.ok(!c.targets.includes(bIp as string), c.netns);
    assert.ok(retries.some((c) => c.netns === pods['default/a']?.netns && c.targets.includes(bIp as string)));
    const [r] = atLeast(report.results, 1);
    const ids = report.endpoints;
    assert.equal(at(r.allowed, ids.indexOf('default/a'))[ids.indexOf('default/b')], true);
    assert.equal(at(r.allowed, ids.indexOf('203.0.113.10'))[ids.indexOf('default/b')], false);
  });

  it('a drop that persists is still reported (observed denied, engine allowed)', async () => {
    const connect = async (_dir: string, _netns: string, targets: readonly ConnectTarget[]) =>
      targets.map(() => 'timeout' as ConnectOutcome);
    const report = await labProbe(state, '/nonexistent', { ports, timeoutMs: 400, connect });
    assert.ok(report.disagreements.length > 0);
    assert.ok(report.disagreements.every((d) => d.expected && !d.observed && d.detail === 'timeout'));
    assert.ok(report.disagreements.some((d) => d.from === 'default/a' && d.to === 'default/b'));
  });
});

describe('lab probe: a port name no pod has', () => {
  it('is a note for the whole port, not a table of "not probed" that agrees', async () => {
    const objects: StoredObject[] = [
      {
        key: objectKey('Pod', 'default', 'web'),
        value: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'web', namespace: 'default' },
          spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'web', containerPort: 80 }] }] },
        },
      },
    ];
    const { cluster } = labCluster(objects);
    const pods: LabState['pods'] = {};
    cluster.pods.forEach((p, i) => {
      pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: first(p.ips), signature: '' };
    });
    const state: LabState = {
      version: 1,
      labId: 't',
      enforce: true,
      createdAt: '',
      nextPodIndex: 9,
      pods,
      outside: [],
      objects,
    };
    const connect = async (_dir: string, _netns: string, targets: readonly ConnectTarget[]) =>
      targets.map(() => 'open' as ConnectOutcome);
    const ports = [
      { port: 'http', protocol: 'TCP' as const },
      { port: 'web', protocol: 'TCP' as const },
      { port: 'web', protocol: 'UDP' as const },
    ];
    const report = await labProbe(state, '/nonexistent', { ports, connect });
    assert.deepEqual(
      report.results.map((r) => r.note),
      ['no pod has a TCP port named http: not probed', undefined, 'no pod has a UDP port named web: not probed'],
    );
    assert.ok(at(report.results, 1).allowed.flat().includes(true), 'the port that exists is probed');
  });
});

describe('lab probe: a workload to itself is one replica to another', () => {
  it('connects from the first replica to the second, and expects what check says (denied here)', async () => {
    const objects: StoredObject[] = [
      {
        key: objectKey('StatefulSet', 'default', 'etcd'),
        value: {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name: 'etcd', namespace: 'default' },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: 'etcd' } },
            template: {
              metadata: { labels: { app: 'etcd' } },
              spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'peer', containerPort: 2380 }] }] },
            },
          },
        },
      },
      {
        key: objectKey('NetworkPolicy', 'default', 'deny'),
        value: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'deny', namespace: 'default' },
          spec: { podSelector: {} },
        },
      },
    ];
    const { cluster } = labCluster(objects);
    const pods: LabState['pods'] = {};
    cluster.pods.forEach((p, i) => {
      pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: first(p.ips), signature: '' };
    });
    const state: LabState = {
      version: 1,
      labId: 't',
      enforce: true,
      createdAt: '',
      nextPodIndex: 9,
      pods,
      outside: [],
      objects,
    };
    const calls: { netns: string; targets: string[] }[] = [];
    const connect = async (_dir: string, netns: string, targets: readonly ConnectTarget[]) => {
      calls.push({ netns, targets: targets.map((t) => `${t.ip}:${t.port}`) });
      return targets.map(() => 'timeout' as ConnectOutcome);
    };
    const ports = [{ port: 'peer', protocol: 'TCP' as const }];
    const report = await labProbe(state, '/nonexistent', { ports, connect });
    const etcd1 = cluster.pods.find((p) => p.id === 'default/etcd-1');
    const fromFirst = calls.find((c) => c.netns === pods['default/etcd-0']?.netns);
    assert.deepEqual(fromFirst?.targets, [`${etcd1?.ips[0]}:2380`]);
    const etcd = report.endpoints.indexOf('default/etcd[StatefulSet]');
    assert.equal(at(first(report.results).expected, etcd)[etcd], false);
    assert.equal(at(first(report.results).allowed, etcd)[etcd], false);
    assert.deepEqual(report.disagreements, []);
  });
});

describe('lab probe: the node address and SCTP', () => {
  const objects: StoredObject[] = [
    {
      key: objectKey('Pod', 'default', 'client'),
      value: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client', namespace: 'default', labels: { app: 'client' } },
        spec: { containers: [{ name: 'c', image: 'x' }] },
      },
    },
    {
      key: objectKey('Pod', 'default', 'server'),
      value: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'server', namespace: 'default', labels: { app: 'server' } },
        spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 9000, protocol: 'SCTP' }] }] },
      },
    },
    {
      key: objectKey('NetworkPolicy', 'default', 'client-out'),
      value: {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'client-out', namespace: 'default' },
        spec: {
          podSelector: { matchLabels: { app: 'client' } },
          policyTypes: ['Egress'],
          egress: [{ to: [{ podSelector: {} }], ports: [{ protocol: 'SCTP', port: 9000 }] }],
        },
      },
    },
  ];
  const { cluster } = labCluster(objects);
  const pods: LabState['pods'] = {};
  cluster.pods.forEach((p, i) => {
    pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: first(p.ips), signature: '' };
  });
  const state: LabState = {
    version: 1,
    labId: 't',
    enforce: true,
    createdAt: '',
    nextPodIndex: 9,
    pods,
    outside: [],
    objects,
  };

  it("without --sctp and --node, SCTP is not probed (SPEC: the kernel lacks it) and the endpoints are the matrix's", async () => {
    const calls: string[] = [];
    const connect = async (_dir: string, netns: string, targets: readonly ConnectTarget[]) => {
      calls.push(netns);
      return targets.map(() => 'refused' as ConnectOutcome);
    };
    const report = await labProbe(state, '/nonexistent', { ports: [{ port: 9000, protocol: 'SCTP' }], connect });
    const [r] = atLeast(report.results, 1);
    assert.deepEqual(report.endpoints, ['default/client', 'default/server', 'kube-system/coredns']);
    assert.equal(report.node, undefined);
    assert.match(r.note ?? '', /^SCTP is not supported by this kernel: not probed \(--sctp/);
    assert.ok(
      r.allowed.flat().every((v) => v === null),
      'SCTP is never reported as a verdict',
    );
    assert.deepEqual([report.probes, calls], [0, []]);
  });

  it('probes SCTP like TCP and UDP, and the node as a destination judged as its address, never as a source', async () => {
    const calls: { netns: string; targets: string[] }[] = [];
    const connect = async (_dir: string, netns: string, targets: readonly ConnectTarget[]) => {
      calls.push({ netns, targets: targets.map((t) => `${t.ip} ${t.port}/${t.protocol}`) });
      return targets.map(() => 'refused' as ConnectOutcome);
    };
    const ports = [{ port: 9000, protocol: 'SCTP' as const }];
    const report = await labProbe(state, '/nonexistent', { ports, connect, sctp: true, node: true });
    const problem = await sctpProbeProblem();
    const [r] = atLeast(report.results, 1);
    assert.deepEqual(report.endpoints, ['default/client', 'default/server', 'kube-system/coredns', '198.18.0.1']);
    assert.equal(report.node, '198.18.0.1');
    if (problem) {
      // No python3 here: said once for the port, nothing opened.
      assert.equal(r.note, problem);
      assert.equal(report.probes, 0);
      return;
    }
    assert.equal(r.note, undefined);
    const client = pods['default/client']?.netns;
    assert.deepEqual(
      calls.find((c) => c.netns === client)?.targets.sort(),
      [
        `${pods['default/client']?.ip} 9000/SCTP`,
        `${pods['default/server']?.ip} 9000/SCTP`,
        `${pods['kube-system/coredns']?.ip} 9000/SCTP`,
        '198.18.0.1 9000/SCTP',
      ].sort(),
    );
    assert.ok(!calls.some((c) => c.netns === 'np-t-node'), 'the node opens nothing');
    // The engine's verdicts: client's egress admits its namespace's pods only, so neither
    // kube-system/coredns nor the node; nothing restricts the others.
    assert.deepEqual(r.expected, [
      [true, true, false, false],
      [true, true, true, true],
      [true, true, true, true],
      [null, null, null, null],
    ]);
    assert.deepEqual(at(r.allowed, 3), [null, null, null, null]);
    // Every connection answered ("refused"): the cells the engine denies disagree, and only those.
    assert.deepEqual(
      report.disagreements.map((d) => `${d.from} -> ${d.to} ${d.port}/${d.protocol}`),
      ['default/client -> kube-system/coredns 9000/SCTP', 'default/client -> 198.18.0.1 9000/SCTP'],
    );
  });
});
