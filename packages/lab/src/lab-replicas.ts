import { createHash } from 'node:crypto';
import { loadCluster, matchesSelector } from '@netpol/core';
import { objectKey } from './lab-cluster.js';
import type { StoredObject } from './lab-state.js';

/**
 * The lab's workload controller: every replica of a Deployment, StatefulSet, ReplicaSet,
 * DaemonSet, Job, CronJob or ReplicationController is a Pod object of its own in the state
 * (named `<workload>-<i>`, owned by the workload, marked with `netpol.dev/lab-replica`), so
 * that `lab label pod backend-0` and `lab delete pod backend-0` act on that one pod, as
 * kubectl does on a cluster. After every change the lab does what the workload's controller
 * would (docs: packages/lab/README.md, "Replicas"):
 *
 * - a replica deleted is replaced: a StatefulSet makes it again under the same name, the
 *   others make one under a new name (the lowest index neither in use nor just deleted);
 * - a replica whose labels no longer match its workload's selector is released (it keeps
 *   running, a Pod of its own, as the ReplicaSet controller orphans it) and replaced; a
 *   StatefulSet cannot replace it while the released pod holds its name, as on a cluster;
 * - a changed template (`lab apply` of a new version) updates the replicas in place, names
 *   kept; a changed replica count adds or removes the highest indexes;
 * - a workload gone takes its replicas with it (released ones stay, as orphans do).
 *
 * Which workloads get replicas, and how many, is the core model's own answer (a workload
 * whose pods are in the input, a cluster dump, gets none), so the engine and the lab agree.
 * Not done: adopting an orphan whose labels match a selector again (a controller would; the
 * lab keeps it a Pod of its own, so a manifest Pod that happens to match a selector never
 * changes owner).
 */
export const REPLICA_ANNOTATION = 'netpol.dev/lab-replica';

type LabelSelectorModel = Parameters<typeof matchesSelector>[0];

