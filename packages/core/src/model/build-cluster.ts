import { at } from '../at.js';
import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { DecodedCustom, DecodedObject, DecodedOf } from '../load/decoded-object.js';
import type { LoadedObject } from '../load/loaded-object.js';
import { sameValue } from '../load/same-value.js';
import { AddressAllocator } from './address-allocator.js';
import { buildAdminPolicy, buildNode, compareAdminPolicies } from './build-admin-policy.js';
import { awaitsAddress, draftPods } from './build-pods.js';
import { buildPolicy } from './build-policy.js';
import { buildServices } from './build-services.js';
import { sortByNsName } from './compare-ns-name.js';
import type { DecodedWorkload } from './kinds.js';
import { firstBuild, movedModel } from './moved-model.js';
import { createOwnerRollUp } from './owner-roll-up.js';
import { DEFAULT_SERVICE_CIDR, podRanges } from './pod-ranges.js';
import type {
  ClusterModel,
  NamespaceModel,
  Origin,
  PodModel,
  PolicyModel,
  WorkloadModel,
  WorkloadRef,
} from './types.js';

export interface BuildOptions {
  /** Namespace for objects that name none (kubectl's `-n`); default `default`. */
  defaultNamespace?: string;
  /**
   * Ranges for pod addresses the manifests do not give (`--pod-cidr`); default: inferred
   * from the pods that have one, else 198.18.0.0/16 (240.0.0.0/12 beyond 65,279 pods).
   */
  podCidr?: string | readonly string[];
  /** Range for ClusterIPs the manifests do not give; default 198.19.0.0/16. */
  serviceCidr?: string;
  /**
   * Keep each policy's and workload's models by decoded object, so that a later build of the
   * same objects (a load through a `LoadCache`: the web UI's what-if) gets the same models and
   * what is kept per model. `loadCluster` sets it when it reads through a cache; a one-off
   * build (the CLI) pays nothing for it (at 150,000 pods, 120,000 WeakMap entries of garbage).
   */
  keepModels?: boolean;
  /**
   * A model an earlier build (with `keepModels` and these options) made: when every object
   * but the policies is the same (the same decoded objects in the same order: a what-if edit
   * or toggle of policies), its namespaces, pods, workloads and Services are this build's too,
   * and only the policies are built (each by its object, as ever).
   */
  after?: ClusterModel;
  /**
   * Loaded objects that only moved in their file since the build `after` was made of (List
   * items after an edit above them: `list-layout`), each by the object it was: a build whose
   * objects are `after`'s, some of them moved, keeps its namespaces, pods, workloads and
   * Services placed again (`unmovedModel`). `loadCluster` sets it.
   */
  moved?: ReadonlyMap<LoadedObject, LoadedObject>;
}

/** The parts of a model every object but the policies makes. */
type GroundParts = Pick<ClusterModel, 'pods' | 'workloads' | 'services' | 'dropped' | 'podRanges'>;

/**
 * What a build made of every object but the policies (`BuildOptions.after`), kept while its
 * model is: the objects it read, its options, and the namespaces before the policies'.
 */
interface Groundwork {
  objects: readonly DecodedObject[];
  options: string;
  namespaces: ReadonlyMap<string, NamespaceModel>;
  parts: GroundParts;
  /**
   * The same namespaces and parts as the build that first made them (these are its, placed
   * again where an edit above them moved their objects): what `unmovedModel` shares. Only
   * when that build had no `after` (the load of the input, whose objects stay as long as its
   * models do): an edit's models would keep their objects, moved away since, and so that
   * edit's whole text, as long as the edits after it move them on.
   */
  first?: { namespaces: ReadonlyMap<string, NamespaceModel>; parts: GroundParts };
}

/**
 * Whether a build's models may be kept by later builds that only move their objects: a build
 * after none (the web UI's load of its input, or a reload), whose objects stay as long as that
 * state does. An edit's (built `after` another) are not: they would keep the edit's text.
 */
function settled(options: BuildOptions): boolean {
  return options.after === undefined;
}

