import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, createReferenceEngine, loadCluster, type Protocol } from '@netpol/core';
import { labDown, labUp } from './lab.js';
import { labCluster, storeObject } from './lab-cluster.js';
import { sctpProbeProblem } from './lab-connect.js';
import { DEFAULT_OUTSIDE_HOSTS, GATEWAY_IP, stateDir } from './lab-names.js';
import { labProbe } from './lab-probe.js';
import { readState } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * `lab probe` on real packets for what it did not probe before: SCTP (raw INIT packets: this
 * kernel has no SCTP sockets) and the lab node's address as a destination, which a
 * NetworkPolicy-isolated pod reaches only where an egress rule admits it (an input chain in
 * the node, with or without admin tiers: docs/node-traffic.md).
 */

const skip = (await liveSkipReason()) ?? (await sctpProbeProblem());

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: team }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: team, labels: { app: client } }
spec: { containers: [{ name: c, image: x }] }
---
apiVersion: v1
kind: Pod
metadata: { name: free, namespace: team, labels: { app: free } }
spec: { containers: [{ name: c, image: x }] }
---
apiVersion: v1
kind: Pod
metadata: { name: server, namespace: team, labels: { app: server } }
spec:
  containers:
    - name: c
      image: x
      ports: [{ containerPort: 9000, protocol: SCTP }, { containerPort: 9001, protocol: SCTP }, { containerPort: 80 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: server-in, namespace: team }
spec:
  podSelector: { matchLabels: { app: server } }
  ingress:
    - from: [{ podSelector: { matchLabels: { app: client } } }]
      ports: [{ protocol: SCTP, port: 9000 }, { protocol: TCP, port: 80 }]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: client-out, namespace: team }
spec:
  podSelector: { matchLabels: { app: client } }
  policyTypes: [Egress]
  egress:
    - to: [{ podSelector: {} }]
    - to: [{ ipBlock: { cidr: ${GATEWAY_IP}/32 } }]
      ports: [{ protocol: TCP, port: 10250 }]
`;

describe('lab probe on real packets: SCTP and the node address', { skip }, () => {
  const labId = testLabId('prb');
  after(async () => {
    await labDown({ labId });
  });

  it('agrees with the engine cell by cell, SCTP 9000 allowed and 9001 denied, the node reached only as egress rules say', async () => {
    const loaded = loadCluster([{ name: 'probe.yaml', text: MANIFESTS }]);
    assert.ok(loaded.ok, loaded.issues.map((i) => i.message).join('\n'));
    await labDown({ labId });
    await labUp(
      { labId },
      { enforce: true, objects: loaded.value.objects.map(storeObject), outside: DEFAULT_OUTSIDE_HOSTS },
    );
    const state = readState(stateDir(labId));
    assert.ok(state);
    const ports = [
      { port: 9000, protocol: 'SCTP' as const },
      { port: 9001, protocol: 'SCTP' as const },
      { port: 80, protocol: 'TCP' as const },
      { port: 10250, protocol: 'TCP' as const },
    ];
    const report = await labProbe(state, stateDir(labId), { ports, timeoutMs: 700, sctp: true, node: true });
    assert.deepEqual(
      report.disagreements.map((d) => `${d.from} -> ${d.to} ${d.port}/${d.protocol}: ${d.detail}`),
      [],
    );
    assert.deepEqual(
      report.results.map((r) => r.note),
      [undefined, undefined, undefined, undefined],
    );
    const { cluster } = labCluster(state.objects);
    const engine = createReferenceEngine(cluster);
    const peer = (id: string) => {
      const pod = cluster.pods.find((p) => p.id === id);
      return pod ? { kind: 'pod' as const, pod } : { kind: 'external' as const, ip: id };
    };
    const rows: [string, string, number, Protocol, boolean][] = [
      ['team/client', 'team/server', 9000, 'SCTP', true],
      ['team/client', 'team/server', 9001, 'SCTP', false],
      ['team/free', 'team/server', 9000, 'SCTP', false],
      ['team/server', 'team/client', 9001, 'SCTP', true],
      ['team/client', 'team/server', 80, 'TCP', true],
      ['team/client', GATEWAY_IP, 10250, 'TCP', true],
      ['team/client', GATEWAY_IP, 80, 'TCP', false],
      ['team/client', GATEWAY_IP, 9000, 'SCTP', false],
      ['team/free', GATEWAY_IP, 80, 'TCP', true],
      ['team/free', GATEWAY_IP, 9000, 'SCTP', true],
      ['team/server', GATEWAY_IP, 10250, 'TCP', true],
    ];
    for (const [from, to, port, protocol, allowed] of rows) {
      const r = report.results.find((x) => x.port === port && x.protocol === protocol);
      assert.ok(r);
      const i = report.endpoints.indexOf(from);
      const j = report.endpoints.indexOf(to);
      const what = `${from} -> ${to} ${port}/${protocol}`;
      assert.equal(engine.check(peer(from), peer(to), { protocol, port }).allowed, allowed, `engine: ${what}`);
      assert.equal(at(r.expected, i)[j], allowed, `expected: ${what}`);
      assert.equal(at(r.allowed, i)[j], allowed, `observed: ${what}`);
    }
    // The node is a destination only: its row is not probed.
    const node = report.endpoints.indexOf(GATEWAY_IP);
    assert.equal(report.node, GATEWAY_IP);
    for (const r of report.results) assert.ok(at(r.allowed, node).every((v) => v === null));
  });

  it('answers every one of ten SCTP ports of one destination (the lab lifts the ICMP error rate limit)', async () => {
    // The kernel's default answers a burst of 6 ICMP errors to a peer, then one a second:
    // the seventh port of the node or of a pod looked dropped.
    const state = readState(stateDir(labId));
    assert.ok(state);
    const ports = Array.from({ length: 10 }, (_, k) => ({ port: 9100 + k, protocol: 'SCTP' as const }));
    const report = await labProbe(state, stateDir(labId), { ports, timeoutMs: 700, sctp: true, node: true });
    assert.deepEqual(
      report.disagreements.map((d) => `${d.from} -> ${d.to} ${d.port}/${d.protocol}: ${d.detail}`),
      [],
    );
    const free = report.endpoints.indexOf('team/free');
    const cells = (to: string) => report.results.map((r) => at(r.allowed, free)[report.endpoints.indexOf(to)]);
    assert.deepEqual(cells(GATEWAY_IP), Array(10).fill(true));
    assert.deepEqual(cells('team/client'), Array(10).fill(true));
  });
});
