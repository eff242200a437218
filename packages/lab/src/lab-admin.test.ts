import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createReferenceEngine, loadCluster } from '@netpol/core';
import { labDown, labUp } from './lab.js';
import { fixAddresses } from './lab-addresses.js';
import { labCluster, storeObject } from './lab-cluster.js';
import { connectFrom, outcomeAllowed, sourceNetns } from './lab-connect.js';
import { DEFAULT_OUTSIDE_HOSTS, GATEWAY_IP, stateDir } from './lab-names.js';
import { readState } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * The admin tiers' peers that are not pods, on real packets: `nodes` peers reach the lab
 * node's address (Node objects stand for the one lab node), judged at the source's egress.
 */

const skip = await liveSkipReason();

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: { name: team, labels: { team: a } }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: team, labels: { app: client } }
spec: { containers: [{ name: c, image: x }] }
---
apiVersion: v1
kind: Pod
metadata: { name: other, namespace: team, labels: { app: other } }
spec: { containers: [{ name: c, image: x }] }
---
apiVersion: v1
kind: Node
metadata: { name: worker-1, labels: { node-role.kubernetes.io/worker: "" } }
status: { addresses: [{ type: InternalIP, address: 10.0.0.5 }, { type: Hostname, address: worker-1 }] }
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: nodes-guard }
spec:
  tier: Admin
  priority: 5
  subject: { pods: { podSelector: { matchLabels: { app: client } } } }
  egress:
    - { name: kubelet, action: Accept, to: [{ nodes: { matchExpressions: [{ key: node-role.kubernetes.io/worker, operator: Exists }] } }], protocols: [{ tcp: { destinationPort: { number: 10250 } } }] }
    - { name: no-nodes, action: Deny, to: [{ nodes: { matchExpressions: [{ key: node-role.kubernetes.io/worker, operator: Exists }] } }] }
`;

describe('admin tiers on the lab: nodes peers', { skip }, () => {
  const labId = testLabId('adm');
  after(async () => {
    await labDown({ labId });
  });

  it('reach the lab node address: Accept on one port, Deny on the others, only for the subject', async () => {
    const loaded = loadCluster([{ name: 'nodes.yaml', text: MANIFESTS }]);
    assert.ok(loaded.ok, loaded.issues.map((i) => i.message).join('\n'));
    const fixed = fixAddresses(loaded.value.objects.map(storeObject), false);
    assert.deepEqual(fixed.notes, [`Node worker-1: 10.0.0.5 replaced by the lab node's ${GATEWAY_IP}`]);
    await labDown({ labId });
    await labUp({ labId }, { enforce: true, objects: fixed.objects, outside: DEFAULT_OUTSIDE_HOSTS });
    const state = readState(stateDir(labId));
    assert.ok(state);
    const { cluster } = labCluster(state.objects);
    const engine = createReferenceEngine(cluster);
    const rows: [string, number, 'TCP' | 'UDP', boolean][] = [
      ['team/client', 10250, 'TCP', true],
      ['team/client', 10255, 'TCP', false],
      ['team/client', 53, 'UDP', false],
      ['team/other', 10255, 'TCP', true],
      ['team/other', 53, 'UDP', true],
    ];
    const seen: string[] = [];
    for (const [from, port, protocol, allowed] of rows) {
      const pod = cluster.pods.find((p) => p.id === from);
      assert.ok(pod);
      const verdict = engine.check({ kind: 'pod', pod }, { kind: 'external', ip: GATEWAY_IP }, { protocol, port });
      assert.equal(verdict.allowed, allowed, `engine: ${from} -> node ${port}/${protocol}`);
      const [outcome] = await connectFrom(
        stateDir(labId),
        sourceNetns(cluster, state, from),
        [{ ip: GATEWAY_IP, port, protocol }],
        allowed ? 3000 : 700,
      );
      seen.push(`${from} ${port}/${protocol} ${outcome}`);
      assert.equal(outcomeAllowed(outcome ?? 'timeout'), allowed, seen.join('; '));
    }
  });
});
