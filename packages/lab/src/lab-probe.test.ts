import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCluster } from '@netpol/core';
import { defaultProbePorts, probeEndpoints } from './lab-probe.js';
import type { LabState } from './lab-state.js';

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
    pods[p.id] = { index: i + 1, netns: `np-t-p${i + 1}`, ip: p.ips[0], signature: '' };
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
    const eps = probeEndpoints(cluster, state);
    assert.deepEqual(
      eps.map((e) => e.id),
      ['a/z', 'b/a', 'b/web[Deployment]', '203.0.113.10'],
    );
    assert.equal(eps[2].pod?.id, 'b/web-0');
    assert.equal(eps[3].netns, 'np-t-x1');
  });
  it('default ports are every container port, by protocol then number', () => {
    assert.deepEqual(
      defaultProbePorts(cluster).map((p) => `${p.port}/${p.protocol}`),
      ['80/TCP', '8080/TCP', '53/UDP'],
    );
  });
});
