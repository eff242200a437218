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
