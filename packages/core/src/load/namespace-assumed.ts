import type { Issue } from '../issues.js';
import type { ClusterModel } from '../model/types.js';
import type { DecodedObject } from './decoded-object.js';
import { describeObject } from './loaded-object.js';

/**
 * A NetworkPolicy that names no namespace goes where `kubectl apply` is pointed (the
 * context's namespace, or `-n`); netpol reads it in `default` (or `-n`). When that namespace
 * has no pods but others do, the policies were almost surely meant for those (a repository
 * applied with `kubectl apply -n shop`, read beside a cluster dump): they select nothing and
 * every verdict they should decide reads "not isolated". One warning says so, with the fix.
 * Pods in the assumed namespace, or no pods at all (policy-only analysis, where the classes
 * name the namespace), make no warning: the tutorials' manifests all live in `default`.
 */
export function namespaceAssumed(
  decoded: readonly DecodedObject[],
  cluster: ClusterModel,
  assumed: string,
  given: boolean,
): Issue | undefined {
  const unplaced = decoded.filter((o) => o.kind === 'NetworkPolicy' && !o.value.metadata?.namespace);
  const first = unplaced[0];
  if (!first || cluster.pods.length === 0 || cluster.pods.some((p) => p.namespace === assumed)) return undefined;
  const elsewhere = [...new Set(cluster.pods.map((p) => p.namespace))];
  const shown =
    elsewhere.length > 3
      ? `${elsewhere.slice(0, 3).join(', ')} and ${elsewhere.length - 3} more`
      : elsewhere.join(', ');
  const n = unplaced.length;
  return {
    code: 'namespace-assumed',
    severity: 'warning',
    path: ['metadata', 'namespace'],
    message: `${n === 1 ? '1 NetworkPolicy names' : `${n} NetworkPolicies name`} no namespace and ${n === 1 ? 'was' : 'were'} read in namespace ${assumed}${given ? ' (-n)' : ''}, which has no pods (the pods are in ${shown}), so ${n === 1 ? 'it selects' : 'they select'} nothing; kubectl apply puts ${n === 1 ? 'it' : 'them'} in the namespace of your context or -n: give -n NAMESPACE to read ${n === 1 ? 'it' : 'them'} there`,
    file: first.object.source.name,
    range: first.object.locate([]),
    object: describeObject(first.object).replace(/ default\//, ` ${assumed}/`),
  };
}