/** The kinds that carry a pod template (core's workload kinds). */
const WORKLOAD_KINDS = new Set([
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

export interface ReplicaEvent {
  /** `made`: a replica made to keep the count; `released`: no longer matches its selector. */
  what: 'made' | 'released';
  /** `ns/name` of the pod. */
  pod: string;
  /** `deployment/backend`, as kubectl names it. */
  workload: string;
}

type Obj = Record<string, unknown>;

interface Plan {
  namespace: string;
  kind: string;
  name: string;
  count: number;
  /** The object whose template the replicas follow (a ReplicaSet whose Deployment is not in the input). */
  source: Obj;
  /** Of the template: a replica marked with another was made from an older one. */
  hash: string;
}

/**
 * The objects with one Pod per replica, as the controllers would leave them; `previous` are
 * the objects before the change (a replica deleted by it gets a new name, as on a cluster).
 */
export function reconcileReplicas(
  objects: readonly StoredObject[],
  previous: readonly StoredObject[] = objects,
): { objects: StoredObject[]; events: ReplicaEvent[] } {
  const events: ReplicaEvent[] = [];
  const plans = planReplicas(objects.filter((o) => !isReplica(o)));
  const taken = new Set(objects.map((o) => o.key));
  const justDeleted = new Set(previous.filter((o) => !taken.has(o.key)).map((o) => o.key));
  const kept = new Map<string, { object: StoredObject; index: number }[]>();
  const out: (StoredObject | undefined)[] = [];
  for (const object of objects) {
    if (!isReplica(object)) {
      out.push(object);
      continue;
    }
    const meta = object.value.metadata as Obj;
    const owner = controllerRef(meta);
    const namespace = String(meta.namespace ?? 'default');
    const plan = owner ? plans.get(`${namespace}/${owner.kind}/${owner.name}`) : undefined;
    if (!plan) {
      // Its workload is gone (deleted, or its pods now come from the input): so is it.
      taken.delete(object.key);
      continue;
    }
    const labels = (meta.labels ?? {}) as Record<string, string>;
    const selector = selectorOf(plan.source);
    if (selector && !matchesSelector(selector, labels)) {
      out.push(released(object));
      events.push({ what: 'released', pod: `${namespace}/${String(meta.name)}`, workload: workloadName(plan) });
      continue;
    }
    const upToDate = (meta.annotations as Record<string, string>)[REPLICA_ANNOTATION] === plan.hash;
    const value = upToDate ? object.value : replicaValue(plan, String(meta.name));
    const entry = { object: { key: object.key, value }, index: indexOf(String(meta.name), plan.name) };
    const list = kept.get(planKey(plan)) ?? [];
    list.push(entry);
    kept.set(planKey(plan), list);
    out.push(entry.object);
  }
  // Workloads that had replicas before this change: what is made for them is a replacement.
  const hadReplicas = new Set(
    previous.filter(isReplica).flatMap((o) => {
      const meta = o.value.metadata as Obj;
      const owner = controllerRef(meta);
      return owner ? [`${String(meta.namespace ?? 'default')}/${owner.kind}/${owner.name}`] : [];
    }),
  );
  const added: StoredObject[] = [];
  for (const plan of plans.values()) {
    const list = (kept.get(planKey(plan)) ?? []).sort((a, b) => a.index - b.index);
    // Scaled down: the highest indexes go (a StatefulSet removes its last ordinals first).
    for (const extra of list.slice(plan.count)) {
      out[out.indexOf(extra.object)] = undefined;
      taken.delete(extra.object.key);
    }
    const names = new Set(list.slice(0, plan.count).map((e) => e.object.key));
    const statefulSet = plan.kind === 'StatefulSet';
    const bound = plan.count + taken.size + justDeleted.size;
    for (let i = 0, missing = plan.count - names.size; missing > 0 && i <= bound; i++) {
      const name = `${plan.name}-${i}`;
      const key = objectKey('Pod', plan.namespace, name);
      if (statefulSet && i >= plan.count) break;
      if (names.has(key)) continue;
      // A StatefulSet's ordinal held by another pod stays missing, as on a cluster.
      if (taken.has(key) || (!statefulSet && justDeleted.has(key))) continue;
      added.push({ key, value: replicaValue(plan, name) });
      taken.add(key);
      missing--;
      if (hadReplicas.has(planKey(plan))) {
        events.push({ what: 'made', pod: `${plan.namespace}/${name}`, workload: workloadName(plan) });
      }
    }
  }
  return { objects: [...out.filter((o): o is StoredObject => o !== undefined), ...added], events };
}

export function isReplica(object: StoredObject): boolean {
  const meta = object.value.metadata as Obj | undefined;
  const annotations = meta?.annotations as Record<string, string> | undefined;
  return object.value.kind === 'Pod' && annotations?.[REPLICA_ANNOTATION] !== undefined;
}

/** One line for a user: what the controller did after a `label` or a `delete`. */
export function describeReplicaEvent(event: ReplicaEvent): string {
  const [namespace, name] = event.pod.split('/');
  const where = namespace === 'default' ? '' : ` (${namespace})`;
  return event.what === 'released'
    ? `pod/${name}${where} no longer matches the selector of ${event.workload}: released (it runs on as a pod of its own; lab delete pod ${name} removes it)`
    : `${event.workload}${where} made pod/${name} to keep its replicas`;
}

/** Each workload that runs replicas made from its template, as the core model counts them. */
function planReplicas(objects: readonly StoredObject[]): Map<string, Plan> {
  // Only what decides the pods: a lab of 20,000 policies does not load them twice.
  const relevant = objects.filter((o) => o.value.kind === 'Pod' || WORKLOAD_KINDS.has(String(o.value.kind)));
  const list = { apiVersion: 'v1', kind: 'List', items: relevant.map((o) => o.value) };
  const { cluster } = loadCluster([{ name: 'lab-state.json', text: JSON.stringify(list) }]).value;
  const plans = new Map<string, Plan>();
  for (const pod of cluster.pods) {
    // Made from a template: its origin is the workload's template, not a Pod object.
    if (!pod.workload || !pod.origin || pod.origin.path.length === 0) continue;
    const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`;
    const plan = plans.get(key);
    if (plan) plan.count++;
    else {
      plans.set(key, {
        namespace: pod.namespace,
        kind: pod.workload.kind,
        name: pod.workload.name,
        count: 1,
        source: pod.origin.object.value as Obj,
        hash: templateHash(pod.origin.object.value as Obj),
      });
    }
  }
  return plans;
}

function planKey(plan: Plan): string {
  return `${plan.namespace}/${plan.kind}/${plan.name}`;
}

function workloadName(plan: Plan): string {
  return `${plan.kind.toLowerCase()}/${plan.name}`;
}

/** The pod template of a workload object (a CronJob's is one level deeper), `{}` when absent. */
function templateOf(source: Obj): Obj {
  const spec = field(source, 'spec');
  return field(source.kind === 'CronJob' ? field(field(spec, 'jobTemplate'), 'spec') : spec, 'template');
}

function field(object: Obj, key: string): Obj {
  const value = object[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};
}

function templateLabels(source: Obj): Record<string, string> {
  return (field(templateOf(source), 'metadata').labels ?? {}) as Record<string, string>;
}

function templateHash(source: Obj): string {
  const template = templateOf(source);
  return createHash('sha256')
    .update(JSON.stringify([templateLabels(source), template.spec ?? {}]))
    .digest('hex')
    .slice(0, 16);
}

/** The Pod the controller makes: the template's labels and spec, owned by the workload. */
function replicaValue(plan: Plan, name: string): Obj {
  const template = templateOf(plan.source);
  const apiVersion =
    plan.kind === 'Job' || plan.kind === 'CronJob'
      ? 'batch/v1'
      : plan.kind === 'ReplicationController'
        ? 'v1'
        : 'apps/v1';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: plan.namespace,
      labels: structuredClone(templateLabels(plan.source)),
      ownerReferences: [{ apiVersion, kind: plan.kind, name: plan.name, controller: true }],
      annotations: { [REPLICA_ANNOTATION]: plan.hash },
    },
    spec: structuredClone(template.spec ?? {}),
  };
}

/** A released replica: a Pod of its own, no owner, no mark. */
function released(object: StoredObject): StoredObject {
  const value = structuredClone(object.value);
  const meta = value.metadata as Obj;
  delete meta.ownerReferences;
  const annotations = { ...(meta.annotations as Record<string, string>) };
  delete annotations[REPLICA_ANNOTATION];
  if (Object.keys(annotations).length > 0) meta.annotations = annotations;
  else delete meta.annotations;
  return { key: object.key, value };
}

/**
 * The selector a controller claims its pods by. A ReplicationController's is a plain map;
 * one without a selector takes the template's labels (the API server defaults it so). A Job
 * (or CronJob) without one gets `controller-uid`, which only it sets: never released.
 */
function selectorOf(source: Obj): LabelSelectorModel | undefined {
  const selector = ((source.spec ?? {}) as Obj).selector as Obj | undefined;
  if (selector === undefined || selector === null) {
    if (source.kind === 'Job' || source.kind === 'CronJob') return undefined;
    return { matchLabels: templateLabels(source), matchExpressions: [] };
  }
  if (source.kind === 'ReplicationController') {
    return { matchLabels: selector as Record<string, string>, matchExpressions: [] };
  }
  const expressions = (selector.matchExpressions ?? []) as { key: string; operator: string; values?: string[] }[];
  return {
    matchLabels: (selector.matchLabels ?? {}) as Record<string, string>,
    matchExpressions: expressions.map((e) => ({
      key: e.key,
      operator: e.operator as LabelSelectorModel['matchExpressions'][number]['operator'],
      values: e.values ?? [],
    })),
  };
}

function controllerRef(meta: Obj): { kind: string; name: string } | undefined {
  const refs = (meta.ownerReferences ?? []) as { kind?: string; name?: string; controller?: boolean }[];
  const ref = refs.find((r) => r.controller === true);
  return ref?.kind && ref.name !== undefined ? { kind: ref.kind, name: ref.name } : undefined;
}

/** `backend-3` of `backend` → 3; a name of another shape sorts last. */
function indexOf(name: string, workload: string): number {
  const suffix = name.startsWith(`${workload}-`) ? name.slice(workload.length + 1) : '';
  return /^\d+$/.test(suffix) ? Number(suffix) : Number.MAX_SAFE_INTEGER;
}
