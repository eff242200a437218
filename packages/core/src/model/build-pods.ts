import { at } from '../at.js';
import type { PodSpec } from '../decode/schema.js';
import type { DecodedOf } from '../load/decoded-object.js';
import { parseIPv4Number, parseIp } from './cidr.js';
import { type DecodedWorkload, replicasOf, templateOf, WORKLOAD_TEMPLATE_PATH } from './kinds.js';
import { controllerOf, type createOwnerRollUp, type WorkloadName } from './owner-roll-up.js';
import type { ContainerPortModel, DroppedPod, Labels, Origin, PodModel, Protocol, WorkloadRef } from './types.js';

/** A workload before its replicas are known: template labels and ports. */
export interface WorkloadDraft extends WorkloadName {
  namespace: string;
  labels: Labels;
  ports: ContainerPortModel[];
  origin?: Origin;
  /** The ref its pods share. */
  ref: WorkloadRef;
}

export interface PodDrafts {
  /**
   * The pods, unsorted. One the manifests give no address (`addressMadeUp`) has none yet:
   * addresses are made up in the model's order, once they are sorted (`buildCluster`).
   */
  pods: PodModel[];
  /** By `ns/Kind/name` of the top-level workload. */
  workloads: Map<string, WorkloadDraft>;
  dropped: DroppedPod[];
}

type RollUp = ReturnType<typeof createOwnerRollUp>;

/** The addresses of every replica made from a template (none: each gets one made up). */
const NO_IPS: string[] = [];

/** A pod drafted by this build that still waits for its made-up address (`buildCluster` sets it). */
export function awaitsAddress(pod: PodModel): boolean {
  return pod.ips === NO_IPS;
}

/**
 * The replicas made from a workload's template, by the workload's decoded object, and by its
 * value (a List item moved by an edit above it: `list-layout`). A replica depends on its
 * workload object, namespace and top-level owner only, so an unchanged workload keeps its
 * pods (their models, and what is kept per model) across the web UI's edits. Their made-up
 * addresses are checked by `buildCluster` on every build (see there).
 */
interface TemplatePods {
  namespace: string;
  ref: WorkloadRef;
  pods: PodModel[];
}
const templatePods = new WeakMap<object, TemplatePods>();

/**
 * The pods of the cluster: each Pod object that takes traffic, attributed to its top-level
 * workload, and `<workload>-<i>` replicas from the template of each workload with no pod in
 * the input. `keep`: replicas are kept per workload object for the next build (`keepModels`).
 */
