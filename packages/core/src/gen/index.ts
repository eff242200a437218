/** @netpol/core/gen: made-up clusters of any size (`netpol gen`, benches). */

export { generateCluster, genOptionsForPods } from './generate-cluster.js';
export { podDumpChunks } from './generate-pod-dump.js';
export { renderGenerated } from './render-generated.js';
