import type { ClusterModel } from '../model/types.js';
import { diffSymbolic, type SymbolicDiff } from '../symbolic/diff-symbolic.js';
import { type ClusterDiff, diffClusters } from './diff-clusters.js';

/**
 * The pod ranges both versions of a diff should make pod addresses from, when each inferred
 * different ones (else undefined): otherwise every address-less pod would show as moved (and
 * ipBlock verdicts with it) when only one version has real pod IPs. Ranges inferred from
 * real pod addresses describe the cluster; the default one does not.
 */
export function sharedPodRanges(base: ClusterModel, head: ClusterModel): string[] | undefined {
  const [a, b] = [base.podRanges ?? [], head.podRanges ?? []];
  if (a.join() === b.join()) return undefined;
  const real = (c: ClusterModel) => c.pods.some((p) => !p.addressMadeUp);
  const inferred = [...(real(base) ? a : []), ...(real(head) ? b : [])];
  return [...new Set(inferred.length > 0 ? inferred : [...a, ...b])];
}

/**
 * `netpol diff`'s choice of engine: without pods in either version (a repository of policies
 * alone), or when asked, the endpoints are classes of every pod that could exist.
 */
export function diffVersions(
  base: ClusterModel,
  head: ClusterModel,
  options: { symbolic?: boolean } = {},
): ClusterDiff | SymbolicDiff {
  const symbolic = options.symbolic || (base.pods.length === 0 && head.pods.length === 0);
  return symbolic ? diffSymbolic(base, head) : diffClusters(base, head);
}
