import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, atLeast, first } from '../at.js';
import { clusterFromYaml } from '../test-helpers.js';

const deployment = (name: string, ns: string, replicas: number, labels: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec:
      containers:
      - name: c
        image: nginx
        ports: [{containerPort: 8080, name: http}, {containerPort: 53, protocol: UDP}]
`;

describe('buildCluster', () => {
  it('expands workload replicas as <workload>-<i> with the template labels and ports', () => {
    const c = clusterFromYaml(deployment('web', 'shop', 2, '{app: web}'));
    assert.deepEqual(
      c.pods.map((p) => p.id),
      ['shop/web-0', 'shop/web-1'],
    );
    assert.equal(first(c.pods).workload?.id, 'shop/web[Deployment]');
    assert.deepEqual(at(c.pods, 1).labels, { app: 'web' });
    assert.deepEqual(first(c.pods).ports, [
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: undefined, port: 53, protocol: 'UDP' },
    ]);
    assert.equal(first(c.workloads).pods.length, 2);
  });

  it('keeps a workload with zero replicas but gives it no pods', () => {
    const c = clusterFromYaml(deployment('idle', 'x', 0, '{app: idle}'));
    assert.equal(c.pods.length, 0);
    assert.equal(first(c.workloads).id, 'x/idle[Deployment]');
  });

  it('attributes pods to their Deployment through the ReplicaSet ownerReference', () => {
    const c = clusterFromYaml(`
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-5d4f
  namespace: b
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: u1, controller: true}]
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template: {metadata: {labels: {app: api}}, spec: {containers: [{name: c, image: i}]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: api-5d4f-xyz12
  namespace: b
  labels: {app: api, pod-template-hash: 5d4f}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: api-5d4f, uid: u2, controller: true}]
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.1.2.3}
`);
    assert.deepEqual(
      c.pods.map((p) => [p.id, p.workload?.id, p.ips[0]]),
      [['b/api-5d4f-xyz12', 'b/api[Deployment]', '10.1.2.3']],
    );
    assert.deepEqual(
      c.workloads.map((w) => w.id),
      ['b/api[Deployment]'],
    );
  });

  it('infers the Deployment from pod-template-hash when the ReplicaSet is not in the input', () => {
    const c = clusterFromYaml(`
apiVersion: v1
kind: Pod
metadata:
  name: web-7c9b8-abcde
  labels: {app: web, pod-template-hash: 7c9b8}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9b8, uid: u, controller: true}]
spec: {containers: [{name: c, image: i}]}
`);
    assert.equal(first(c.pods).workload?.id, 'default/web[Deployment]');
  });

  it('attributes a Job pod to its CronJob', () => {
    const c = clusterFromYaml(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: ops}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: report-29000000-abcde
  namespace: ops
  labels: {app: report}
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: report-29000000, uid: u, controller: true}]
spec: {containers: [{name: c, image: i}]}
`);
    assert.deepEqual(
      c.pods.map((p) => [p.id, p.workload?.id]),
      [['ops/report-29000000-abcde', 'ops/report[CronJob]']],
    );
  });

  it('infers the CronJob from the Job name when neither is in the input (kubectl get pods)', () => {
    const pod = (name: string, job: string) => `
---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ops
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: ${job}, uid: u, controller: true}]
spec: {containers: [{name: c, image: i}]}
`;
    const c = clusterFromYaml(
      pod('nightly-29384712-x1', 'nightly-29384712') +
        pod('nightly-29384772-x2', 'nightly-29384772') +
        pod('backup-20261125-x3', 'backup-20261125') +
        pod('migrate-2-x4', 'migrate-2'),
    );
    assert.deepEqual(
      c.pods.map((p) => [p.name, p.workload?.id]),
      [
        ['backup-20261125-x3', 'ops/backup-20261125[Job]'],
        ['migrate-2-x4', 'ops/migrate-2[Job]'],
        ['nightly-29384712-x1', 'ops/nightly[CronJob]'],
        ['nightly-29384772-x2', 'ops/nightly[CronJob]'],
      ],
    );
  });

  it('creates referenced namespaces implicitly with only the name label', () => {
    const c = clusterFromYaml(`
apiVersion: v1
kind: Namespace
metadata: {name: frontend, labels: {access: frontend}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: backend}
spec: {podSelector: {}}
`);
    assert.deepEqual(c.namespaces.get('frontend')?.labels, {
      access: 'frontend',
      'kubernetes.io/metadata.name': 'frontend',
    });
    assert.deepEqual(c.namespaces.get('backend'), {
      name: 'backend',
      labels: { 'kubernetes.io/metadata.name': 'backend' },
      implicit: true,
    });
  });

  it('defaults policyTypes: Ingress, plus Egress only when egress rules exist', () => {
    const c = clusterFromYaml(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a}
spec: {podSelector: {}, egress: [{}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: b}
spec: {podSelector: {}, egress: []}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: c}
spec: {podSelector: {}, policyTypes: [Ingress], egress: [{}]}
`);
    assert.deepEqual(
      c.policies.map((p) => [p.name, p.types]),
      [
        ['a', { ingress: true, egress: true }],
        ['b', { ingress: true, egress: false }],
        ['c', { ingress: true, egress: false }],
      ],
    );
    assert.equal(at(c.policies, 2).egress.length, 1, 'ignored egress rules stay in the model for lint');
  });

  it('reads empty from/ports as "all" and keeps peer and port indexes', () => {
    const c = clusterFromYaml(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a}
spec:
  podSelector: {}
  ingress:
  - from: []
  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {podSelector: {}}]
    ports: [{port: 80, endPort: 90}, {protocol: UDP, port: dns}]
`);
    const [all, some] = atLeast(first(c.policies).ingress, 2);
    assert.equal(all.peers, 'all');
    assert.equal(all.ports, 'all');
    assert.deepEqual(some.peers, [
      { kind: 'ipBlock', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'], index: 0 },
      {
        kind: 'selector',
        podSelector: { matchLabels: {}, matchExpressions: [] },
        namespaceSelector: undefined,
        index: 1,
      },
    ]);
    assert.deepEqual(some.ports, [
      { protocol: 'TCP', port: 80, endPort: 90, index: 0 },
      { protocol: 'UDP', port: 'dns', endPort: undefined, index: 1 },
    ]);
  });

  it('assigns stable addresses: adding a pod does not move the others', () => {
    const one = clusterFromYaml(deployment('a', 'ns', 3, '{app: a}'));
    const two = clusterFromYaml(deployment('a', 'ns', 3, '{app: a}') + '---\n' + deployment('b', 'ns', 3, '{app: b}'));
    for (const pod of one.pods) {
      assert.deepEqual(two.pods.find((p) => p.id === pod.id)?.ips, pod.ips);
      assert.match(first(pod.ips), /^198\.18\./);
    }
    assert.equal(new Set(two.pods.map((p) => p.ips[0])).size, two.pods.length);
  });

  it('gives Services a ClusterIP unless headless, and defaults targetPort to port', () => {
    const c = clusterFromYaml(`
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432, targetPort: pg}]}
`);
    const [db, web] = atLeast(c.services, 2);
    assert.equal(db.clusterIP, undefined);
    assert.equal(first(db.ports).targetPort, 'pg');
    assert.match(web.clusterIP ?? '', /^198\.19\./);
    assert.deepEqual(web.ports[0], { name: undefined, port: 80, targetPort: 80, protocol: 'TCP' });
  });
});
