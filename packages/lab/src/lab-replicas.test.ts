import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { first } from '@netpol/core';
import { applyObjects, deleteObjects, labCluster, objectKey } from './lab-cluster.js';
import { probeEndpoints } from './lab-probe.js';
import { isReplica, REPLICA_ANNOTATION, reconcileReplicas } from './lab-replicas.js';
import type { LabState, StoredObject } from './lab-state.js';

/** The lab's workload controller (issue 16, item 8: `lab label pod backend-0`). */

const obj = (value: Record<string, unknown>): StoredObject => {
  const meta = value.metadata as { name: string; namespace?: string };
  return { key: objectKey(value.kind as string, meta.namespace ?? 'default', meta.name), value };
};
const workload = (
  kind: string,
  name: string,
  replicas: number,
  labels: Record<string, string> = { app: name },
  extra = {},
) =>
  obj({
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: { name, namespace: 'default' },
    spec: {
      ...(kind === 'Job' ? { parallelism: replicas } : { replicas, selector: { matchLabels: { app: name } } }),
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'c', image: name, ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  });
const podNames = (objects: readonly StoredObject[]) =>
  objects
    .filter((o) => o.value.kind === 'Pod')
    .map((o) => `${(o.value.metadata as { name: string }).name}${isReplica(o) ? '' : ' (own)'}`)
    .sort();
const reconcile = (objects: readonly StoredObject[], previous?: readonly StoredObject[]) =>
  reconcileReplicas(objects, previous);
/** `kubectl label pod NAME k=v` (`v` undefined: `k-`) on the stored objects. */
const label = (objects: readonly StoredObject[], name: string, key: string, value?: string) => {
  const pod = structuredClone(objects.find((o) => o.key === objectKey('Pod', 'default', name)));
  assert.ok(pod, `${name} is a stored Pod`);
  const meta = pod.value.metadata as { labels: Record<string, string> };
  if (value === undefined) delete meta.labels[key];
  else meta.labels[key] = value;
  return applyObjects(objects, [pod]);
};
const del = (objects: readonly StoredObject[], name: string) =>
  deleteObjects(objects, [{ key: objectKey('Pod', 'default', name), value: {} }]);
/** What the engine sees of the pods: id, labels, address, ports, workload. */
const engineView = (objects: readonly StoredObject[]) =>
  labCluster(objects)
    .cluster.pods.map((p) => ({ id: p.id, labels: p.labels, ips: p.ips, ports: p.ports, workload: p.workload?.id }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));

describe('lab replicas: one Pod object per replica, the controller after each change', () => {
  const deploy = workload('Deployment', 'backend', 3);
  const sts = workload('StatefulSet', 'db', 2);
  const base = reconcile([deploy, sts]).objects;

  it('makes one Pod per replica, owned and marked, which the engine sees exactly as the template replicas', () => {
    assert.deepEqual(podNames(base), ['backend-0', 'backend-1', 'backend-2', 'db-0', 'db-1']);
    const pod = base.find((o) => o.key === 'Pod/default/backend-1')?.value as {
      metadata: { ownerReferences: unknown[]; annotations: Record<string, string> };
    };
    assert.deepEqual(pod.metadata.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'backend', controller: true },
    ]);
    assert.match(pod.metadata.annotations[REPLICA_ANNOTATION] ?? '', /^[0-9a-f]{16}$/);
    // Same ids, labels, addresses, ports and workloads as before the Pods existed.
    assert.deepEqual(engineView(base), engineView([deploy, sts]));
    assert.deepEqual(reconcile(base), { objects: base, events: [] }, 'a second pass changes nothing');
  });

  const rows: {
    name: string;
    change: (o: readonly StoredObject[]) => StoredObject[];
    pods: string[];
    events: string[];
  }[] = [
    {
      name: 'a Deployment replica deleted is replaced under a new name',
      change: (o) => del(o, 'backend-0'),
      pods: ['backend-1', 'backend-2', 'backend-3', 'db-0', 'db-1'],
      events: ['made default/backend-3'],
    },
    {
      name: 'a StatefulSet replica deleted is made again under its name',
      change: (o) => del(o, 'db-0'),
      pods: ['backend-0', 'backend-1', 'backend-2', 'db-0', 'db-1'],
      events: ['made default/db-0'],
    },
    {
      name: 'a label that keeps the selector matching leaves the replica owned',
      change: (o) => label(o, 'backend-0', 'canary', 'yes'),
      pods: ['backend-0', 'backend-1', 'backend-2', 'db-0', 'db-1'],
      events: [],
    },
    {
      name: 'a label that breaks the selector releases the replica, and a replacement is made',
      change: (o) => label(o, 'backend-0', 'app', 'debug'),
      pods: ['backend-0 (own)', 'backend-1', 'backend-2', 'backend-3', 'db-0', 'db-1'],
      events: ['released default/backend-0', 'made default/backend-3'],
    },
    {
      name: 'a released StatefulSet pod keeps its name: the StatefulSet cannot remake that ordinal',
      change: (o) => label(o, 'db-1', 'app'),
      pods: ['backend-0', 'backend-1', 'backend-2', 'db-0', 'db-1 (own)'],
      events: ['released default/db-1'],
    },
    {
      name: 'scaled down, the highest indexes go; scaled up, the lowest free ones come',
      change: (o) => applyObjects(o, [workload('Deployment', 'backend', 1), workload('StatefulSet', 'db', 3)]),
      pods: ['backend-0', 'db-0', 'db-1', 'db-2'],
      events: ['made default/db-2'],
    },
    {
      name: 'a workload deleted takes its replicas, not the pods it released',
      change: (o) => deleteObjects(reconcile(label(o, 'backend-2', 'app', 'x'), o).objects, [deploy]),
      pods: ['backend-2 (own)', 'db-0', 'db-1'],
      events: [],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const { objects, events } = reconcile(row.change(base), base);
      assert.deepEqual(podNames(objects), row.pods);
      assert.deepEqual(
        events.map((e) => `${e.what} ${e.pod}`),
        row.events,
      );
      // The engine's view is the lab's objects: every pod once, replicas attributed.
      const view = engineView(objects);
      assert.equal(new Set(view.map((p) => p.id)).size, view.length);
      for (const p of view.filter((v) => !v.id.startsWith('kube-system/'))) {
        const own = row.pods.includes(`${p.id.split('/')[1]} (own)`);
        assert.equal(p.workload === undefined, own, `${p.id}: a workload's pod unless released`);
      }
    });
  }

  it('a new template updates the replicas in place, names kept, labels of the new template', () => {
    const labelled = reconcile(label(base, 'backend-1', 'canary', 'yes'), base).objects;
    const v2 = workload('Deployment', 'backend', 3, { app: 'backend', version: 'v2' });
    const { objects } = reconcile(applyObjects(labelled, [v2]), labelled);
    assert.deepEqual(podNames(objects), podNames(base));
    const backend = engineView(objects).filter((p) => p.workload === 'default/backend[Deployment]');
    assert.deepEqual(
      backend.map((p) => p.labels),
      [0, 1, 2].map(() => ({ app: 'backend', version: 'v2' })),
    );
  });

  it('a Job without a selector never releases its pods (its selector is a uid only it sets)', () => {
    const job = reconcile([workload('Job', 'batch', 1)]).objects;
    const { objects, events } = reconcile(label(job, 'batch-0', 'app', 'other'), job);
    assert.deepEqual(podNames(objects), ['batch-0']);
    assert.deepEqual(events, []);
  });

  it('a workload whose pods are in the input (a cluster dump) gets no replicas of the lab', () => {
    const dumped = obj({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'backend-7d9f8-x2k4p',
        namespace: 'default',
        labels: { app: 'backend' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'backend', controller: true }],
      },
      spec: { containers: [{ name: 'c', image: 'backend' }] },
    });
    const { objects } = reconcile([...base, dumped], base);
    assert.deepEqual(podNames(objects), ['backend-7d9f8-x2k4p (own)', 'db-0', 'db-1']);
  });

  it('a replica labelled on its own is probed as itself, its workload by another replica', () => {
    const { objects } = reconcile(label(base, 'backend-0', 'canary', 'yes'), base);
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
      nextPodIndex: 99,
      pods,
      outside: [],
      objects,
    };
    const eps = probeEndpoints(cluster, state).filter((e) => e.pod?.namespace === 'default');
    assert.deepEqual(
      eps.map((e) => `${e.id} ${e.pod?.name}${e.replica ? ` → ${e.replica.pod.name}` : ''}`),
      [
        'default/backend-0 backend-0',
        'default/backend[Deployment] backend-1 → backend-2',
        'default/db[StatefulSet] db-0 → db-1',
      ],
    );
  });
});