export function draftPods(
  podObjects: readonly DecodedOf<'Pod'>[],
  workloadObjects: readonly DecodedWorkload[],
  namespaceOf: (meta: { namespace?: string } | undefined) => string,
  owners: RollUp,
  keep: boolean,
  /**
   * Whether replicas kept by their workload's value keep their origin (a load without
   * `after`: the input's, whose text stays anyway). An edit's are kept without: a build
   * that only moves the item later (`BuildOptions.moved`) drafts nothing, and the value,
   * which the moved item shares, would keep that edit's text as long as it lives.
   */
  placedByValue = true,
): PodDrafts {
  const pods: PodModel[] = [];
  const dropped: DroppedPod[] = [];
  const workloads = new Map<string, WorkloadDraft>();
  const workloadsWithPods = new Set<string>();
  const refs = new Map<string, WorkloadRef>();

  // One ref per workload, shared by its pods: at 150,000 pods an object and an id string
  // per pod were a large part of the load's garbage.
  const refOf = (key: string, namespace: string, top: WorkloadName): WorkloadRef => {
    let ref = refs.get(key);
    if (!ref) {
      ref = { kind: top.kind, name: top.name, id: `${namespace}/${top.name}[${top.kind}]` };
      refs.set(key, ref);
    }
    return ref;
  };

  // Indexed loops over pods and workloads: run once per load (150,000 Pods in a dump), mostly
  // before they are optimized, when for...of made an iterator and a result per element.
  for (let k = 0; k < podObjects.length; k++) {
    const pod = at(podObjects, k);
    const { metadata, spec, status } = pod.value;
    const namespace = namespaceOf(metadata);
    const name = metadata?.name ?? '';
    const labels = metadata?.labels ?? {};
    const owner = controllerOf(metadata);
    const workload = owner ? owners.rollUp(namespace, owner.kind, owner.name, labels) : undefined;
    const reason = dropReason(pod);
    if (reason) {
      dropped.push({ id: `${namespace}/${name}`, namespace, name, reason, origin: { object: pod.object, path: [] } });
      continue;
    }
    const ports = containerPorts(spec);
    let ref: WorkloadRef | undefined;
    if (workload) {
      const key = `${namespace}/${workload.kind}/${workload.name}`;
      workloadsWithPods.add(key);
      ref = refOf(key, namespace, workload);
      if (!workloads.has(key))
        workloads.set(key, { kind: workload.kind, name: workload.name, namespace, labels, ports, ref });
    }
    const ips = statusIps(status);
    pods.push(
      podModel(`${namespace}/${name}`, namespace, name, labels, ips, ports, ref, spec?.hostNetwork === true, {
        object: pod.object,
        path: [],
      }),
    );
  }

  for (let k = 0; k < workloadObjects.length; k++) {
    const w = at(workloadObjects, k);
    const namespace = namespaceOf(w.value.metadata);
    const own = { kind: w.kind, name: w.value.metadata?.name ?? '' };
    const top = owners.rollUp(namespace, own.kind, own.name);
    const key = `${namespace}/${top.kind}/${top.name}`;
    const isTop = top.kind === own.kind && top.name === own.name;
    // A ReplicaSet of a Deployment in the input is only history; the Deployment is the workload.
    if (!isTop && owners.has(namespace, top.kind, top.name)) continue;
    const template = templateOf(w);
    const labels = template.metadata?.labels ?? {};
    const ports = containerPorts(template.spec);
    const origin = { object: w.object, path: WORKLOAD_TEMPLATE_PATH[w.kind] };
    const known = !keep || workloadsWithPods.has(key) ? undefined : keptPods(w, namespace, top, refs.get(key));
    if (known) refs.set(key, known.ref);
    const ref = refOf(key, namespace, top);
    if (!workloads.has(key) || isTop)
      workloads.set(key, { kind: top.kind, name: top.name, namespace, labels, ports, origin, ref });
    if (workloadsWithPods.has(key)) continue;
    workloadsWithPods.add(key);
    if (known) {
      const moved = known.pods[0]?.origin?.object !== w.object;
      // A moved replica is a copy at its new origin (nothing is kept per pod model's first build).
      for (const pod of known.pods) pods.push(moved ? { ...pod, origin } : pod);
      if (moved) keepPods(w, { namespace, ref, pods: pods.slice(pods.length - known.pods.length) }, placeless(known));
      continue;
    }
    const replicas = replicasOf(w);
    const hostNetwork = template.spec?.hostNetwork === true;
    const first = pods.length;
    for (let i = 0; i < replicas; i++) {
      const name = `${top.name}-${i}`;
      pods.push(podModel(`${namespace}/${name}`, namespace, name, labels, NO_IPS, ports, ref, hostNetwork, origin));
    }
    if (keep) {
      const kept = { namespace, ref, pods: pods.slice(first) };
      keepPods(w, kept, placedByValue ? kept : placeless(kept));
    }
  }
  return { pods, workloads, dropped };
}

/** The replicas kept for `w` (by object, else by value), when they are its replicas in this build. */
function keptPods(
  w: DecodedWorkload,
  namespace: string,
  top: WorkloadName,
  ref: WorkloadRef | undefined,
): TemplatePods | undefined {
  const known = templatePods.get(w) ?? templatePods.get(w.object.value);
  if (!known || known.namespace !== namespace) return undefined;
  // The same top-level owner (a ReplicaSet's Deployment may come or go), and its ref is this build's.
  if (known.ref.kind !== top.kind || known.ref.name !== top.name || (ref && ref !== known.ref)) return undefined;
  return known;
}

