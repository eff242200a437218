import type { Peer } from '../engine/types.js';
import type { Outcome } from '../issues.js';
import { formatIp, parseIp } from '../model/cidr.js';
import type { ClusterModel, PodModel, WorkloadModel } from '../model/types.js';

/** One row/column of the connectivity matrix (SPEC "Endpoints in check and matrix"). */
export type MatrixEndpoint =
  | { kind: 'pod'; id: string; namespace: string; name: string; pod: PodModel }
  /** A workload, judged on its first replica (replicas share labels and ports). */
  | { kind: 'workload'; id: string; namespace: string; name: string; workload: WorkloadModel; pod: PodModel }
  | { kind: 'external'; id: string; ip: string };

export interface EndpointOptions {
  /** List every replica as its own `ns/name` endpoint instead of one per workload. */
  perPod?: boolean;
  /** Keep only endpoints in these namespaces (all when absent or empty). */
  namespaces?: readonly string[];
  /** Outside addresses, appended in the order given (duplicates dropped). */
  externals?: readonly string[];
}

/** An outside address given to the matrix that is no IP address. */
export interface ExternalInvalid {
  code: 'external-invalid';
  /** The text as given. */
  input: string;
  message: string;
}

/**
 * The matrix's endpoints: each bare Pod `ns/name` and each workload once `ns/name[Kind]`
 * (workloads without pods are not endpoints), or every pod with `perPod`; sorted by
 * namespace, then name; then the outside addresses in the order given.
 */
export function listMatrixEndpoints(
  cluster: ClusterModel,
  options: EndpointOptions = {},
): Outcome<MatrixEndpoint[], ExternalInvalid> {
  const plain = !options.perPod && !options.namespaces?.length && !options.externals?.length;
  if (!plain) return listed(cluster, options);
  // Every endpoint, as the web UI and the diff ask after each edit: once per pods and workloads
  // (models are never changed once built; a what-if of policies keeps both lists).
  const known = endpointsByPods.get(cluster.pods);
  if (known?.workloads === cluster.workloads) return { ok: true, value: [...known.endpoints] };
  const found = listed(cluster, options);
  if (found.ok) endpointsByPods.set(cluster.pods, { workloads: cluster.workloads, endpoints: [...found.value] });
  return found;
}

const endpointsByPods = new WeakMap<
  readonly PodModel[],
  { workloads: readonly WorkloadModel[]; endpoints: readonly MatrixEndpoint[] }
>();

function listed(cluster: ClusterModel, options: EndpointOptions): Outcome<MatrixEndpoint[], ExternalInvalid> {
  const keep = options.namespaces && options.namespaces.length > 0 ? new Set(options.namespaces) : undefined;
  const inside: Exclude<MatrixEndpoint, { kind: 'external' }>[] = [];
  for (const pod of cluster.pods) {
    if (keep && !keep.has(pod.namespace)) continue;
    if (options.perPod || !pod.workload) {
      inside.push({ kind: 'pod', id: pod.id, namespace: pod.namespace, name: pod.name, pod });
    }
  }
  if (!options.perPod) {
    for (const workload of cluster.workloads) {
      if (keep && !keep.has(workload.namespace)) continue;
      const pod = workload.pods[0];
      if (!pod) continue;
      inside.push({
        kind: 'workload',
        id: workload.id,
        namespace: workload.namespace,
        name: workload.name,
        workload,
        pod,
      });
    }
  }
  inside.sort((a, b) =>
    a.namespace !== b.namespace
      ? compare(a.namespace, b.namespace)
      : a.name !== b.name
        ? compare(a.name, b.name)
        : compare(a.id, b.id),
  );
  const endpoints: MatrixEndpoint[] = inside;
  const seen = new Set<string>();
  for (const text of options.externals ?? []) {
    const ip = parseIp(text);
    if (!ip) {
      const message = `"${text}" is not an IPv4 or IPv6 address`;
      return { ok: false, error: { code: 'external-invalid', input: text, message } };
    }
    const canonical = formatIp(ip);
    if (seen.has(canonical)) continue;
    seen.add(canonical);
    endpoints.push({ kind: 'external', id: canonical, ip: canonical });
  }
  return { ok: true, value: endpoints };
}

/** The engine's view of an endpoint (a workload is its first replica). */
export function endpointPeer(endpoint: MatrixEndpoint): Peer {
  return endpoint.kind === 'external' ? { kind: 'external', ip: endpoint.ip } : { kind: 'pod', pod: endpoint.pod };
}

/**
 * The two peers a matrix cell judges: each endpoint's peer, except on the diagonal of a
 * workload with two or more replicas, which is its first replica to its second (SPEC: one
 * replica to *another*, as `check` judges it; a pod to itself is always allowed).
 */
export function cellPeers(source: MatrixEndpoint, destination: MatrixEndpoint): [Peer, Peer] {
  if (source === destination && source.kind === 'workload') {
    const [first, second] = source.workload.pods;
    if (first && second)
      return [
        { kind: 'pod', pod: first },
        { kind: 'pod', pod: second },
      ];
  }
  return [endpointPeer(source), endpointPeer(destination)];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
