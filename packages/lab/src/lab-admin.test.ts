import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { at, createReferenceEngine, loadCluster } from '@netpol/core';
import { DNS_TTL } from './dns-message.js';
import { exec } from './exec.js';
import { labDown, labUp } from './lab.js';
import { fixAddresses } from './lab-addresses.js';
import { labCluster, storeObject } from './lab-cluster.js';
import { connectFrom, outcomeAllowed, sourceNetns } from './lab-connect.js';
import { DEFAULT_OUTSIDE_HOSTS, GATEWAY_IP, nodeNetns, stateDir } from './lab-names.js';
import { labProbe } from './lab-probe.js';
import { readState } from './lab-state.js';
import { liveSkipReason, testLabId } from './lab-test-support.js';

/**
 * The admin tiers' peers that are not pods, on real packets: `nodes` peers reach the lab
 * node's address (Node objects stand for the one lab node), judged at the source's egress;
 * `domainNames` peers match the outside addresses the lab DNS answered for their names,
 * for the answer's TTL.
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
    // lab probe has the node among its destinations: every cell as the engine says.
    const ports = [
      { port: 10250, protocol: 'TCP' as const },
      { port: 10255, protocol: 'TCP' as const },
    ];
    const report = await labProbe(state, stateDir(labId), { ports, timeoutMs: 700, node: true });
    assert.deepEqual(
      report.disagreements.map((d) => `${d.from} -> ${d.to} ${d.port}/${d.protocol}: ${d.detail}`),
      [],
    );
    const node = report.endpoints.indexOf(GATEWAY_IP);
    const cell = (from: string) => report.results.map((r) => at(r.allowed, report.endpoints.indexOf(from))[node]);
    assert.deepEqual(cell('team/client'), [true, false]);
    assert.deepEqual(cell('team/other'), [true, true]);
  });
});

const DOMAINS = `
apiVersion: v1
kind: Namespace
metadata: { name: team }
---
apiVersion: v1
kind: Pod
metadata: { name: client, namespace: team, labels: { app: client } }
spec: { containers: [{ name: c, image: x }] }
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: egress-allowlist }
spec:
  tier: Admin
  priority: 1
  subject: { namespaces: {} }
  egress:
    - { name: partners, action: Accept, to: [{ domainNames: ["*.example.org", api.partner.test] }] }
    - { name: no-internet, action: Deny, to: [{ networks: [203.0.113.0/24] }] }
`;

describe('admin tiers on the lab: domainNames peers', { skip }, () => {
  const labId = testLabId('dom');
  after(async () => {
    await labDown({ labId });
  });

  it('match what the lab DNS answered for their names, until the TTL runs out', async () => {
    const loaded = loadCluster([{ name: 'domains.yaml', text: DOMAINS }]);
    assert.ok(loaded.ok, loaded.issues.map((i) => i.message).join('\n'));
    const outside = [
      ...DEFAULT_OUTSIDE_HOSTS,
      { name: 'www.example.org', ip: '203.0.113.20' },
      { name: 'api.partner.test', ip: '203.0.113.21' },
      { name: 'www.example.net', ip: '203.0.113.22' },
    ];
    await labDown({ labId });
    await labUp({ labId }, { enforce: true, objects: loaded.value.objects.map(storeObject), outside });
    const state = readState(stateDir(labId));
    assert.ok(state);
    const { cluster } = labCluster(state.objects);
    const netns = sourceNetns(cluster, state, 'team/client');
    const probe = async (ip: string, timeout = 700) =>
      (await connectFrom(stateDir(labId), netns, [{ ip, port: 80, protocol: 'TCP' }], timeout))[0];
    const resolve = async (name: string) => {
      const out = await exec('ip', ['netns', 'exec', netns, 'getent', 'ahostsv4', name], { timeoutMs: 10_000 });
      return out.stdout.split(/\s+/)[0];
    };
    // Nothing resolved yet: the Deny below the domainNames Accept decides, as in the engine.
    assert.deepEqual(await Promise.all(['203.0.113.20', '203.0.113.21'].map((ip) => probe(ip))), [
      'timeout',
      'timeout',
    ]);
    const engine = createReferenceEngine(cluster);
    const client = cluster.pods.find((p) => p.id === 'team/client');
    assert.ok(client);
    const verdict = engine.check(
      { kind: 'pod', pod: client },
      { kind: 'external', ip: '203.0.113.20' },
      { protocol: 'TCP', port: 80 },
    );
    assert.equal(verdict.allowed, false, 'the engine has no DNS: domainNames match no address');
    // Resolved through the cluster DNS: the answers join the peers' sets.
    assert.equal(await resolve('www.example.org'), '203.0.113.20');
    assert.equal(await resolve('api.partner.test'), '203.0.113.21');
    assert.equal(await resolve('www.example.net'), '203.0.113.22');
    assert.deepEqual(await Promise.all(['203.0.113.20', '203.0.113.21'].map((ip) => probe(ip, 3000))), [
      'open',
      'open',
    ]);
    assert.equal(await probe('203.0.113.22'), 'timeout', 'www.example.net matches no domainNames entry');
    const sets = await exec('ip', [
      'netns',
      'exec',
      nodeNetns(labId),
      'nft',
      'list',
      'set',
      'inet',
      'netpol',
      'egress_fqdn_0',
    ]);
    assert.match(sets.stdout, /203\.0\.113\.20 timeout 5s/);
    // After the TTL the addresses leave the set: new connections are denied again.
    await new Promise((resolve) => setTimeout(resolve, (DNS_TTL + 1.5) * 1000));
    assert.equal(await probe('203.0.113.20'), 'timeout');
  });
});
