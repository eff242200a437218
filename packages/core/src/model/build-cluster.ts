import { NAMESPACE_NAME_LABEL } from '../constants.js';
import type { LoadedObject } from '../load/loaded-object.js';
import { AddressAllocator } from './address-allocator.js';
import { isAdminPolicyKind } from './admin-types.js';
import { buildAdminPolicy, buildNode, compareAdminPolicies } from './build-admin-policy.js';
import { buildPolicy } from './build-policy.js';
import { parseIp } from './cidr.js';
import { arr, labelsOf, num, type Obj, obj, protocolOf, str } from './read-fields.js';
import type {
  ClusterModel,
  ContainerPortModel,
  NamespaceModel,
  PodModel,
  ServiceModel,
  WorkloadModel,
} from './types.js';

export interface BuildOptions {
  /** Namespace for objects that name none (kubectl's `-n`); default `default`. */
  defaultNamespace?: string;
  /** Range for pod addresses the manifests do not give; default 198.18.0.0/16. */
  podCidr?: string;
  /** Range for ClusterIPs the manifests do not give; default 198.19.0.0/16. */
  serviceCidr?: string;
}

export const DEFAULT_POD_CIDR = '198.18.0.0/16';
export const DEFAULT_SERVICE_CIDR = '198.19.0.0/16';

/** Kinds that carry a pod template, and where it is. */
const WORKLOAD_TEMPLATE_PATH: Record<string, readonly string[]> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const SUPPORTED_KINDS: readonly string[] = [
  'Namespace',
  'Pod',
  ...Object.keys(WORKLOAD_TEMPLATE_PATH),
  'Service',
  'NetworkPolicy',
  'Node',
  'ClusterNetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
];

export function isWorkloadKind(kind: string): boolean {
  return kind in WORKLOAD_TEMPLATE_PATH;
}

/**
 * Validated objects → the cluster model. Pods owned by workloads are attributed to them
 * (Pod → ReplicaSet → Deployment, Pod → Job → CronJob, by ownerReferences, or by the
 * `pod-template-hash` label when the ReplicaSet is not in the input); workloads with no
 * pods in the input get `<workload>-<i>` replicas from their template.
 */