/** The policy models of builds without `after` (see `Groundwork.first`): an unmoved model may share them. */
const settledPolicies = new WeakSet<PolicyModel>();

const groundworks = new WeakMap<ClusterModel, Groundwork>();

/** A model whose namespaces, pods, workloads and Services were placed again: the model it equals but for origins. */
const unmovedModels = new WeakMap<ClusterModel, ClusterModel>();

/**
 * The model `cluster` equals but for origins, whose namespaces, pods, workloads and Services
 * are the very objects of the build that first made them: `cluster` is a later build of the
 * same objects, some of which only moved in their file (an edit above them in a List: the
 * web UI's what-if), so its own are copies placed at the new places. What is kept per model
 * (compiled answers, diff identities, matrix endpoints) is kept for these: compare and
 * compute verdicts with it, never cite places from it (its origins may name earlier texts).
 * `cluster` itself when nothing moved.
 */
export function unmovedModel(cluster: ClusterModel): ClusterModel {
  return unmovedModels.get(cluster) ?? cluster;
}

/** The objects the pods, workloads, Services and namespaces are built of, in a build's order. */
function groundObjects(byKind: ReturnType<typeof groupByKind>): DecodedObject[] {
  return [...byKind.Namespace, ...byKind.Pod, ...byKind.Service, ...byKind.workloads];
}

function optionsKey(options: BuildOptions): string {
  return JSON.stringify([options.defaultNamespace ?? 'default', options.podCidr ?? null, options.serviceCidr ?? null]);
}

/**
 * Whether `b` holds the objects of `a` in the same order, each the same, or its object only
 * moved (`moved`: the same value, kind and apiVersion read at another place), or read again
 * with the same kind, apiVersion and value: the loaded objects of `b` that are at another
 * place, by the ones of `a` they were; undefined when some object is another.
 */
function movesOf(
  a: readonly DecodedObject[],
  b: readonly DecodedObject[],
  moved: ReadonlyMap<LoadedObject, LoadedObject> | undefined,
): Map<LoadedObject, LoadedObject> | undefined {
  if (a.length !== b.length) return undefined;
  const moves = new Map<LoadedObject, LoadedObject>();
  for (let k = 0; k < a.length; k++) {
    const was = at(a, k);
    const now = at(b, k);
    if (was === now) continue;
    // Moved (an edit above it), or read again with the same value (a comment or a blank line
    // in its lines): what was built of it is built of it again, but for the place.
    const same =
      moved?.get(now.object) === was.object ||
      (now.kind === was.kind && now.object.apiVersion === was.object.apiVersion && sameValue(was.value, now.value));
    if (!same) return undefined;
    moves.set(was.object, now.object);
  }
  return moves;
}

/**
 * `earlier`'s groundwork for a build whose objects are its objects, some moved (`moves`): the
 * same models (a build depends on the objects' values and order, not on where they are) but
 * those whose origin's object moved, copied with their origin at the new place. A workload's
 * replicas share one origin object, as when built.
 */
function placedAgain(earlier: Groundwork, moves: ReadonlyMap<LoadedObject, LoadedObject>): Groundwork {
  const origins = new Map<Origin, Origin>();
  const originOf = (origin: Origin | undefined): Origin | undefined => {
    if (!origin) return undefined;
    const object = moves.get(origin.object);
    if (!object) return undefined;
    let placed = origins.get(origin);
    if (!placed) {
      placed = { object, path: origin.path };
      origins.set(origin, placed);
    }
    return placed;
  };
  const place = <T extends { origin?: Origin }>(model: T): T => {
    const origin = originOf(model.origin);
    return origin ? { ...model, origin } : model;
  };
  const { pods, workloads, services, dropped, podRanges } = earlier.parts;
  const podsPlaced = new Map<PodModel, PodModel>();
  const pods2 = pods.map((pod) => {
    const placed = place(pod);
    if (placed !== pod) podsPlaced.set(pod, placed);
    return placed;
  });
  const workloads2 = workloads.map((w) => {
    const origin = originOf(w.origin);
    const own = w.pods.some((pod) => podsPlaced.has(pod)) ? w.pods.map((pod) => podsPlaced.get(pod) ?? pod) : w.pods;
    return origin || own !== w.pods ? { ...w, ...(origin ? { origin } : {}), pods: own } : w;
  });
  const namespaces = new Map<string, NamespaceModel>();
  for (const [name, namespace] of earlier.namespaces) namespaces.set(name, place(namespace));
  return {
    ...earlier,
    namespaces,
    parts: {
      pods: pods2,
      workloads: workloads2,
      services: services.map(place),
      dropped: dropped?.map(place),
      podRanges,
    },
  };
}

