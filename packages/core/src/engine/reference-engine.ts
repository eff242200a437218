import type { ClusterModel } from '../model/types.js';
import { type CompiledCluster, compileCluster } from './compile-cluster.js';
import type { Engine } from './types.js';

/**
 * The reference engine: exact, one pair at a time, with reasons, on the compiled cluster
 * (each `check` looks only at the policies of the two pods' namespaces). Semantics:
 * SPEC.md "Semantics". Pass `compiled` when the caller already has it.
 */
export function createReferenceEngine(cluster: ClusterModel, compiled?: CompiledCluster): Engine {
  const semantics = compiled ?? compileCluster(cluster);
  return { cluster, check: (source, destination, query) => semantics.verdict(source, destination, query) };
}