export function buildCluster(objects: readonly LoadedObject[], options: BuildOptions = {}): ClusterModel {
  const defaultNs = options.defaultNamespace ?? 'default';
  const nsOf = (o: LoadedObject) => str(obj(o.value.metadata).namespace) || defaultNs;
  const nameOf = (o: LoadedObject) => str(obj(o.value.metadata).name) ?? '';

  const namespaces = new Map<string, NamespaceModel>();
  const ensureNamespace = (name: string) => {
    if (!namespaces.has(name)) {
      namespaces.set(name, { name, labels: { [NAMESPACE_NAME_LABEL]: name }, implicit: true });
    }
  };
  for (const o of objects) {
    if (o.kind !== 'Namespace') continue;
    const name = nameOf(o);
    // The API server sets this label and refuses any other value for it.
    const labels = { ...labelsOf(obj(o.value.metadata).labels), [NAMESPACE_NAME_LABEL]: name };
    namespaces.set(name, { name, labels, implicit: false, origin: { object: o, path: [] } });
  }

  // Workload objects by `ns/Kind/name`, and which workload each one rolls up to.
  const workloadObjects = new Map<string, LoadedObject>();
  for (const o of objects) {
    if (isWorkloadKind(o.kind)) workloadObjects.set(`${nsOf(o)}/${o.kind}/${nameOf(o)}`, o);
  }
  const controllerOf = (o: LoadedObject): { kind: string; name: string } | undefined => {
    for (const ref of arr(obj(o.value.metadata).ownerReferences)) {
      const r = obj(ref);
      if (r.controller === true && typeof r.kind === 'string' && typeof r.name === 'string') {
        return { kind: r.kind, name: r.name };
      }
    }
    return undefined;
  };
  /** Follow ReplicaSet → Deployment and Job → CronJob to the top-level workload. */
  const rollUp = (ns: string, kind: string, name: string, podLabels?: Record<string, string>) => {
    const self = workloadObjects.get(`${ns}/${kind}/${name}`);
    const parent = self ? controllerOf(self) : undefined;
    if (parent && isWorkloadKind(parent.kind)) return { kind: parent.kind, name: parent.name };
    if (!self && kind === 'ReplicaSet') {
      const hash = podLabels?.['pod-template-hash'];
      if (hash && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
    }
    if (!self && kind === 'Job') {
      // A CronJob names its Jobs `<cronjob>-<scheduled time in minutes since the epoch>`.
      // Without the CronJob in the input (`kubectl get pods -o json`), trust only a number of
      // minutes between 2017 and 2046, so a dated one-off Job (`backup-20261125`) stays a Job.
      const match = /^(.+)-(\d+)$/.exec(name);
      if (match && workloadObjects.has(`${ns}/CronJob/${match[1]}`)) return { kind: 'CronJob', name: match[1] };
      if (match && isScheduledMinutes(match[2])) return { kind: 'CronJob', name: match[1] };
    }
    return { kind, name };
  };

  interface PodDraft {
    namespace: string;
    name: string;
    labels: Record<string, string>;
    ports: ContainerPortModel[];
    ips: string[];
    hostNetwork: boolean;
    workload?: { kind: string; name: string };
    origin: { object: LoadedObject; path: readonly (string | number)[] };
  }
  const drafts: PodDraft[] = [];
  const workloadsWithPods = new Set<string>();
  const workloadDrafts = new Map<
    string,
    {
      kind: string;
      name: string;
      namespace: string;
      labels: Record<string, string>;
      ports: ContainerPortModel[];
      origin?: { object: LoadedObject; path: readonly (string | number)[] };
    }
  >();

  for (const o of objects) {
    if (o.kind !== 'Pod') continue;
    const namespace = nsOf(o);
    const meta = obj(o.value.metadata);
    const labels = labelsOf(meta.labels);
    const spec = obj(o.value.spec);
    const status = obj(o.value.status);
    // Finished pods hold no address and take no traffic.
    const phase = str(status.phase);
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ips = arr(status.podIPs)
      .map((p) => str(obj(p).ip))
      .filter((ip): ip is string => ip !== undefined && parseIp(ip) !== undefined);
    const podIP = str(status.podIP);
    if (ips.length === 0 && podIP && parseIp(podIP)) ips.push(podIP);
    const owner = controllerOf(o);
    const workload =
      owner && isWorkloadKind(owner.kind) ? rollUp(namespace, owner.kind, owner.name, labels) : undefined;
    if (workload) {
      const key = `${namespace}/${workload.kind}/${workload.name}`;
      workloadsWithPods.add(key);
      if (!workloadDrafts.has(key)) {
        workloadDrafts.set(key, { ...workload, namespace, labels, ports: containerPorts(spec) });
      }
    }
    drafts.push({
      namespace,
      name: nameOf(o),
      labels,
      ports: containerPorts(spec),
      ips,
      hostNetwork: spec.hostNetwork === true,
      workload,
      origin: { object: o, path: [] },
    });
  }

  for (const o of objects) {
    if (!isWorkloadKind(o.kind)) continue;
    const namespace = nsOf(o);
    const own = { kind: o.kind, name: nameOf(o) };
    const top = rollUp(namespace, own.kind, own.name);
    const key = `${namespace}/${top.kind}/${top.name}`;
    const isTop = top.kind === own.kind && top.name === own.name;
    const templatePath = WORKLOAD_TEMPLATE_PATH[o.kind];
    let template: unknown = o.value;
    for (const k of templatePath) template = obj(template)[k];
    const tmeta = obj(obj(template).metadata);
    const tspec = obj(obj(template).spec);
    const labels = labelsOf(tmeta.labels);
    const ports = containerPorts(tspec);
    // A ReplicaSet of a Deployment in the input is only history; the Deployment is the workload.
    if (!isTop && workloadObjects.has(key)) continue;
    const existing = workloadDrafts.get(key);
    if (!existing || isTop) {
      workloadDrafts.set(key, { ...top, namespace, labels, ports, origin: { object: o, path: templatePath } });
    }
    if (workloadsWithPods.has(key)) continue;
    const replicas = replicasOf(o);
    for (let i = 0; i < replicas; i++) {
      drafts.push({
        namespace,
        name: `${top.name}-${i}`,
        labels,
        ports,
        ips: [],
        hostNetwork: tspec.hostNetwork === true,
        workload: top,
        origin: { object: o, path: templatePath },
      });
    }
    workloadsWithPods.add(key);
  }

  drafts.sort((a, b) => compareNsName(a, b));
  const podAlloc = new AddressAllocator(options.podCidr ?? DEFAULT_POD_CIDR);
  for (const d of drafts) for (const ip of d.ips) podAlloc.reserve(ip);
  const pods: PodModel[] = drafts.map((d) => {
    ensureNamespace(d.namespace);
    const workload = d.workload
      ? { ...d.workload, id: `${d.namespace}/${d.workload.name}[${d.workload.kind}]` }
      : undefined;
    return {
      id: `${d.namespace}/${d.name}`,
      namespace: d.namespace,
      name: d.name,
      labels: d.labels,
      ips: d.ips.length > 0 ? d.ips : [podAlloc.allocate(`${d.namespace}/${d.name}`)],
      ports: d.ports,
      workload,
      hostNetwork: d.hostNetwork,
      origin: d.origin,
    };
  });

  const podsByWorkload = new Map<string, PodModel[]>();
  for (const pod of pods) {
    if (!pod.workload) continue;
    const list = podsByWorkload.get(pod.workload.id);
    if (list) list.push(pod);
    else podsByWorkload.set(pod.workload.id, [pod]);
  }
  const workloads: WorkloadModel[] = [...workloadDrafts.values()]
    .map((w) => {
      const id = `${w.namespace}/${w.name}[${w.kind}]`;
      ensureNamespace(w.namespace);
      return {
        id,
        kind: w.kind,
        namespace: w.namespace,
        name: w.name,
        labels: w.labels,
        ports: w.ports,
        pods: podsByWorkload.get(id) ?? [],
        origin: w.origin,
      };
    })
    .sort(compareNsName);

  const serviceObjects = objects
    .filter((o) => o.kind === 'Service')
    .sort((a, b) => compareNsName({ namespace: nsOf(a), name: nameOf(a) }, { namespace: nsOf(b), name: nameOf(b) }));
  const serviceAlloc = new AddressAllocator(options.serviceCidr ?? DEFAULT_SERVICE_CIDR);
  for (const o of serviceObjects) {
    const ip = str(obj(o.value.spec).clusterIP);
    if (ip && parseIp(ip)) serviceAlloc.reserve(ip);
  }
  const services: ServiceModel[] = serviceObjects.map((o) => {
    const namespace = nsOf(o);
    const name = nameOf(o);
    ensureNamespace(namespace);
    const spec = obj(o.value.spec);
    const declaredIp = str(spec.clusterIP);
    const type = str(spec.type) ?? 'ClusterIP';
    let clusterIP: string | undefined;
    if (declaredIp && parseIp(declaredIp)) clusterIP = declaredIp;
    else if (declaredIp !== 'None' && type !== 'ExternalName')
      clusterIP = serviceAlloc.allocate(`${namespace}/${name}`);
    const selector = spec.selector === undefined || spec.selector === null ? undefined : labelsOf(spec.selector);
    return {
      id: `${namespace}/${name}`,
      namespace,
      name,
      clusterIP,
      selector: selector && Object.keys(selector).length > 0 ? selector : undefined,
      ports: arr(spec.ports).map((p) => {
        const port = obj(p);
        const number = num(port.port) ?? 0;
        const target = port.targetPort;
        return {
          name: str(port.name),
          port: number,
          targetPort: typeof target === 'number' || (typeof target === 'string' && target !== '') ? target : number,
          protocol: protocolOf(port.protocol),
        };
      }),
      origin: { object: o, path: [] },
    };
  });

  const policies = objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => buildPolicy(o, nsOf(o)))
    .sort(compareNsName);
  for (const p of policies) ensureNamespace(p.namespace);

  const cluster: ClusterModel = {
    namespaces: new Map([...namespaces.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    pods,
    workloads,
    services,
    policies,
  };
  const adminPolicies = objects.filter((o) => isAdminPolicyKind(o.kind)).map(buildAdminPolicy);
  if (adminPolicies.length > 0) cluster.adminPolicies = adminPolicies.sort(compareAdminPolicies);
  const nodes = objects.filter((o) => o.kind === 'Node').map(buildNode);
  if (nodes.length > 0) cluster.nodes = nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return cluster;
}

function containerPorts(podSpec: Obj): ContainerPortModel[] {
  const out: ContainerPortModel[] = [];
  for (const key of ['initContainers', 'containers']) {
    for (const c of arr(podSpec[key])) {
      for (const p of arr(obj(c).ports)) {
        const port = obj(p);
        const number = num(port.containerPort);
        if (number === undefined) continue;
        out.push({ name: str(port.name) || undefined, port: number, protocol: protocolOf(port.protocol) });
      }
    }
  }
  return out;
}

/** 25,000,000 minutes after the epoch is mid-2017, 40,000,000 is 2046. */
function isScheduledMinutes(digits: string): boolean {
  const minutes = Number(digits);
  return digits.length === 8 && minutes >= 25_000_000 && minutes < 40_000_000;
}

/** Replicas modelled for one workload at most (validation warns above it). */
export const MAX_WORKLOAD_REPLICAS = 10_000;

function replicasOf(o: LoadedObject): number {
  const spec = obj(o.value.spec);
  switch (o.kind) {
    case 'DaemonSet':
    case 'CronJob':
      return 1; // one node; one running job
    case 'Job':
      return Math.min(num(spec.parallelism) ?? 1, MAX_WORKLOAD_REPLICAS);
    default:
      return Math.min(num(spec.replicas) ?? 1, MAX_WORKLOAD_REPLICAS);
  }
}

export function compareNsName(a: { namespace: string; name: string }, b: { namespace: string; name: string }): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