/**
 * Policy models by decoded object: a load that reuses a decoded object (`LoadCache`: an edit
 * of another file) gets the same model, so what is kept per model (compiled policies,
 * canonical texts) is not made again. A policy's model depends on its object and namespace only.
 */
const policyModels = new WeakMap<DecodedOf<'NetworkPolicy'>, PolicyModel>();
/**
 * And by the value read (a List item moved by an edit above it is decoded again with the same
 * value: `list-layout`): one value gives one kind, apiVersion and decoded form, so the model
 * is the same but for its origin (`movedModel`). Kept without an origin: a model kept by its
 * value (and the first build that what is kept per model is kept by) outlives the build that
 * made it, and its origin's object would keep that build's whole text (an edit's, one more
 * per edit that moved the items after it).
 */
const policyModelsByValue = new WeakMap<object, PolicyModel>();

function policyOf(decoded: DecodedOf<'NetworkPolicy'>, namespace: string, keep: boolean): PolicyModel {
  if (!keep) return buildPolicy(decoded, namespace);
  const known = policyModels.get(decoded);
  if (known && known.namespace === namespace) return known;
  let placeless = policyModelsByValue.get(decoded.object.value);
  if (!placeless || placeless.namespace !== namespace) {
    const { origin: _, ...built } = buildPolicy(decoded, namespace);
    placeless = built;
    policyModelsByValue.set(decoded.object.value, placeless);
  }
  const placed = movedModel(placeless, { object: decoded.object, path: [] });
  policyModels.set(decoded, placed);
  return placed;
}

/**
 * Decoded objects → the cluster model: namespaces (defined, or implied by a reference),
 * pods attributed to their workloads (see `owner-roll-up`), Services and policies, each
 * kind built by its own module. Pods and Services that have no address get one
 * deterministically; everything is sorted by namespace, then name.
 */
export function buildCluster(objects: readonly DecodedObject[], options: BuildOptions = {}): ClusterModel {
  const defaultNs = options.defaultNamespace ?? 'default';
  const namespaceOf = (meta: { namespace?: string } | undefined) => meta?.namespace || defaultNs;
  const byKind = groupByKind(objects);
  const keep = options.keepModels === true;
  const ground = keep ? groundObjects(byKind) : [];
  const key = keep ? optionsKey(options) : '';
  const earlier = keep && options.after ? groundworks.get(options.after) : undefined;
  const moves = earlier && earlier.options === key ? movesOf(earlier.objects, ground, options.moved) : undefined;
  let groundwork: Omit<Groundwork, 'objects' | 'options'>;
  if (earlier && moves) groundwork = moves.size === 0 ? earlier : placedAgain(earlier, moves);
  else {
    const made = groundworkOf(byKind, namespaceOf, options, keep);
    groundwork = settled(options) ? { ...made, first: made } : made;
  }
  const policies = sortByNsName(byKind.NetworkPolicy.map((o) => policyOf(o, namespaceOf(o.value.metadata), keep)));
  const { pods, workloads, services, dropped, podRanges } = groundwork.parts;
  const cluster: ClusterModel = {
    namespaces: withPolicyNamespaces(groundwork.namespaces, policies),
    pods,
    workloads,
    services,
    policies,
    dropped,
    podRanges,
  };
  if (keep) groundworks.set(cluster, { ...groundwork, objects: ground, options: key });
  const adminPolicies = byKind.admin.map((o) => buildAdminPolicy(o.object, o.usableSelector));
  if (adminPolicies.length > 0) cluster.adminPolicies = adminPolicies.sort(compareAdminPolicies);
  const nodes = byKind.Node.map((o) => buildNode(o.object));
  if (nodes.length > 0) cluster.nodes = nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // Where `after` has one, or objects moved since it: the policies of the model it equals.
  const before = options.after && (options.moved?.size || unmovedModels.has(options.after)) ? options.after : undefined;
  const unmovedPolicies = before ? policiesBefore(before, options.moved, policies) : policies;
  if (keep && settled(options)) for (const policy of policies) settledPolicies.add(policy);
  const first = groundwork.first ?? groundwork;
  if (first.parts !== groundwork.parts || unmovedPolicies !== policies) {
    const { namespaces, parts } = first;
    unmovedModels.set(cluster, {
      ...cluster,
      namespaces: withPolicyNamespaces(namespaces, unmovedPolicies),
      ...parts,
      policies: unmovedPolicies,
    });
  }
  return cluster;
}

