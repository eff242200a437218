/** @netpol/core/diff: what changes between two versions of a cluster's policies. */

export type { ClusterDiff } from './diff-clusters.js';
export { changedSides, diffClusters } from './diff-clusters.js';
export { diffVersions, sharedPodRanges } from './diff-versions.js';
export { unanalyzedChanges } from './unanalyzed-changes.js';
