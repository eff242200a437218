import type { ClusterModel, PodModel, WorkloadModel } from '../model/types.js';
import { listMatrixEndpoints } from './matrix-endpoints.js';

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

/** The pod endpoints of `matrix` (same ids, same order), for lint and diff. */
export function listEndpointSamples(cluster: ClusterModel): EndpointSample[] {
  // Once per pods and workloads (a what-if diff asks both versions, which share them when only
  // policies changed).
  const known = samplesByPods.get(cluster.pods);
  if (known?.workloads === cluster.workloads) return [...known.samples];
  const listed = listMatrixEndpoints(cluster);
  if (!listed.ok) return [];
  const out: EndpointSample[] = [];
  for (const e of listed.value) if (e.kind !== 'external') out.push({ id: e.id, pod: e.pod, namespace: e.namespace });
  samplesByPods.set(cluster.pods, { workloads: cluster.workloads, samples: [...out] });
  return out;
}

const samplesByPods = new WeakMap<
  readonly PodModel[],
  { workloads: readonly WorkloadModel[]; samples: readonly EndpointSample[] }
>();
