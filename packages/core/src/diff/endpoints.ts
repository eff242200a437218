import type { ClusterModel, PodModel } from '../model/types.js';

/**
 * One endpoint as `matrix` lists it (SPEC "Endpoints in check and matrix"): a bare Pod as
 * `ns/name`, a workload once as `ns/name[Kind]`, judged on its first replica (replicas share
 * labels and ports, so their verdicts are the same).
 */
export interface EndpointSample {
  id: string;
  /** The pod the engine judges: the pod itself, or the workload's first replica. */
  pod: PodModel;
  namespace: string;
}

/** Endpoints of a cluster, sorted by namespace then name (workloads with no replica are skipped). */
export function listEndpointSamples(cluster: ClusterModel): EndpointSample[] {
  const out: EndpointSample[] = [];
  const seen = new Set<string>();
  const workloads = new Map(cluster.workloads.map((w) => [w.id, w]));
  for (const pod of cluster.pods) {
    if (!pod.workload) {
      out.push({ id: pod.id, pod, namespace: pod.namespace });
      continue;
    }
    if (seen.has(pod.workload.id)) continue;
    seen.add(pod.workload.id);
    const workload = workloads.get(pod.workload.id);
    out.push({ id: pod.workload.id, pod: workload?.pods[0] ?? pod, namespace: pod.namespace });
  }
  return out.sort((a, b) =>
    a.namespace !== b.namespace ? (a.namespace < b.namespace ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}