/**
 * `policies` as `unmovedModel(after)` has them where their objects are `after`'s or only
 * moved (`moved`) and its model is a settled build's (see `Groundwork.first`): the same model
 * but for the origin (one first build: `movedModel`), so what is kept per policy model
 * (compiled policies, which a compiled cluster's donor compares) is the earlier one's.
 * `policies` itself when none is.
 */
function policiesBefore(
  after: ClusterModel,
  moved: ReadonlyMap<LoadedObject, LoadedObject> | undefined,
  policies: PolicyModel[],
): PolicyModel[] {
  const earlier = unmovedModel(after).policies;
  const byObject = new Map<LoadedObject, PolicyModel>();
  for (let k = 0; k < after.policies.length; k++) {
    const object = at(after.policies, k).origin?.object;
    if (object) byObject.set(object, at(earlier, k));
  }
  let any = false;
  const before = policies.map((policy) => {
    const object = policy.origin?.object;
    const was = object && (moved?.get(object) ?? object);
    const known = was && byObject.get(was);
    if (!known || known === policy || !settledPolicies.has(known)) return policy;
    if (known.id !== policy.id || firstBuild(known) !== firstBuild(policy)) return policy;
    any = true;
    return known;
  });
  return any ? before : policies;
}

/** `namespaces` and each policy's namespace the input does not define (implicit), sorted by name. */
function withPolicyNamespaces(
  defined: ReadonlyMap<string, NamespaceModel>,
  policies: readonly PolicyModel[],
): Map<string, NamespaceModel> {
  const namespaces = new Map(defined);
  for (let k = 0; k < policies.length; k++) {
    const name = at(policies, k).namespace;
    if (!namespaces.has(name)) namespaces.set(name, implicitNamespace(name));
  }
  return new Map([...namespaces.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function implicitNamespace(name: string): NamespaceModel {
  return { name, labels: { [NAMESPACE_NAME_LABEL]: name }, implicit: true };
}

/** Namespaces (before the policies'), pods, workloads and Services of a build. */
function groundworkOf(
  byKind: ReturnType<typeof groupByKind>,
  namespaceOf: (meta: { namespace?: string } | undefined) => string,
  options: BuildOptions,
  keep: boolean,
): Omit<Groundwork, 'objects' | 'options' | 'first'> {
  const namespaces = new Map<string, NamespaceModel>();
  for (const o of byKind.Namespace) {
    const name = o.value.metadata?.name ?? '';
    // The API server sets this label and refuses any other value for it.
    const labels = { ...o.value.metadata?.labels, [NAMESPACE_NAME_LABEL]: name };
    namespaces.set(name, { name, labels, implicit: false, origin: { object: o.object, path: [] } });
  }
  const ensureNamespace = (name: string) => {
    if (!namespaces.has(name)) namespaces.set(name, implicitNamespace(name));
  };

  const owners = createOwnerRollUp(byKind.workloads, (w) => namespaceOf(w.value.metadata));
  const drafts = draftPods(byKind.Pod, byKind.workloads, namespaceOf, owners, keep, settled(options));
  const pods = sortByNsName(drafts.pods);

  const knownIps: string[] = [];
  let needed = 0;
  // Indexed loops over pods and objects here and below: a load runs them once, mostly before
  // they are optimized, and for...of made an iterator and a result per element then.
  for (let k = 0; k < pods.length; k++) {
    const pod = at(pods, k);
    if (pod.addressMadeUp) needed++;
    else for (const ip of pod.ips) knownIps.push(ip);
  }
  const podCidr = typeof options.podCidr === 'string' ? [options.podCidr] : options.podCidr;
  const ranges = podRanges(podCidr, knownIps, needed);
  const podAlloc = new AddressAllocator(ranges);
  for (const ip of knownIps) podAlloc.reserve(ip);
  for (const s of byKind.Service) if (s.value.spec?.clusterIP) podAlloc.reserve(s.value.spec.clusterIP);
  const replicas = new Map<WorkloadRef, PodModel[]>();
  let lastNamespace = '';
  for (let k = 0; k < pods.length; k++) {
    let pod = at(pods, k);
    if (pod.namespace !== lastNamespace) {
      // Pods are sorted by namespace: one lookup per namespace, not per pod.
      ensureNamespace(pod.namespace);
      lastNamespace = pod.namespace;
    }
    // Made up in this order (sorted), so the same input always gives the same addresses. A
    // pod kept from an earlier build (`draftPods`) keeps its model when it gets the address
    // it had; else it is a new model with this build's address (kept models are shared).
    if (pod.addressMadeUp) {
      const ip = podAlloc.allocate(pod.id);
      if (awaitsAddress(pod)) pod.ips = [ip];
      else if (pod.ips.length !== 1 || pod.ips[0] !== ip) {
        pod = { ...pod, ips: [ip] };
        pods[k] = pod;
      }
    }
    if (pod.workload) {
      const list = replicas.get(pod.workload);
      if (list) list.push(pod);
      else replicas.set(pod.workload, [pod]);
    }
  }

  const workloads: WorkloadModel[] = [];
  for (const w of drafts.workloads.values()) {
    ensureNamespace(w.namespace);
    // Written out, not spread (`{ id, ...w }` took a slow path): the same keys in the same order.
    const { ref, kind, name, namespace, labels, ports, origin } = w;
    const own = replicas.get(ref) ?? [];
    workloads.push(
      origin
        ? { id: ref.id, kind, name, namespace, labels, ports, origin, pods: own }
        : { id: ref.id, kind, name, namespace, labels, ports, pods: own },
    );
  }
  sortByNsName(workloads);

  const services = buildServices(byKind.Service, namespaceOf, options.serviceCidr ?? DEFAULT_SERVICE_CIDR, pods);
  for (let k = 0; k < services.length; k++) ensureNamespace(at(services, k).namespace);
  return { namespaces, parts: { pods, workloads, services, dropped: drafts.dropped, podRanges: ranges } };
}

function groupByKind(objects: readonly DecodedObject[]) {
  const out = {
    Namespace: [] as DecodedOf<'Namespace'>[],
    Pod: [] as DecodedOf<'Pod'>[],
    Service: [] as DecodedOf<'Service'>[],
    NetworkPolicy: [] as DecodedOf<'NetworkPolicy'>[],
    Node: [] as DecodedOf<'Node'>[],
    admin: [] as DecodedCustom[],
    workloads: [] as DecodedWorkload[],
  };
  for (let k = 0; k < objects.length; k++) {
    const o = at(objects, k);
    if (o.kind === 'Namespace') out.Namespace.push(o);
    else if (o.kind === 'Pod') out.Pod.push(o);
    else if (o.kind === 'Service') out.Service.push(o);
    else if (o.kind === 'NetworkPolicy') out.NetworkPolicy.push(o);
    else if (o.kind === 'Node') out.Node.push(o);
    else if ('usableSelector' in o) out.admin.push(o);
    else out.workloads.push(o);
  }
  return out;
}
