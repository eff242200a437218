import type { ClusterModel, Direction, PodModel } from '@netpol/core';
import { at } from '@netpol/core';
import { type AddressedPod, addressedPods, ClassTables, classifyPod, labelKeyOf, verdictOf } from './classify.js';
import { ipv4ToNumber } from './ipv4.js';
import { LayeredMap } from './layered-map.js';
import {
  type CompiledRule,
  type DataplanePlan,
  type DirectionPlan,
  namespaceKeyOf,
  type PeerClass,
  type Profiles,
  policyKeyOf,
  type SubjectClass,
} from './plan.js';
import {
  planServices,
  type ServicePlan,
  servicesKeyOf,
  serviceUseOf,
  sharesClusterIp,
  updateServiceUse,
} from './services.js';
import { updateTierDirection } from './tier-plan.js';

/** What an incremental plan changed in the pod-keyed maps, so a diff need not compare them all. */
export interface PodChangeScope {
  /** Pod IPs whose `*_subject` / `*_peer_pod` elements may differ. */
  touched: ReadonlySet<string>;
  /** `subject . peer` keys each direction's `allow` map gained (it only gains while policies stay). */
  allowAdded: Readonly<Record<Direction, readonly string[]>>;
  /** `subject . peer` keys of the admin tier pairs each direction gained (tier-plan.ts). */
  tierPairsAdded?: Readonly<Record<Direction, readonly string[]>>;
  /** The Service port plans that may have changed, before and after (the others are the same objects). */
  services?: { removed: readonly ServicePlan[]; added: readonly ServicePlan[] };
}

/**
 * Plan `next` from `previous` touching only the pods that changed, when nothing else the
 * classes depend on did (same policies, same namespaces and labels); undefined otherwise.
 * The result equals `planDataplane(next, previous)` element for element (tests check it). Its
 * maps are layers over `previous`'s, which stays as it was: the cost grows with the changed
 * pods (plus one pass over `next.pods` to find them), not with the cluster.
 */
export function planPodChanges(
  previous: DataplanePlan,
  next: ClusterModel,
): ({ plan: DataplanePlan } & PodChangeScope) | undefined {
  if (namespaceKeyOf(next) !== previous.namespaceKey || policyKeyOf(next) !== previous.policyKey) return undefined;
  const pods = changedPodsQuickly(previous, next) ?? changedPods(previous, next);
  const profiles: Profiles = new Map(previous.profiles);
  const egress = updateDirection(previous.egress, pods.changed, pods.removed, profiles);
  const ingress = updateDirection(previous.ingress, pods.changed, pods.removed, profiles);
  const tierEgress = previous.tiers && updateTierDirection(previous.tiers.egress, pods.changed, pods.removed);
  const tierIngress = previous.tiers && updateTierDirection(previous.tiers.ingress, pods.changed, pods.removed);
  // Services keep their plans unless a changed pod is in their namespace (or they changed).
  const servicesKey = servicesKeyOf(next);
  const namespaces = new Set<string>();
  for (const ip of pods.removed) namespaces.add(previous.pods.get(ip)?.namespace ?? '');
  for (const p of pods.changed) {
    namespaces.add(p.pod.namespace);
    const old = previous.pods.get(p.ip);
    if (old) namespaces.add(old.namespace);
  }
  // (Services sharing a ClusterIP compete for its ports: then every Service is replanned.)
  const reusable = servicesKey === previous.servicesKey && !sharesClusterIp(next);
  const reuse = reusable ? { previous: previous.services, namespaces } : undefined;
  const services = planServices(next, pods.byIp, reuse);
  const servicesChanged = reuse && {
    removed: previous.services.filter((s) => namespaces.has(s.namespace)),
    added: services.filter((s) => namespaces.has(s.namespace)),
  };
  const plan: DataplanePlan = {
    ...previous,
    servicesKey,
    egress: egress.plan,
    ingress: ingress.plan,
    ...(tierEgress && tierIngress ? { tiers: { egress: tierEgress.plan, ingress: tierIngress.plan } } : {}),
    profiles,
    services,
    serviceUse: servicesChanged
      ? updateServiceUse(previous.serviceUse, servicesChanged.removed, servicesChanged.added)
      : serviceUseOf(services),
    podIds: pods.podIds,
    pods: pods.byIp,
    skippedPods: pods.skipped,
  };
  return {
    plan,
    touched: new Set([...pods.removed, ...pods.changed.map((p) => p.ip)]),
    allowAdded: { egress: egress.allowAdded, ingress: ingress.allowAdded },
    ...(tierEgress && tierIngress
      ? { tierPairsAdded: { egress: tierEgress.pairsAdded, ingress: tierIngress.pairsAdded } }
      : {}),
    services: servicesChanged,
  };
}

interface PodDiff {
  /** Pods new or changed for the dataplane (labels, ports, namespace, or their address). */
  changed: AddressedPod[];
  /** Addresses no pod has any more. */
  removed: string[];
  byIp: ReadonlyMap<string, PodModel>;
  podIds: ReadonlyMap<string, string>;
  skipped: string[];
}

/**
 * The diff in one pass without copying, when no pod is or was left out: every pod of `next`
 * is looked up at its address in `previous`. Undefined (use `changedPods`) when a pod has
 * no IPv4 address, takes another pod's address, or two changed pods share one, since then
 * which pod is left out depends on the order of the whole list.
 */
