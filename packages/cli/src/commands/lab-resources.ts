import { type ClusterModel, checkName, closestNames, first } from '@netpol/core';
import { objectKey, type StoredObject } from '@netpol/lab';
import { UsageError } from '../io.js';

/**
 * `lab delete TYPE NAME...` and `lab label TYPE NAME... KEY=VALUE KEY-`: kubectl's way of
 * naming objects, so the tutorials' `kubectl delete networkpolicy X` and `kubectl label
 * namespace backend access=backend` work on the lab as they read.
 */

const KINDS: Readonly<Record<string, string>> = {
  pod: 'Pod',
  namespace: 'Namespace',
  ns: 'Namespace',
  networkpolicy: 'NetworkPolicy',
  netpol: 'NetworkPolicy',
  service: 'Service',
  svc: 'Service',
  deployment: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  sts: 'StatefulSet',
  daemonset: 'DaemonSet',
  ds: 'DaemonSet',
  replicaset: 'ReplicaSet',
  rs: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob',
  cj: 'CronJob',
  po: 'Pod',
  replicationcontroller: 'ReplicationController',
  rc: 'ReplicationController',
};

/** `networkpolicies`, `NetworkPolicy`, `netpol`, `networkpolicy.networking.k8s.io` → the Kind. */
export function kindOf(type: string): string {
  const lower = first(type.toLowerCase().split('.'));
  const kind = KINDS[lower] ?? KINDS[lower.replace(/ies$/, 'y')] ?? KINDS[lower.replace(/s$/, '')];
  if (kind) return kind;
  const names = Object.keys(KINDS).filter((k) => k.length > 3);
  throw new UsageError(
    `unknown resource type '${type}'`,
    `did you mean ${closestNames(lower, names).join(', ')}? (pod, namespace, networkpolicy, service, deployment, ...)`,
  );
}

export interface ObjectRef {
  kind: string;
  /** Undefined for Namespaces (cluster-scoped). */
  namespace?: string;
  name: string;
  key: string;
}

/** `TYPE NAME...` or `TYPE/NAME...` (kubectl), in `namespace` unless cluster-scoped. */
export function objectRefs(args: readonly string[], namespace: string): ObjectRef[] {
  if (args.length === 0) throw new UsageError('name the objects: TYPE NAME... or TYPE/NAME..., or -f FILE');
  const ref = (kind: string, name: string): ObjectRef => {
    const problem = checkName(kind === 'Namespace' ? 'namespace name' : 'object name', name);
    if (problem) throw new UsageError(problem.message);
    const ns = kind === 'Namespace' ? undefined : namespace;
    return { kind, ...(ns !== undefined ? { namespace: ns } : {}), name, key: objectKey(kind, ns, name) };
  };
  if (first(args).includes('/')) {
    return args.map((a) => {
      const [type, name, extra] = a.split('/');
      if (!type || !name || extra !== undefined) {
        throw new UsageError(`${a}: expected TYPE/NAME (one form for all: TYPE/NAME... or TYPE NAME...)`);
      }
      return ref(kindOf(type), name);
    });
  }
  const kind = kindOf(first(args));
  if (args.length === 1) throw new UsageError(`name the ${kind} objects: ${args[0]} NAME...`);
  return args.slice(1).map((name) => ref(kind, name));
}

/** How an object is printed after a change: `networkpolicy/x (default)`, as `lab apply` does. */
export function describeRef(ref: { kind: string; namespace?: string; name: string }): string {
  return `${ref.kind.toLowerCase()}/${ref.name}${ref.namespace ? ` (${ref.namespace})` : ''}`;
}

export interface LabelChange {
  set: Record<string, string>;
  remove: string[];
}

/** True for `KEY=VALUE` and `KEY-` arguments of `lab label`. */
export function isLabelArg(arg: string): boolean {
  return arg.includes('=') || (arg.endsWith('-') && !checkName('label key', arg.slice(0, -1)));
}

export function parseLabelArgs(args: readonly string[]): LabelChange {
  const change: LabelChange = { set: {}, remove: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      change.remove.push(arg.slice(0, -1));
      continue;
    }
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    const problem = checkName('label key', key) ?? checkName('label value', value);
    if (problem) throw new UsageError(`${arg}: ${problem.message}`);
    change.set[key] = value;
  }
  if (Object.keys(change.set).length === 0 && change.remove.length === 0) {
    throw new UsageError('no labels: give KEY=VALUE to set, KEY- to remove');
  }
  return change;
}

/** Namespaces every cluster has, that Kubernetes refuses to delete. */
export const SYSTEM_NAMESPACES: readonly string[] = ['default', 'kube-system'];

/** A namespace exists when declared, when something is in it, or when every cluster has it. */
export function namespaceExists(cluster: ClusterModel, name: string): boolean {
  return cluster.namespaces.has(name) || SYSTEM_NAMESPACES.includes(name);
}

export type LabelOutcome =
  | { ref: ObjectRef; status: 'labeled' | 'not labeled'; object: StoredObject }
  | { ref: ObjectRef; status: 'not found' | 'conflict' | 'lab-own'; message: string };

/**
 * `kubectl label`: the stored objects with `change` applied. A namespace that exists only
 * because something is in it gets a Namespace object; a workload replica is a Pod object of
 * its own (what its controller then does is `reconcileReplicas`'s); a label that has another
 * value needs `overwrite`, as in kubectl.
 */
export function labelObjects(
  objects: readonly StoredObject[],
  cluster: ClusterModel,
  refs: readonly ObjectRef[],
  change: LabelChange,
  overwrite: boolean,
): LabelOutcome[] {
  return refs.map((ref): LabelOutcome => {
    let stored = objects.find((o) => o.key === ref.key);
    if (!stored && ref.kind === 'Namespace' && namespaceExists(cluster, ref.name)) {
      stored = { key: ref.key, value: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ref.name } } };
    }
    if (!stored) {
      // A workload's replicas are Pod objects of the lab's (lab-replicas.ts): found above.
      const pod = ref.kind === 'Pod' ? cluster.pods.find((p) => p.id === `${ref.namespace}/${ref.name}`) : undefined;
      if (pod && !pod.workload) {
        // The DNS pod the lab adds when the manifests define none: it is in the cluster, not in the objects.
        return {
          ref,
          status: 'lab-own',
          message: `${describeRef(ref)} is the lab's own DNS server (the manifests define none); to label a DNS pod, lab apply your own (kube-system, labelled k8s-app=kube-dns)`,
        };
      }
      return { ref, status: 'not found', message: `${describeRef(ref)} not found in the lab` };
    }
    const value = structuredClone(stored.value);
    const metadata = (value.metadata ?? {}) as { labels?: Record<string, string> };
    const labels = { ...(metadata.labels ?? {}) };
    for (const [k, v] of Object.entries(change.set)) {
      if (k in labels && labels[k] !== v && !overwrite) {
        return {
          ref,
          status: 'conflict',
          message: `${describeRef(ref)}: '${k}' already has a value (${labels[k]}), and --overwrite is not given`,
        };
      }
    }
    const before = JSON.stringify(labels);
    Object.assign(labels, change.set);
    for (const k of change.remove) delete labels[k];
    const changed = JSON.stringify(labels) !== before;
    metadata.labels = labels;
    value.metadata = metadata;
    return { ref, status: changed ? 'labeled' : 'not labeled', object: { key: stored.key, value } };
  });
}
