import { NAMESPACE_NAME_LABEL } from './constants.js';
import { loadCluster } from './load-cluster.js';
import type { BuildOptions } from './model/build-cluster.js';
import type { ClusterModel } from './model/types.js';

/** Build a cluster from inline YAML (multi-document); throws on invalid input (tests only). */
export function clusterFromYaml(text: string, options: BuildOptions = {}): ClusterModel {
  const result = loadCluster([{ name: 'test.yaml', text }], options);
  if (!result.ok) {
    throw new Error(
      `invalid test input:\n${result.issues.map((i) => `${i.code} ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  return result.value.cluster;
}

/**
 * The policies alone, their namespaces only referenced (as a repository of policies holds
 * them): what the symbolic analysis answers for every pod that could exist.
 */
export function policiesOnly(cluster: ClusterModel): ClusterModel {
  const namespaces = new Map(
    cluster.policies.map((p) => [
      p.namespace,
      { name: p.namespace, labels: { [NAMESPACE_NAME_LABEL]: p.namespace }, implicit: true },
    ]),
  );
  return {
    namespaces,
    pods: [],
    workloads: [],
    services: [],
    policies: cluster.policies,
    ...(cluster.adminPolicies ? { adminPolicies: cluster.adminPolicies } : {}),
    ...(cluster.nodes ? { nodes: cluster.nodes } : {}),
  };
}
