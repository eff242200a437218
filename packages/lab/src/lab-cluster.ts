import {
  at,
  type ClusterModel,
  formatPath,
  isNamespaced,
  type LoadedObject,
  loadCluster,
  objectMeta,
} from '@netpol/core';
import { LabError } from './exec.js';
import { LAB_DNS_IP } from './lab-names.js';
import type { StoredObject } from './lab-state.js';
import { storedValue } from './lab-stored-object.js';

/** `Kind/namespace/name`, the identity `kubectl apply` updates in place. */
export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return kind === 'Namespace' ? `Namespace//${name}` : `${kind}/${namespace ?? 'default'}/${name}`;
}

/** A loaded object as the lab stores it: only what the lab uses, namespace made explicit. */
export function storeObject(object: LoadedObject): StoredObject {
  const { name, namespace } = objectMeta(object);
  const value = structuredClone(storedValue(object.value));
  // Cluster-scoped kinds keep no namespace: the API server refuses one on a Node (and then the
  // whole lab model would lose the Node), and clears it on the admin tier kinds.
  if (isNamespaced(object.kind)) {
    const meta = (value.metadata ?? {}) as Record<string, unknown>;
    meta.namespace = namespace ?? 'default';
    value.metadata = meta;
  }
  value.kind = object.kind;
  if (!value.apiVersion) value.apiVersion = object.apiVersion || 'v1';
  return { key: objectKey(object.kind, namespace, name), value };
}

/** kubectl apply: replace objects with the same key, append new ones. */
export function applyObjects(current: readonly StoredObject[], incoming: readonly StoredObject[]): StoredObject[] {
  const out = [...current];
  for (const o of incoming) {
    const i = out.findIndex((c) => c.key === o.key);
    if (i >= 0) out[i] = o;
    else out.push(o);
  }
  return out;
}

/** kubectl delete: remove the objects; deleting a Namespace removes everything in it. */
export function deleteObjects(current: readonly StoredObject[], doomed: readonly StoredObject[]): StoredObject[] {
  const keys = new Set(doomed.map((d) => d.key));
  const namespaces = new Set(doomed.filter((d) => d.key.startsWith('Namespace//')).map((d) => d.key.slice(11)));
  return current.filter((c) => !keys.has(c.key) && !namespaces.has(at(c.key.split('/'), 1)));
}

export interface LabCluster {
  cluster: ClusterModel;
  /** The lab added a kube-system coredns pod (and/or the kube-dns Service). */
  addedDns: boolean;
  /** The address every pod's resolv.conf names. */
  nameserver: string;
}

const LAB_DNS_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    containers: [
      {
        name: 'coredns',
        image: 'registry.k8s.io/coredns/coredns',
        ports: [
          { name: 'dns', containerPort: 53, protocol: 'UDP' },
          { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
        ],
      },
    ],
  },
};

const LAB_DNS_SERVICE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
  spec: {
    clusterIP: LAB_DNS_IP,
    selector: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
    ],
  },
};

export function isDnsPod(pod: { namespace: string; labels: Readonly<Record<string, string>> }): boolean {
  return pod.namespace === 'kube-system' && pod.labels['k8s-app'] === 'kube-dns';
}

/**
 * The cluster the lab runs: the stored objects, plus a kube-system coredns pod and the
 * `kube-dns` Service (198.19.0.10) when the manifests define none, so the engine judges
 * DNS traffic exactly as the lab carries it.
 */
export function labCluster(objects: readonly StoredObject[]): LabCluster {
  const build = (extra: unknown[]) => {
    const list = { apiVersion: 'v1', kind: 'List', items: [...objects.map((o) => o.value), ...extra] };
    const result = loadCluster([{ name: 'lab-state.json', text: JSON.stringify(list) }]);
    // Every stored object passed validation when it was applied, so an error here means the lab
    // stored it wrongly: going on with the objects that load would enforce a smaller cluster
    // than the user applied, silently (a Node stored with a namespace once dropped every Node).
    if (!result.ok) {
      const { object, path, message } = result.error;
      throw new LabError(
        `the lab's stored objects no longer load (${object ?? 'an object'}${path.length > 0 ? ` ${formatPath(path)}` : ''}: ${message}); this is a bug in the lab`,
        'netpol lab down --lab ID, then lab up again',
      );
    }
    return result.value.cluster;
  };
  let cluster = build([]);
  const extra: unknown[] = [];
  if (!cluster.pods.some(isDnsPod)) extra.push(LAB_DNS_POD);
  if (!cluster.services.some((s) => s.id === 'kube-system/kube-dns')) extra.push(LAB_DNS_SERVICE);
  if (extra.length > 0) cluster = build(extra);
  const service = cluster.services.find((s) => s.id === 'kube-system/kube-dns');
  const nameserver = service?.clusterIP ?? cluster.pods.find(isDnsPod)?.ips[0] ?? LAB_DNS_IP;
  return { cluster, addedDns: extra.length > 0, nameserver };
}