/**
 * `kept` for the next build of `w`'s object, and `byValue` (default `kept`) for the next of
 * its value (an item moved: a new object, the same value). Once an item moved, its value keeps
 * replicas without an origin: the value outlives the build, and an origin's object would keep
 * that build's whole text (an edit's, one more per edit that moved the items after it).
 */
function keepPods(w: DecodedWorkload, kept: TemplatePods, byValue = kept): void {
  templatePods.set(w, kept);
  templatePods.set(w.object.value, byValue);
}

/** `kept`'s replicas without their origin (the same when they have none). */
function placeless(kept: TemplatePods): TemplatePods {
  if (kept.pods[0]?.origin === undefined) return kept;
  return { ...kept, pods: kept.pods.map(({ origin: _, ...pod }) => pod) };
}

/**
 * A pod of the model; without addresses (`ips` empty), one is made up later. Always the same
 * keys in the same order (one object shape): `addressMadeUp` is there only when true.
 */
function podModel(
  id: string,
  namespace: string,
  name: string,
  labels: Labels,
  ips: string[],
  ports: ContainerPortModel[],
  workload: WorkloadRef | undefined,
  hostNetwork: boolean,
  origin: Origin,
): PodModel {
  return ips.length === 0
    ? { id, namespace, name, labels, ips, addressMadeUp: true, ports, workload, hostNetwork, origin }
    : { id, namespace, name, labels, ips, ports, workload, hostNetwork, origin };
}

/**
 * Why a Pod of a cluster dump takes no traffic: it finished (its address is released), it is
 * being deleted, or it was never scheduled (no node, so no address). A manifest Pod without
 * `status` is none of these: it is what the user means to run.
 */
function dropReason(pod: DecodedOf<'Pod'>): DroppedPod['reason'] | undefined {
  const { metadata, spec, status } = pod.value;
  const phase = status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'finished';
  if (metadata?.deletionTimestamp) return 'deleting';
  if (phase === 'Pending' && !spec?.nodeName && statusIps(status).length === 0) return 'unscheduled';
  return undefined;
}

function statusIps(status: DecodedOf<'Pod'>['value']['status']): string[] {
  const ips: string[] = [];
  const podIPs = status?.podIPs;
  if (podIPs) {
    for (let k = 0; k < podIPs.length; k++) {
      const ip = at(podIPs, k).ip ?? '';
      if (isIp(ip)) ips.push(ip);
    }
  }
  const podIP = status?.podIP;
  if (ips.length === 0 && podIP && isIp(podIP)) ips.push(podIP);
  return ips;
}

/** `parseIp(text) !== undefined`, IPv4 without bigints (every pod of a dump has one). */
function isIp(text: string): boolean {
  return text.includes(':') ? parseIp(text) !== undefined : parseIPv4Number(text) !== undefined;
}

function containerPorts(spec: PodSpec | undefined): ContainerPortModel[] {
  const out: ContainerPortModel[] = [];
  portsOf(spec?.initContainers, out);
  portsOf(spec?.containers, out);
  return out;
}

/** The ports of `containers`, in order, into `out`. */
function portsOf(containers: PodSpec['containers'], out: ContainerPortModel[]): void {
  if (!containers) return;
  for (let c = 0; c < containers.length; c++) {
    const ports = at(containers, c).ports;
    if (!ports) continue;
    for (let k = 0; k < ports.length; k++) {
      const port = at(ports, k);
      if (port.containerPort === undefined) continue;
      out.push({ name: port.name || undefined, port: port.containerPort, protocol: protocolOf(port.protocol) });
    }
  }
}

export function protocolOf(value: string | undefined): Protocol {
  return value === 'UDP' || value === 'SCTP' ? value : 'TCP';
}