function changedPodsQuickly(previous: DataplanePlan, next: ClusterModel): PodDiff | undefined {
  if (previous.skippedPods.length > 0) return undefined;
  const changed: AddressedPod[] = [];
  const claimed = new Set<string>();
  let kept = 0;
  for (const pod of next.pods) {
    const ip = pod.ips[0];
    const old = ip === undefined ? undefined : previous.pods.get(ip);
    if (old !== undefined && (old === pod || samePodForDataplane(old, pod))) {
      kept++;
      continue;
    }
    const address = ip === undefined ? undefined : ipv4ToNumber(ip);
    if (ip === undefined || address === undefined || (old !== undefined && old.id !== pod.id) || claimed.has(ip)) {
      return undefined;
    }
    claimed.add(ip);
    changed.push({ pod, ip, address });
    if (old !== undefined) kept++;
  }
  const removed: string[] = [];
  if (kept < previous.pods.size) {
    const present = new Set<string>();
    for (const pod of next.pods) if (pod.ips[0] !== undefined) present.add(pod.ips[0]);
    for (const ip of previous.pods.keys()) if (!present.has(ip)) removed.push(ip);
  }
  const byIp = LayeredMap.over(previous.pods);
  const podIds = LayeredMap.over(previous.podIds);
  for (const ip of removed) {
    byIp.delete(ip);
    podIds.delete(ip);
  }
  for (const { pod, ip } of changed) {
    byIp.set(ip, pod);
    podIds.set(ip, pod.id);
  }
  return { changed, removed, byIp, podIds, skipped: [] };
}

/** The diff by addressing every pod of `next` afresh (any cluster). */
function changedPods(previous: DataplanePlan, next: ClusterModel): PodDiff {
  const { pods, podIds, skipped } = addressedPods(next);
  const changed: AddressedPod[] = [];
  const byIp = new Map<string, PodModel>();
  for (const p of pods) {
    byIp.set(p.ip, p.pod);
    const old = previous.pods.get(p.ip);
    if (old !== p.pod && (!old || !samePodForDataplane(old, p.pod))) changed.push(p);
  }
  const removed: string[] = [];
  for (const ip of previous.pods.keys()) if (!byIp.has(ip)) removed.push(ip);
  return { changed, removed, byIp, podIds, skipped };
}

function samePodForDataplane(a: PodModel, b: PodModel): boolean {
  if (a.id !== b.id || a.namespace !== b.namespace || a.hostNetwork !== b.hostNetwork) return false;
  if (a.labels !== b.labels) {
    const ka = Object.keys(a.labels);
    if (ka.length !== Object.keys(b.labels).length || ka.some((k) => a.labels[k] !== b.labels[k])) return false;
  }
  if (a.ports === b.ports) return true;
  return (
    a.ports.length === b.ports.length &&
    a.ports.every((p, i) => {
      const q = at(b.ports, i);
      return p.name === q.name && p.port === q.port && p.protocol === q.protocol;
    })
  );
}

/** `previous` with the changed and removed pods reclassified; the context is shared. */
function updateDirection(
  previous: DirectionPlan,
  changed: readonly AddressedPod[],
  removed: readonly string[],
  profiles: Profiles,
): { plan: DirectionPlan; allowAdded: string[] } {
  const context = previous.context;
  const tables = new ClassTables(previous);
  const subjects = LayeredMap.over(previous.subjects);
  const podPeers = LayeredMap.over(previous.podPeers);
  const allow = LayeredMap.over(previous.allow);
  const allowAdded: string[] = [];
  for (const ip of removed) {
    subjects.delete(ip);
    podPeers.delete(ip);
  }
  for (const { pod, ip, address } of changed) {
    const classes = classifyPod(context, tables, pod, address, `${pod.namespace}\0${labelKeyOf(pod.labels)}`);
    if (classes.subject !== undefined) subjects.set(ip, classes.subject);
    else subjects.delete(ip);
    podPeers.set(ip, classes.peer);
  }
  // Pairs of new classes: new subjects against every peer, new peers against old subjects.
  // Their keys name a new class, so they are new elements of `allow`.
  const pair = (subject: SubjectClass, peer: PeerClass) => {
    const rules: CompiledRule[] = [];
    for (const policyIndex of subject.policies) {
      for (const rule of context.rulesByPolicy[policyIndex] ?? []) {
        if (rule.peers === 'all' || rule.peers.some((t) => peer.tests.includes(t))) rules.push(rule);
      }
    }
    if (rules.length === 0) return;
    const verdict = verdictOf(context, profiles, rules, subject, peer);
    if (verdict === undefined) return;
    const key = `${subject.id} . ${peer.id}`;
    allow.set(key, verdict);
    allowAdded.push(key);
  };
  const fresh = new Set(tables.newSubjects);
  for (const subject of tables.newSubjects) for (const peer of tables.peers.values()) pair(subject, peer);
  for (const peer of tables.newPeers) {
    for (const subject of tables.subjects.values()) if (!fresh.has(subject)) pair(subject, peer);
  }
  const plan = { ...previous, subjects, podPeers, allow, subjectClasses: tables.subjects, peerClasses: tables.peers };
  return { plan, allowAdded };
}
